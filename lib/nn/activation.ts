// Activation layers and MultiheadAttention (torch/nn/modules/activation.py).
import { isGradEnabled } from '../autograd';
import { empty } from '../generated/torch';
import { native } from '../native';
import { op } from '../ops';
import { wrap, type Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import { NonDynamicallyQuantizableLinear, type FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { PyFloat, pyFloat as pyFloatValue } from '../scalar';
import { type Args } from './modules_utils';

/** torch.pyFloat(x), typed as the number it stands for (the attribute setter unwraps it). */
const float = (x: number): number => pyFloatValue(x) as unknown as number;

const MULTIHEAD_ATTENTION = pySignature(
  'MultiheadAttention.__init__',
  'self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False, *, device=None, dtype=None',
);

type Inplace = { inplace?: boolean };

/** Python's `f(x, inplace=False)` in TypeScript: `new ReLU(true)` or `new ReLU({ inplace: true })`. */
function inplaceArg(arg: boolean | Inplace | undefined): boolean {
  if (typeof arg === 'object' && arg !== null) return arg.inplace ?? false;
  return arg ?? false;
}

/** ReLU(x) = max(0, x). */
export class ReLU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare inplace: boolean;
  constructor(inplace: boolean | Inplace = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }
  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Clamps to [min_val, max_val]. */
export class Hardtanh extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare minVal: number;
  declare maxVal: number;
  declare inplace: boolean;
  constructor(minVal: number | (Inplace & { minVal?: number; maxVal?: number }) = float(-1), maxVal = float(1), inplace = false) {
    super();
    if (typeof minVal === 'object' && !(minVal instanceof PyFloat)) {
      ({ minVal = float(-1), maxVal = float(1), inplace = false } = minVal);
    }
    this.minVal = minVal as number;
    this.maxVal = maxVal;
    this.inplace = inplace;
    if (this.maxVal <= this.minVal) throw new Error(`max_val (${this._pyNum('maxVal')}) must be greater than min_val (${this._pyNum('minVal')})`);
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.hardtanh_(input, this.minVal, this.maxVal) : F.hardtanh(input, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${this._pyNum('minVal')}, max_val=${this._pyNum('maxVal')}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** ReLU6(x) = min(max(0, x), 6). */
export class ReLU6 extends Hardtanh {
  static override pythonModule = 'torch.nn.modules.activation';
  constructor(inplace: boolean | Inplace = false) {
    super(float(0), float(6), inplaceArg(inplace));
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** LeakyReLU(x) = max(0, x) + negative_slope * min(0, x). */
export class LeakyReLU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare negativeSlope: number;
  declare inplace: boolean;
  constructor(negativeSlope: number | (Inplace & { negativeSlope?: number }) = 1e-2, inplace: boolean | Inplace = false) {
    super();
    if (typeof negativeSlope === 'object' && !(negativeSlope instanceof PyFloat)) {
      this.negativeSlope = negativeSlope.negativeSlope ?? 1e-2;
      this.inplace = negativeSlope.inplace ?? false;
    } else {
      this.negativeSlope = negativeSlope as number;
      this.inplace = inplaceArg(inplace);
    }
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.leakyRelu_(input, this.negativeSlope) : F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${this._pyNum('negativeSlope')}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** ELU(x) = max(0, x) + min(0, alpha * (exp(x) - 1)). */
export class ELU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare alpha: number;
  declare inplace: boolean;
  constructor(alpha: number | (Inplace & { alpha?: number }) = float(1), inplace: boolean | Inplace = false) {
    super();
    if (typeof alpha === 'object' && !(alpha instanceof PyFloat)) {
      this.alpha = alpha.alpha ?? float(1);
      this.inplace = alpha.inplace ?? false;
    } else {
      this.alpha = alpha as number;
      this.inplace = inplaceArg(inplace);
    }
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.elu_(input, this.alpha) : F.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this._pyNum('alpha')}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** GELU, exact ('none') or with the tanh approximation ('tanh'). */
export class GELU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    this.approximate = typeof approximate === 'object' ? (approximate.approximate ?? 'none') : approximate;
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

/** SiLU(x) = x * sigmoid(x) (swish). */
export class SiLU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare inplace: boolean;
  constructor(inplace: boolean | Inplace = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export class Sigmoid extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

export class Tanh extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

type DimArg = number | null | { dim?: number | null };
const dimArg = (dim: DimArg | undefined): number | null => (typeof dim === 'object' && dim !== null ? (dim.dim ?? null) : (dim ?? null));

/** Softmax along `dim`. */
export class Softmax extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare dim: number | null;
  constructor(dim: DimArg = null) {
    super();
    this.dim = dimArg(dim);
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** log(Softmax) along `dim`. */
export class LogSoftmax extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare dim: number | null;
  constructor(dim: DimArg = null) {
    super();
    this.dim = dimArg(dim);
  }
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** Bound arguments with torch.pyFloat(x) unwrapped: the attributes are plain numbers (floats by floatAttributes). */
function floats<T>(o: T): T {
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) if (r[k] instanceof PyFloat) r[k] = (r[k] as PyFloat).value;
  return o;
}

// ---- the other activations (torch/nn/modules/activation.py order) ------------------------------

/** Module.__init__(*args, **kwargs) of a class without its own: no arguments (PyTorch's TypeErrors). */
const NO_ARGS = pySignature('Module.__init__', 'self');
const INPLACE = pySignature('Module.__init__', 'self, inplace=False');
const inplaceRepr = (inplace: boolean, sep = ''): string => (inplace ? `${sep}inplace=True` : '');

export interface ThresholdOptions extends Inplace {
  threshold?: number;
  value?: number;
}
const THRESHOLD = pySignature('Threshold.__init__', 'self, threshold, value, inplace=False');

/** y = x if x > threshold else value. */
export class Threshold extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare threshold: number;
  declare value: number;
  declare inplace: boolean;
  constructor(...args: Args<[], [threshold: number, value: number, inplace: boolean], ThresholdOptions>) {
    super();
    const o = THRESHOLD<Required<ThresholdOptions>>(args);
    this.threshold = o.threshold;
    this.value = o.value;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${this._pyNum('threshold')}, value=${this._pyNum('value')}${inplaceRepr(this.inplace, ', ')}`;
  }
}

export interface RReLUOptions extends Inplace {
  lower?: number;
  upper?: number;
}
const RRELU = pySignature('RReLU.__init__', `self, lower=0.125, upper=${1.0 / 3}, inplace=False`);

/** Randomized leaky ReLU: slopes drawn from U(lower, upper) while training, their mean in eval. */
export class RReLU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  static override floatAttributes: readonly string[] = ['lower', 'upper'];
  declare lower: number;
  declare upper: number;
  declare inplace: boolean;
  constructor(...args: Args<[], [lower: number, upper: number, inplace: boolean], RReLUOptions>) {
    super();
    const o = floats(RRELU<Required<RReLUOptions>>(args));
    this.lower = o.lower;
    this.upper = o.upper;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceRepr(this.inplace, ', ')}`;
  }
}

/** The piecewise-linear sigmoid: relu6(x + 3) / 6. */
export class Hardsigmoid extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare inplace: boolean;
  constructor(...args: Args<[], [inplace: boolean], Inplace>) {
    super();
    this.inplace = INPLACE<Required<Inplace>>(args, 'Hardsigmoid.__init__').inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, this.inplace);
  }
}

/** Mish(x) = x * tanh(softplus(x)). */
export class Mish extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare inplace: boolean;
  constructor(...args: Args<[], [inplace: boolean], Inplace>) {
    super();
    this.inplace = INPLACE<Required<Inplace>>(args, 'Mish.__init__').inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.mish(input, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** Hardswish(x) = x * relu6(x + 3) / 6. */
export class Hardswish extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare inplace: boolean;
  constructor(...args: Args<[], [inplace: boolean], Inplace>) {
    super();
    this.inplace = INPLACE<Required<Inplace>>(args, 'Hardswish.__init__').inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }
}

export interface AlphaOptions extends Inplace {
  alpha?: number;
}
const CELU_INIT = pySignature('CELU.__init__', 'self, alpha=1.0, inplace=False', { floatDefaults: true });

/** CELU(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export class CELU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare alpha: number;
  declare inplace: boolean;
  constructor(...args: Args<[], [alpha: number, inplace: boolean], AlphaOptions>) {
    super();
    const o = CELU_INIT<Required<AlphaOptions>>(args);
    this.alpha = o.alpha;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${this._pyNum('alpha')}${inplaceRepr(this.inplace, ', ')}`;
  }
}

/** SELU(x) = scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), with the self-normalizing constants. */
export class SELU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare inplace: boolean;
  constructor(...args: Args<[], [inplace: boolean], Inplace>) {
    super();
    this.inplace = INPLACE<Required<Inplace>>(args, 'SELU.__init__').inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.selu(input, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

const GLU_INIT = pySignature('GLU.__init__', 'self, dim=-1');

/** Gated linear unit: a * sigmoid(b), the input halved along `dim`. */
export class GLU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare dim: number;
  constructor(...args: Args<[], [dim: number], { dim?: number }>) {
    super();
    this.dim = floats(GLU_INIT<{ dim: number }>(args)).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

const HARDSHRINK = pySignature('Hardshrink.__init__', 'self, lambd=0.5');

/** y = x where |x| > lambd, else 0. */
export class Hardshrink extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare lambd: number;
  constructor(...args: Args<[], [lambd: number], { lambd?: number }>) {
    super();
    this.lambd = HARDSHRINK<{ lambd: number }>(args).lambd;
  }
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return this._pyNum('lambd');
  }
}

/** log(sigmoid(x)). */
export class LogSigmoid extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  constructor(...args: [options?: Record<string, never>]) {
    super();
    NO_ARGS(args, 'LogSigmoid.__init__');
  }
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}
const SOFTPLUS = pySignature('Softplus.__init__', 'self, beta=1.0, threshold=20.0', { floatDefaults: true });

/** Softplus(x) = log(1 + exp(beta * x)) / beta, linear above `threshold`. */
export class Softplus extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare beta: number;
  declare threshold: number;
  constructor(...args: Args<[], [beta: number, threshold: number], SoftplusOptions>) {
    super();
    const o = SOFTPLUS<Required<SoftplusOptions>>(args);
    this.beta = o.beta;
    this.threshold = o.threshold;
  }
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this._pyNum('beta')}, threshold=${this._pyNum('threshold')}`;
  }
}

const SOFTSHRINK = pySignature('Softshrink.__init__', 'self, lambd=0.5');

/** y = x - lambd, x + lambd, or 0 (soft thresholding). */
export class Softshrink extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare lambd: number;
  constructor(...args: Args<[], [lambd: number], { lambd?: number }>) {
    super();
    this.lambd = SOFTSHRINK<{ lambd: number }>(args).lambd;
  }
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return this._pyNum('lambd');
  }
}

export interface PReLUOptions extends FactoryOptions {
  numParameters?: number;
  init?: number;
}
const PRELU = pySignature('PReLU.__init__', 'self, num_parameters=1, init=0.25, device=None, dtype=None');

/** Leaky ReLU with a learned slope (one, or one per channel): the Parameter `weight`, filled with `init`. */
export class PReLU extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  static override floatAttributes: readonly string[] = ['init'];
  declare numParameters: number;
  declare init: number;
  declare weight: Parameter;
  constructor(...args: Args<[], [numParameters: number, init: number, device: FactoryOptions['device'], dtype: FactoryOptions['dtype']], PReLUOptions>) {
    super();
    const o = floats(PRELU<Required<PReLUOptions>>(args));
    this.numParameters = o.numParameters;
    this.init = o.init;
    this.weight = new Parameter(empty([o.numParameters], { device: o.device ?? undefined, dtype: o.dtype ?? undefined }));
    this.resetParameters();
  }
  resetParameters(): void {
    init.constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** Softsign(x) = x / (1 + |x|). */
export class Softsign extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  constructor(...args: [options?: Record<string, never>]) {
    super();
    NO_ARGS(args, 'Softsign.__init__');
  }
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/** Tanhshrink(x) = x - tanh(x). */
export class Tanhshrink extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  constructor(...args: [options?: Record<string, never>]) {
    super();
    NO_ARGS(args, 'Tanhshrink.__init__');
  }
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

const SOFTMIN = pySignature('Softmin.__init__', 'self, dim=None');

/** Softmin along `dim`: softmax(-x). */
export class Softmin extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  declare dim: number | null;
  constructor(...args: Args<[], [dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = floats(SOFTMIN<{ dim: number | null }>(args)).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** Softmax over the channels of each location: (C, H, W) or (N, C, H, W) input. */
export class Softmax2d extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  constructor(...args: [options?: Record<string, never>]) {
    super();
    NO_ARGS(args, 'Softmax2d.__init__');
  }
  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3 && input.dim() !== 4) throw new RangeError(`Softmax2d: expected input to be 3D or 4D, got ${input.dim()}D instead`);
    return F.softmax(input, -3);
  }
}

// ---- MultiheadAttention ------------------------------------------------------------------------

const mhaOps = {
  nativeMha: op('aten::_native_multi_head_attention'),
};

export interface MultiheadAttentionOptions extends FactoryOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/** The tensor-argument checks of PyTorch's MHA fast path (`_check_arg_device`, `_arg_requires_grad`). @internal */
export function _fastPathTensorsOk(tensors: readonly (Tensor | null)[]): boolean {
  if (!tensors.every((t) => t === null || t.device.type === 'cpu' || t.device.type === 'cuda')) return false;
  return !(isGradEnabled() && tensors.some((t) => t !== null && t.requiresGrad));
}

/**
 * Attention over `numHeads` heads (Attention Is All You Need): `forward(query, key, value, options)`
 * returns `[attnOutput, attnWeights]` (weights null with `needWeights: false`).
 */
export class MultiheadAttention extends Module {
  static override pythonModule = 'torch.nn.modules.activation';
  static override floatAttributes: readonly string[] = ['dropout'];
  declare embedDim: number;
  declare kdim: number;
  declare vdim: number;
  declare _qkvSameEmbedDim: boolean;
  declare numHeads: number;
  declare dropout: number;
  declare batchFirst: boolean;
  declare headDim: number;
  declare addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(
    ...args: Args<
      [embedDim: number, numHeads: number],
      [dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean],
      MultiheadAttentionOptions
    >
  ) {
    const o = floats(MULTIHEAD_ATTENTION<MultiheadAttentionOptions & { embedDim: number; numHeads: number }>(args));
    const { embedDim, numHeads } = o;
    if (embedDim <= 0 || numHeads <= 0) {
      throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    super();
    const factory = { device: o.device, dtype: o.dtype };
    this.embedDim = embedDim;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = o.dropout ?? 0.0;
    this.batchFirst = o.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== this.embedDim) throw new Error('embed_dim must be divisible by num_heads');
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], factory));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], factory));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], factory));
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], factory));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    const bias = o.bias ?? true;
    if (bias) this.in_proj_bias = new Parameter(empty([3 * embedDim], factory));
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, ...factory });
    if (o.addBiasKv) {
      this.bias_k = new Parameter(empty([1, 1, embedDim], factory));
      this.bias_v = new Parameter(empty([1, 1, embedDim], factory));
    } else {
      this.bias_k = null;
      this.bias_v = null;
    }
    this.addZeroAttn = o.addZeroAttn ?? false;
    this._resetParameters();
  }

  _resetParameters(): void {
    if (this._qkvSameEmbedDim) {
      init.xavierUniform_(this.in_proj_weight!);
    } else {
      init.xavierUniform_(this.q_proj_weight!);
      init.xavierUniform_(this.k_proj_weight!);
      init.xavierUniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias !== null) {
      init.constant_(this.in_proj_bias, 0.0);
      init.constant_(this.out_proj.bias!, 0.0);
    }
    if (this.bias_k !== null) init.xavierNormal_(this.bias_k);
    if (this.bias_v !== null) init.xavierNormal_(this.bias_v);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const needWeights = options.needWeights ?? true;
    const averageAttnWeights = options.averageAttnWeights ?? true;
    const isCausal = options.isCausal ?? false;
    let attnMask = options.attnMask ?? null;
    let keyPaddingMask = options.keyPaddingMask ?? null;
    let whyNotFastPath = '';
    if ((attnMask !== null && attnMask.dtype.isFloatingPoint) || (keyPaddingMask !== null && keyPaddingMask.dtype.isFloatingPoint)) {
      whyNotFastPath = 'floating-point masks are not supported for fast path.';
    }
    const isBatched = query.ndim === 3;
    keyPaddingMask = F._canonicalMask(keyPaddingMask, 'key_padding_mask', F._noneOrDtype(attnMask), 'attn_mask', query.dtype);
    attnMask = F._canonicalMask(attnMask, 'attn_mask', null, '', query.dtype, false);

    if (!isBatched) whyNotFastPath = `input not batched; expected query.dim() of 3 but got ${query.ndim}`;
    else if (query !== key || key !== value) whyNotFastPath = 'non-self attention was used (query, key, and value are not the same Tensor)';
    else if (this.in_proj_bias !== null && query.dtype.name !== this.in_proj_bias.dtype.name) whyNotFastPath = 'dtypes of query and in_proj_bias differ';
    else if (this.in_proj_weight === null) whyNotFastPath = 'in_proj_weight was None';
    else if (query.dtype.name !== this.in_proj_weight.dtype.name) whyNotFastPath = 'dtypes of query and in_proj_weight differ';
    else if (this.training) whyNotFastPath = 'training is enabled';
    else if (this.numHeads % 2 !== 0) whyNotFastPath = 'self.num_heads is not even';
    else if (!this.batchFirst) whyNotFastPath = 'batch_first was not True';
    else if (this.bias_k !== null) whyNotFastPath = 'self.bias_k was not None';
    else if (this.bias_v !== null) whyNotFastPath = 'self.bias_v was not None';
    else if (this.addZeroAttn) whyNotFastPath = 'add_zero_attn was enabled';
    else if (!this._qkvSameEmbedDim) whyNotFastPath = '_qkv_same_embed_dim was not True';

    if (!whyNotFastPath) {
      const tensorArgs = [query, key, value, this.in_proj_weight, this.in_proj_bias, this.out_proj.weight, this.out_proj.bias];
      if (_fastPathTensorsOk(tensorArgs) && this.in_proj_bias !== null && this.in_proj_weight !== null) {
        const [mergedMask, maskType] = this.mergeMasks(attnMask, keyPaddingMask, query);
        const [out, weights] = native.callOp(
          mhaOps.nativeMha, query._h, key._h, value._h, this.embedDim, this.numHeads, this.in_proj_weight._h, this.in_proj_bias._h,
          this.out_proj.weight._h, this.out_proj.bias === null ? null : this.out_proj.bias._h, mergedMask === null ? null : mergedMask._h,
          needWeights, averageAttnWeights, maskType,
        ) as [unknown, unknown];
        return [wrap(out), weights === null ? null : wrap(weights)];
      }
    }

    if (this.batchFirst && isBatched) {
      // Keep `query is key` / `key is value` as they were: the projection takes a shortcut on them.
      if (key === value) {
        if (query === key) {
          query = key = value = query.transpose(1, 0);
        } else {
          query = query.transpose(1, 0);
          key = value = key.transpose(1, 0);
        }
      } else {
        [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
      }
    }
    const common: F.MultiHeadAttentionForwardOptions = {
      training: this.training, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal,
    };
    const [attnOutput, attnOutputWeights] = F.multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
      this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
      this._qkvSameEmbedDim
        ? common
        : { ...common, useSeparateProjWeight: true, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight },
    );
    if (this.batchFirst && isBatched) return [attnOutput.transpose(1, 0), attnOutputWeights];
    return [attnOutput, attnOutputWeights];
  }

  /** Combines the masks for the fast path: [mask, mask_type] (1: key padding, 2: attention mask). */
  mergeMasks(attnMask: Tensor | null, keyPaddingMask: Tensor | null, query: Tensor): [Tensor | null, number | null] {
    let maskType: number | null = null;
    let mergedMask: Tensor | null = null;
    if (keyPaddingMask !== null) {
      maskType = 1;
      mergedMask = keyPaddingMask;
    }
    if (attnMask !== null) {
      const [batchSize, seqLen] = query.shape as unknown as [number, number];
      maskType = 2;
      const expanded = attnMask.ndim === 3
        ? attnMask.view(batchSize, -1, seqLen, seqLen)
        : attnMask.view(1, 1, seqLen, seqLen).expand(batchSize, this.numHeads, -1, -1);
      mergedMask = expanded;
      if (keyPaddingMask !== null) mergedMask = expanded.add(keyPaddingMask.view(batchSize, 1, 1, seqLen).expand(-1, this.numHeads, -1, -1));
    }
    return [mergedMask, maskType];
  }
}
