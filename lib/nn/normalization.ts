// torch/nn/modules/normalization.py: LocalResponseNorm, CrossMapLRN2d, LayerNorm, GroupNorm, RMSNorm.
import { isGradEnabled, noGrad } from '../autograd';
import { tensor } from '../creation';
import { empty } from '../generated/torch';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

// The constructors' Python signatures (LayerNorm's and GroupNorm's device and dtype, and GroupNorm's
// bias, keyword-only here).
const LAYER_NORM = pySignature('LayerNorm.__init__', 'self, normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, *, device=None, dtype=None');
const GROUP_NORM = pySignature('GroupNorm.__init__', 'self, num_groups, num_channels, eps=1e-05, affine=True, *, device=None, dtype=None, bias=True');
const LOCAL_RESPONSE_NORM = pySignature('LocalResponseNorm.__init__', 'self, size, alpha=0.0001, beta=0.75, k=1.0', { floatDefaults: true });
const CROSS_MAP_LRN_2D = pySignature('CrossMapLRN2d.__init__', 'self, size, alpha=0.0001, beta=0.75, k=1');
const RMS_NORM = pySignature('RMSNorm.__init__', 'self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None');

/**
 * What LayerNorm and GroupNorm share: a weight and (optionally) a bias of `shape` when `affine`,
 * else both registered as null, initialised to ones and zeros.
 */
function affineParameters(m: LayerNorm | GroupNorm, affine: boolean, bias: boolean, shape: number[], factory: FactoryOptions): void {
  if (affine) {
    m.weight = new Parameter(empty(shape, factory));
    if (bias) m.bias = new Parameter(empty(shape, factory));
    else m.registerParameter('bias', null);
  } else {
    m.registerParameter('weight', null);
    m.registerParameter('bias', null);
  }
  resetAffine(m);
}

function resetAffine(m: LayerNorm | GroupNorm): void {
  if (m.weight !== null) init.ones_(m.weight);
  if (m.bias !== null) init.zeros_(m.bias);
}

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dimensions (Transformers' LayerNorm). */
export class LayerNorm extends Module {
  static override pythonModule = 'torch.nn.modules.normalization';
  static override floatAttributes: readonly string[] = ['eps'];
  declare normalizedShape: number[];
  declare eps: number;
  declare elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(...args: Args<[normalizedShape: number | readonly number[]], [eps: number, elementwiseAffine: boolean, bias: boolean], LayerNormOptions>) {
    super();
    const o = LAYER_NORM<LayerNormOptions & { normalizedShape: number | readonly number[] }>(args);
    const factory = { device: o.device, dtype: o.dtype };
    this.normalizedShape = typeof o.normalizedShape === 'number' ? [o.normalizedShape] : [...o.normalizedShape];
    this.eps = o.eps ?? 1e-5;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    affineParameters(this, this.elementwiseAffine, o.bias ?? true, this.normalizedShape, factory);
  }

  resetParameters(): void {
    resetAffine(this);
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}, bias=${pyRepr(this.bias !== null)}`;
  }
}

export interface GroupNormOptions extends FactoryOptions {
  eps?: number;
  affine?: boolean;
  /** Keyword-only in PyTorch. */
  bias?: boolean;
}

/** Normalises each of `numGroups` groups of channels over the group's channels and positions. */
export class GroupNorm extends Module {
  static override pythonModule = 'torch.nn.modules.normalization';
  static override floatAttributes: readonly string[] = ['eps'];
  declare numGroups: number;
  declare numChannels: number;
  declare eps: number;
  declare affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(...args: Args<[numGroups: number, numChannels: number], [eps: number, affine: boolean], GroupNormOptions>) {
    super();
    type Bound = GroupNormOptions & { numGroups: number; numChannels: number };
    const o = GROUP_NORM<Bound>(args);
    const factory = { device: o.device, dtype: o.dtype };
    if (o.numChannels % o.numGroups !== 0) throw new Error(`num_channels (${o.numChannels}) must be divisible by num_groups (${o.numGroups})`);
    this.numGroups = o.numGroups;
    this.numChannels = o.numChannels;
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    affineParameters(this, this.affine, o.bias ?? true, [o.numChannels], factory);
  }

  resetParameters(): void {
    resetAffine(this);
  }

  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}, bias=${pyRepr(this.bias !== null)}`;
  }
}

// ---- LocalResponseNorm, CrossMapLRN2d ----------------------------------------------------------

type LRNArgs = Args<[size: number], [alpha: number, beta: number, k: number], { alpha?: number; beta?: number; k?: number }>;
/** LocalResponseNorm's and CrossMapLRN2d's size, alpha, beta and k, bound by `sig`. */
function lrnAttributes(sig: typeof LOCAL_RESPONSE_NORM, args: LRNArgs): { size: number; alpha: number; beta: number; k: number } {
  const o = sig<{ size: number; alpha?: number; beta?: number; k?: number }>(args);
  return { size: o.size, alpha: o.alpha ?? 1e-4, beta: o.beta ?? 0.75, k: o.k ?? 1 };
}

/** Normalises each position over `size` neighbouring channels: x / (k + alpha/size * sum x^2)^beta. */
export class LocalResponseNorm extends Module {
  static override pythonModule = 'torch.nn.modules.normalization';
  declare size: number;
  declare alpha: number;
  declare beta: number;
  declare k: number;

  constructor(...args: LRNArgs) {
    super();
    // torch.pyFloat values pass through: the attribute setter keeps them floats.
    const o = lrnAttributes(LOCAL_RESPONSE_NORM, args);
    for (const k of ['size', 'alpha', 'beta', 'k'] as const) this[k] = o[k];
  }

