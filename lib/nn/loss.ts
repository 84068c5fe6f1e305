// torch/nn/modules/loss.py: _Loss, _WeightedLoss and every loss module. The legacy
// `size_average` / `reduce` pair still works as in PyTorch (it decides `reduction`, with
// PyTorch's deprecation warning); class weights are registered buffers (`weight`, `pos_weight`).
import { Tensor } from '../tensor';
import { type Binder, pySignature } from '../python_signature';
import { PyFloat } from '../scalar';
import { PairwiseDistance } from './distance';
import * as F from './functional';
import { Linear, type FactoryOptions } from './linear';
import { Module } from './module';
import { pyFloat, pyRepr, pyStr } from './repr';
import { type Args } from './modules_utils';

export type Reduction = F.Reduction;
type Legacy = [sizeAverage: boolean | null, reduce: boolean | null];

/** Bound arguments with torch.pyFloat(x) unwrapped: the attributes are plain numbers (floats by floatAttributes). */
function floats<T>(o: T): T {
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) if (r[k] instanceof PyFloat) r[k] = (r[k] as PyFloat).value;
  return o;
}

const warn = (message: string, category = 'UserWarning'): void => void process.emitWarning(message, category);

/** torch.nn._reduction.legacy_get_string: what the deprecated size_average / reduce pair means. */
function legacyGetString(sizeAverage: boolean | null, reduce: boolean | null): Reduction {
  const sa = sizeAverage ?? true;
  const r = reduce ?? true;
  const ret = sa && r ? 'mean' : r ? 'sum' : 'none';
  warn(`size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`);
  return ret;
}

/** Python's `type(x)` as `<class '...'>`, for messages. */
function pyType(x: unknown): string {
  let name: string;
  if (x === null || x === undefined) name = 'NoneType';
  else if (typeof x === 'string') name = 'str';
  else if (typeof x === 'boolean') name = 'bool';
  else if (Array.isArray(x)) name = 'tuple';
  else if (x instanceof Tensor) name = 'torch.Tensor';
  else if (typeof x === 'function') name = 'function';
  else name = typeof x === 'object' ? 'dict' : typeof x;
  return `<class '${name}'>`;
}

export interface LegacyOptions {
  /** Deprecated (use `reduction`): with `reduce`, decides the reduction as in PyTorch. */
  sizeAverage?: boolean | null;
  /** Deprecated (use `reduction`). */
  reduce?: boolean | null;
  reduction?: Reduction;
}
export interface WeightedLossOptions extends LegacyOptions {
  weight?: Tensor | null;
}

const LOSS = pySignature('_Loss.__init__', "self, size_average=None, reduce=None, reduction='mean'");
const WEIGHTED_LOSS = pySignature('_WeightedLoss.__init__', "self, weight=None, size_average=None, reduce=None, reduction='mean'");

/** The base of every loss: the reduction ('none', 'mean' or 'sum') the forward applies. */
export class _Loss extends Module {
  static override pythonModule = 'torch.nn.modules.loss';
  declare reduction: Reduction;
  constructor(...args: Args<[], [...Legacy, reduction: Reduction], LegacyOptions>) {
    super();
    const o = floats(LOSS<Required<LegacyOptions>>(args));
    this.reduction = o.sizeAverage !== null || o.reduce !== null ? legacyGetString(o.sizeAverage, o.reduce) : o.reduction;
  }
}

/** A loss with optional per-class weights, registered as the buffer `weight` (None when not given). */
export class _WeightedLoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  declare weight: Tensor | null;
  constructor(...args: Args<[], [weight: Tensor | null, ...Legacy, reduction: Reduction], WeightedLossOptions>) {
    const o = floats(WEIGHTED_LOSS<Required<WeightedLossOptions>>(args));
    super(o.sizeAverage, o.reduce, o.reduction);
    this.registerBuffer('weight', o.weight);
  }
}

/**
 * The base of a loss whose __init__ binds by `sig`: _Loss's reduction (from the legacy size_average / reduce
 * pair when the signature has it) and then the attributes `keys`, in that order.
 */
function lossWith<A extends unknown[], O extends { reduction?: string }>(sig: Binder, keys: readonly (keyof O & string)[]) {
  abstract class LossWith extends _Loss {
    constructor(...args: A) {
      const o = floats(sig<Required<O> & Partial<Record<'sizeAverage' | 'reduce', boolean | null>>>(args));
      super(o.sizeAverage ?? null, o.reduce ?? null, o.reduction as Reduction);
      for (const k of keys) (this as unknown as Record<string, unknown>)[k] = o[k];
    }
  }
  return LossWith as Omit<typeof _Loss, 'prototype'> & (abstract new (...args: A) => _Loss);
}