  override forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${pyRepr(this.size)}, alpha=${this._pyNum('alpha')}, beta=${this._pyNum('beta')}, k=${this._pyNum('k')}`;
  }
}

/** `y[n, c] = sum_j m[c][j] * x[n, j]` over the channels of (N, C, H, W) `x`. */
function mixChannels(m: Tensor, x: Tensor): Tensor {
  return x.movedim(1, -1).matmul(m.t()).movedim(-1, 1);
}

/** A C x C 0/1 matrix (float, like `like`) from its rows' sets of columns. */
function windowMatrix(rows: number[][], like: Tensor): Tensor {
  return tensor(rows, { dtype: like.dtype, device: like.device });
}

/**
 * torch/nn/modules/_functions.py's CrossMapLRN2d (an autograd Function): the forward's running
 * window over channels (which, as PyTorch's does, never drops channel 0 once past the first
 * `pre_pad` channels) and PyTorch's own backward formula, which is not the forward's exact
 * gradient. The value is the forward's; the gradient comes from a surrogate whose vector-Jacobian
 * product is PyTorch's backward.
 */
function crossMapLrn2d(input: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  if (input.dim() !== 4) throw new RangeError(`CrossMapLRN2d: Expected input to be 4D, got ${input.dim()}D instead.`);
  const channels = input.size(1);
  // Forward: the channels summed into each channel's scale, as PyTorch's running sum counts them.
  const prePad = Math.trunc((size - 1) / 2 + 1);
  const counts: number[][] = [];
  let current = Array<number>(channels).fill(0);
  for (let c = 0; c < Math.min(prePad, channels); c++) current[c]! += 1;
  counts.push([...current]);
  for (let c = 1; c < channels; c++) {
    current = [...current];
    if (c < channels - prePad + 1) current[c + prePad - 1]! += 1;
    if (c > prePad) current[c - prePad]! -= 1;
    counts.push(current);
  }
  const compute = (): [Tensor, Tensor] => {
    const scale = mixChannels(windowMatrix(counts, input), input.pow(2)).mul(alpha / size).add(k);
    return [scale, scale.pow(-beta).mul(input)];
  };
  if (!(isGradEnabled() && input.requiresGrad)) return noGrad(compute)[1];
  const [scale, output] = noGrad(compute);
  // Backward: grad = scale^-beta * g - (2 alpha beta / size) * x * sum_window(g * output / scale),
  // the window of channel c being padded ratios [c, c + size - 1] with the ratios placed from inversePrePad.
  const inversePrePad = Math.trunc(size - (size - 1) / 2);
  const window: number[][] = [];
  for (let c = 0; c < channels; c++) {
    window.push(Array.from({ length: channels }, (_, j) => (c <= j + inversePrePad && j + inversePrePad <= c + size - 1 ? 1 : 0)));
  }
  const cacheRatioValue = (2 * alpha * beta) / size;
  const x = input.detach();
  const ratio = output.div(scale);
  const surrogate = input.mul(scale.pow(-beta)).sub(mixChannels(windowMatrix(window, input).t(), input.mul(x)).mul(ratio).mul(cacheRatioValue));
  return surrogate.add(output.sub(surrogate.detach()));
}

/** Local response normalisation across the channels of (N, C, H, W) input, as Lua Torch's SpatialCrossMapLRN. */
export class CrossMapLRN2d extends Module {
  static override pythonModule = 'torch.nn.modules.normalization';
  // k defaults to the int 1 in PyTorch (and prints so).
  static override floatAttributes: readonly string[] = ['alpha', 'beta'];
  declare size: number;
  declare alpha: number;
  declare beta: number;
  declare k: number;

  constructor(...args: LRNArgs) {
    super();
    Object.assign(this, lrnAttributes(CROSS_MAP_LRN_2D, args));
  }

  override forward(input: Tensor): Tensor {
    return crossMapLrn2d(input, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${pyRepr(this.size)}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyRepr(this.k)}`;
  }
}

// ---- RMSNorm -----------------------------------------------------------------------------------

export interface RMSNormOptions extends FactoryOptions {
  eps?: number | null;
  elementwiseAffine?: boolean;
}

/** Root-mean-square normalisation over the trailing `normalizedShape` dimensions (eps null: the dtype's eps). */
export class RMSNorm extends Module {
  static override pythonModule = 'torch.nn.modules.normalization';
  static override floatAttributes: readonly string[] = ['eps'];
  declare normalizedShape: number[];
  declare eps: number | null;
  declare elementwiseAffine: boolean;
  declare weight: Parameter | null;

  constructor(
    ...args: Args<[normalizedShape: number | readonly number[]], [eps: number | null, elementwiseAffine: boolean, device: FactoryOptions['device'], dtype: FactoryOptions['dtype']], RMSNormOptions>
  ) {
    super();
    const o = RMS_NORM<RMSNormOptions & { normalizedShape: number | readonly number[] }>(args);
    this.normalizedShape = typeof o.normalizedShape === 'number' ? [o.normalizedShape] : [...o.normalizedShape];
    this.eps = o.eps ?? null;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    if (this.elementwiseAffine) this.weight = new Parameter(empty(this.normalizedShape, { device: o.device, dtype: o.dtype }));
    else this.registerParameter('weight', null);
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.elementwiseAffine) init.ones_(this.weight!);
  }

  override forward(x: Tensor): Tensor {
    return F.rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
}