/** lossWith for a _WeightedLoss: the `weight` buffer, the reduction, then the attributes `keys`. */
function weightedLossWith<A extends unknown[], O extends WeightedLossOptions>(sig: Binder, keys: readonly (keyof O & string)[]) {
  abstract class WeightedLossWith extends _WeightedLoss {
    constructor(...args: A) {
      const o = floats(sig<Required<O> & Required<WeightedLossOptions>>(args));
      super(o.weight, o.sizeAverage, o.reduce, o.reduction);
      for (const k of keys) (this as unknown as Record<string, unknown>)[k] = o[k];
    }
  }
  return WeightedLossWith as Omit<typeof _WeightedLoss, 'prototype'> & (abstract new (...args: A) => _WeightedLoss);
}

/** Mean absolute error. */
export class L1Loss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

export interface NLLLossOptions extends WeightedLossOptions {
  ignoreIndex?: number;
}
const NLL_LOSS = pySignature('NLLLoss.__init__', "self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'");
type NLLPositional = [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction];

/** Negative log likelihood of log-probabilities against class indices. */
export class NLLLoss extends weightedLossWith<Args<[], NLLPositional, NLLLossOptions>, NLLLossOptions>(NLL_LOSS, ['ignoreIndex']) {
  static override pythonModule = 'torch.nn.modules.loss';
  declare ignoreIndex: number;
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

const NLL_LOSS_2D = pySignature('NLLLoss2d.__init__', "self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'");
/** Deprecated: NLLLoss is a drop-in replacement (constructing one warns, as in PyTorch). */
export class NLLLoss2d extends NLLLoss {
  static override pythonModule = 'torch.nn.modules.loss';
  constructor(...args: Args<[], NLLPositional, NLLLossOptions>) {
    warn(
      '`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see ' +
        'https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.',
      'FutureWarning',
    );
    const o = floats(NLL_LOSS_2D<Required<NLLLossOptions>>(args));
    super(o.weight, o.sizeAverage, o.ignoreIndex, o.reduce, o.reduction);
  }
}

export interface PoissonNLLLossOptions extends LegacyOptions {
  logInput?: boolean;
  full?: boolean;
  eps?: number;
}
const POISSON_NLL_LOSS = pySignature('PoissonNLLLoss.__init__', "self, log_input=True, full=False, size_average=None, eps=1e-08, reduce=None, reduction='mean'");

/** Negative log likelihood of a Poisson-distributed target. */
export class PoissonNLLLoss extends lossWith<Args<[], [logInput: boolean, full: boolean, sizeAverage: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction], PoissonNLLLossOptions>, PoissonNLLLossOptions>(POISSON_NLL_LOSS, ['logInput', 'full', 'eps']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['eps'];
  declare logInput: boolean;
  declare full: boolean;
  declare eps: number;
  override forward(logInput: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(logInput, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export interface GaussianNLLLossOptions {
  full?: boolean;
  eps?: number;
  reduction?: Reduction;
}
const GAUSSIAN_NLL_LOSS = pySignature('GaussianNLLLoss.__init__', "self, *, full=False, eps=1e-06, reduction='mean'");

/** Negative log likelihood of a Gaussian target with predicted mean `input` and variance `var`. */
export class GaussianNLLLoss extends lossWith<[options?: GaussianNLLLossOptions], GaussianNLLLossOptions>(GAUSSIAN_NLL_LOSS, ['full', 'eps']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['eps'];
  declare full: boolean;
  declare eps: number;
  override forward(input: Tensor, target: Tensor, var_: Tensor | number): Tensor {
    return F.gaussianNllLoss(input, target, var_, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export type KLDivReduction = Reduction | 'batchmean';
export interface KLDivLossOptions extends Omit<LegacyOptions, 'reduction'> {
  reduction?: KLDivReduction;
  logTarget?: boolean;
}
const KL_DIV_LOSS = pySignature('KLDivLoss.__init__', "self, size_average=None, reduce=None, reduction='mean', log_target=False");

/** Kullback-Leibler divergence; 'batchmean' is the mathematical definition ('mean' averages over every element). */
export class KLDivLoss extends lossWith<Args<[], [...Legacy, reduction: KLDivReduction, logTarget: boolean], KLDivLossOptions>, KLDivLossOptions>(KL_DIV_LOSS, ['logTarget']) {
  static override pythonModule = 'torch.nn.modules.loss';
  declare logTarget: boolean;
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction as KLDivReduction, logTarget: this.logTarget });
  }
}

/** Mean squared error. */
export class MSELoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Binary cross entropy of probabilities. */
export class BCELoss extends _WeightedLoss {
  static override pythonModule = 'torch.nn.modules.loss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends WeightedLossOptions {
  posWeight?: Tensor | null;
}
const BCE_WITH_LOGITS_LOSS = pySignature('BCEWithLogitsLoss.__init__', "self, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None");

/** Sigmoid then binary cross entropy, in one numerically stable step; buffers `weight` and `pos_weight`. */
export class BCEWithLogitsLoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(...args: Args<[], [weight: Tensor | null, ...Legacy, reduction: Reduction, posWeight: Tensor | null], BCEWithLogitsLossOptions>) {
    const o = floats(BCE_WITH_LOGITS_LOSS<Required<BCEWithLogitsLossOptions>>(args));
    super(o.sizeAverage, o.reduce, o.reduction);
    this.registerBuffer('weight', o.weight);
    this.registerBuffer('pos_weight', o.posWeight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.weight, { posWeight: this.pos_weight, reduction: this.reduction });
  }
}

export interface MarginLossOptions extends LegacyOptions {
  margin?: number;
}
const HINGE_EMBEDDING_LOSS = pySignature('HingeEmbeddingLoss.__init__', "self, margin=1.0, size_average=None, reduce=None, reduction='mean'");

/** Hinge loss of distances against labels 1 / -1. */
export class HingeEmbeddingLoss extends lossWith<Args<[], [margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>, MarginLossOptions>(HINGE_EMBEDDING_LOSS, ['margin']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['margin'];
  declare margin: number;
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Multi-class multi-label hinge loss against target class indices (padded with -1). */
export class MultiLabelMarginLoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

export interface SmoothL1LossOptions extends LegacyOptions {
  beta?: number;
}
const SMOOTH_L1_LOSS = pySignature('SmoothL1Loss.__init__', "self, size_average=None, reduce=None, reduction='mean', beta=1.0");

/** Squared error below `beta`, absolute error above it. */
export class SmoothL1Loss extends lossWith<Args<[], [...Legacy, reduction: Reduction, beta: number], SmoothL1LossOptions>, SmoothL1LossOptions>(SMOOTH_L1_LOSS, ['beta']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['beta'];
  declare beta: number;
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export interface HuberLossOptions {
  reduction?: Reduction;
  delta?: number;
}
const HUBER_LOSS = pySignature('HuberLoss.__init__', "self, reduction='mean', delta=1.0");

/** Squared error below `delta`, `delta`-scaled absolute error above it. */
export class HuberLoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['delta'];
  declare delta: number;
  constructor(...args: Args<[], [reduction: Reduction, delta: number], HuberLossOptions>) {
    const o = floats(HUBER_LOSS<Required<HuberLossOptions>>(args));
    const delta: unknown = o.delta;
    if (typeof delta !== 'number' && typeof delta !== 'bigint' && typeof delta !== 'boolean') throw new TypeError(`delta must be a float or int, got: ${pyType(delta)}`);
    super({ reduction: o.reduction });
    this.delta = o.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Two-class logistic loss against labels 1 / -1. */
export class SoftMarginLoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

export interface CrossEntropyLossOptions extends NLLLossOptions {
  labelSmoothing?: number;
}
const CROSS_ENTROPY_LOSS = pySignature(
  'CrossEntropyLoss.__init__', "self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0",
);

/** Cross entropy of logits against class indices or class probabilities, with optional label smoothing. */
export class CrossEntropyLoss extends weightedLossWith<Args<[], [...NLLPositional, labelSmoothing: number], CrossEntropyLossOptions>, CrossEntropyLossOptions>(
  CROSS_ENTROPY_LOSS, ['ignoreIndex', 'labelSmoothing'],
) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['label_smoothing'];
  declare ignoreIndex: number;
  declare labelSmoothing: number;
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}

export interface LinearCrossEntropyLossOptions extends FactoryOptions {
  outFeatures?: readonly number[];
  bias?: boolean;
  reduction?: Reduction;
  weight?: Tensor | null;
  ignoreIndex?: number | null;
  labelSmoothing?: number;
  /** PyTorch's LinearCrossEntropyOptions (the chunked path): not available, must stay null. */
  options?: null;
}
const LINEAR_CROSS_ENTROPY_LOSS = pySignature(
  'LinearCrossEntropyLoss.__init__',
  "self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None, reduction='mean', weight=None, ignore_index=None, label_smoothing=0.0, options=None",
);

/** A Linear projection to `numClasses` (times `outFeatures`) logits and cross entropy, as one module. */
export class LinearCrossEntropyLoss extends _WeightedLoss {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['label_smoothing'];
  declare numClasses: number;
  declare outFeatures: number[];
  declare ignoreIndex: number | null;
  declare labelSmoothing: number;
  declare linear: Linear;
  declare options: null;
  constructor(...args: [inFeatures: number, numClasses: number, options?: LinearCrossEntropyLossOptions]) {
    const o = floats(LINEAR_CROSS_ENTROPY_LOSS<Required<LinearCrossEntropyLossOptions> & { inFeatures: number; numClasses: number }>(args));
    if (o.weight !== null && !(o.weight.ndim === 1 && o.weight.shape[0] === o.numClasses)) {
      throw new Error(`expected weight shape to be (${o.numClasses},), got ${pyRepr([...o.weight.shape])}`);
    }
    if (o.labelSmoothing < 0 || o.labelSmoothing > 1.0) {
      throw new Error(`expected label_smoothing to be in range [0, 1], got ${pyStr(o.labelSmoothing)}`);
    }
    super({ weight: o.weight, reduction: o.reduction });
    this.numClasses = o.numClasses;
    this.outFeatures = [...o.outFeatures];
    this.ignoreIndex = o.ignoreIndex;
    this.labelSmoothing = o.labelSmoothing;
    const rows = this.outFeatures.reduce((a, b) => a * b, o.numClasses);
    this.linear = new Linear(o.inFeatures, rows, { bias: o.bias, device: o.device, dtype: o.dtype });
    if (o.options !== null) throw new Error("torchnode: LinearCrossEntropyLoss's options (LinearCrossEntropyOptions, the chunked path) are not available");
    this.options = o.options;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    const linearWeight = this.linear.weight.reshape([this.numClasses, ...this.outFeatures, this.linear.inFeatures]);
    const linearBias = this.linear.bias === null ? null : this.linear.bias.reshape([this.numClasses, ...this.outFeatures]);
    return F.linearCrossEntropy(input, linearWeight, target, {
      linearBias, weight: this.weight, reduction: this.reduction, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing, options: this.options,
    });
  }
  override extraRepr(): string {
    return (
      `in_features=${this.linear.inFeatures}, num_classes=${this.numClasses}, out_features=${pyRepr(this.outFeatures)}, ` +
      `bias=${pyRepr(this.linear.bias !== null)}, reduction=${this.reduction}, ignore_index=${pyRepr(this.ignoreIndex)}, ` +
      `label_smoothing=${pyFloat(this.labelSmoothing)}, options=${pyRepr(this.options)}`
    );
  }
}

/** Multi-label one-versus-all logistic loss. */
export class MultiLabelSoftMarginLoss extends _WeightedLoss {
  static override pythonModule = 'torch.nn.modules.loss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

const COSINE_EMBEDDING_LOSS = pySignature('CosineEmbeddingLoss.__init__', "self, margin=0.0, size_average=None, reduce=None, reduction='mean'");

/** Whether pairs are similar (1) or dissimilar (-1), by cosine similarity. */
export class CosineEmbeddingLoss extends lossWith<Args<[], [margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>, MarginLossOptions>(COSINE_EMBEDDING_LOSS, ['margin']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['margin'];
  declare margin: number;
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

const MARGIN_RANKING_LOSS = pySignature('MarginRankingLoss.__init__', "self, margin=0.0, size_average=None, reduce=None, reduction='mean'");

/** Ranking hinge loss: `target` (1 / -1) says which of the two inputs should rank higher. */
export class MarginRankingLoss extends lossWith<Args<[], [margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>, MarginLossOptions>(MARGIN_RANKING_LOSS, ['margin']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['margin'];
  declare margin: number;
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

export interface MultiMarginLossOptions extends WeightedLossOptions {
  p?: number;
  margin?: number;
}
const MULTI_MARGIN_LOSS = pySignature('MultiMarginLoss.__init__', "self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction='mean'");

/** Multi-class hinge loss (p = 1 or 2) against class indices. */
type MultiMarginArgs = Args<[], [p: number, margin: number, weight: Tensor | null, ...Legacy, reduction: Reduction], MultiMarginLossOptions>;
export class MultiMarginLoss extends weightedLossWith<MultiMarginArgs, MultiMarginLossOptions>(MULTI_MARGIN_LOSS, ['p', 'margin']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['margin'];
  declare p: number;
  declare margin: number;
  constructor(...args: MultiMarginArgs) {
    super(...args);
    if (this.p !== 1 && this.p !== 2) throw new RangeError('only p == 1 and p == 2 supported');
    if (this.weight !== null && this.weight.dim() !== 1) {
      throw new RangeError(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${this.weight.dim()}D instead`);
    }
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

export interface TripletMarginLossOptions extends LegacyOptions {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
}
const TRIPLET_MARGIN_LOSS = pySignature('TripletMarginLoss.__init__', "self, margin=1.0, p=2.0, eps=1e-06, swap=False, size_average=None, reduce=None, reduction='mean'");

/** Triplet loss: the anchor nearer the positive than the negative by `margin`, in p-norm distance. */
type TripletMarginArgs = Args<[], [margin: number, p: number, eps: number, swap: boolean, ...Legacy, reduction: Reduction], TripletMarginLossOptions>;
export class TripletMarginLoss extends lossWith<TripletMarginArgs, TripletMarginLossOptions>(TRIPLET_MARGIN_LOSS, ['margin', 'p', 'eps', 'swap']) {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['margin', 'p', 'eps'];
  declare margin: number;
  declare p: number;
  declare eps: number;
  declare swap: boolean;
  constructor(...args: TripletMarginArgs) {
    super(...args);
    if (this.margin <= 0) throw new RangeError(`TripletMarginLoss: expected margin to be greater than 0, got ${pyFloat(this.margin)} instead`);
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

export type DistanceFunction = ((x1: Tensor, x2: Tensor) => Tensor) | Module;
export interface TripletMarginWithDistanceLossOptions {
  /** A function or a module of (x1, x2); null: PairwiseDistance(). */
  distanceFunction?: DistanceFunction | null;
  margin?: number;
  swap?: boolean;
  reduction?: Reduction;
}
const TRIPLET_MARGIN_WITH_DISTANCE_LOSS = pySignature(
  'TripletMarginWithDistanceLoss.__init__', "self, *, distance_function=None, margin=1.0, swap=False, reduction='mean'",
);

/**
 * Triplet loss with any distance: `distance_function` (a sub-module when it is a Module, as in
 * PyTorch; PairwiseDistance() by default).
 */
export class TripletMarginWithDistanceLoss extends _Loss {
  static override pythonModule = 'torch.nn.modules.loss';
  static override floatAttributes: readonly string[] = ['margin'];
  declare distance_function: DistanceFunction;
  declare margin: number;
  declare swap: boolean;
  constructor(...args: [options?: TripletMarginWithDistanceLossOptions]) {
    const o = floats(TRIPLET_MARGIN_WITH_DISTANCE_LOSS<Required<TripletMarginWithDistanceLossOptions>>(args));
    super({ reduction: o.reduction });
    if (o.margin <= 0) {
      throw new RangeError(`TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${pyFloat(o.margin)} instead`);
    }
    this.distance_function = o.distanceFunction ?? new PairwiseDistance();
    this.margin = o.margin;
    this.swap = o.swap;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const d = this.distance_function;
    const distanceFunction = d instanceof Module ? (x1: Tensor, x2: Tensor): Tensor => d.call(x1, x2) as Tensor : d;
    return F.tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction, margin: this.margin, swap: this.swap, reduction: this.reduction });
  }
}

export interface CTCLossOptions {
  blank?: number;
  reduction?: Reduction;
  zeroInfinity?: boolean;
}
const CTC_LOSS = pySignature('CTCLoss.__init__', "self, blank=0, reduction='mean', zero_infinity=False");

/** Connectionist Temporal Classification loss of (T, N, C) log-probabilities against target sequences. */
export class CTCLoss extends lossWith<Args<[], [blank: number, reduction: Reduction, zeroInfinity: boolean], CTCLossOptions>, CTCLossOptions>(CTC_LOSS, ['blank', 'zeroInfinity']) {
  static override pythonModule = 'torch.nn.modules.loss';
  declare blank: number;
  declare zeroInfinity: boolean;
  override forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[]): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, this.blank, this.reduction, this.zeroInfinity);
  }
}
