// torch.nn.functional: the kernels layers and losses call, each a thin call into ATen.
// Python's keyword arguments are a trailing options object with camelCase keys.
import { native } from '../native';
import { op } from '../ops';
import { wrap, wrapAll, type Scalar, type Tensor } from '../tensor';

type IntOrPair = number | readonly number[];
export type Reduction = 'none' | 'mean' | 'sum';

const ops = {
  conv1d: op('aten::conv1d'),
  conv2d: op('aten::conv2d'),
  conv1dPad: op('aten::conv1d.padding'),
  conv2dPad: op('aten::conv2d.padding'),
  convTranspose2d: op('aten::conv_transpose2d.input'),
  maxPool1d: op('aten::max_pool1d'),
  maxPool2d: op('aten::max_pool2d'),
  maxPool2dIndices: op('aten::max_pool2d_with_indices'),
  avgPool2d: op('aten::avg_pool2d'),
  adaptiveAvgPool2d: op('aten::adaptive_avg_pool2d'),
  adaptiveMaxPool2d: op('aten::adaptive_max_pool2d'),
  batchNorm: op('aten::batch_norm'),
  layerNorm: op('aten::layer_norm'),
  groupNorm: op('aten::group_norm'),
  dropout: op('aten::dropout'),
  dropout_: op('aten::dropout_'),
  featureDropout: op('aten::feature_dropout'),
  linear: op('aten::linear'),
  bilinear: op('aten::bilinear'),
  embedding: op('aten::embedding'),
  upsampleNearest2d: op('aten::upsample_nearest2d.vec'),
  upsampleBilinear2d: op('aten::upsample_bilinear2d.vec'),
  crossEntropy: op('aten::cross_entropy_loss'),
  nllLoss: op('aten::nll_loss_nd'),
  mseLoss: op('aten::mse_loss'),
  l1Loss: op('aten::l1_loss'),
  bce: op('aten::binary_cross_entropy'),
  bceWithLogits: op('aten::binary_cross_entropy_with_logits'),
  smoothL1Loss: op('aten::smooth_l1_loss'),
  klDiv: op('aten::kl_div'),
  gelu: op('aten::gelu'),
  silu: op('aten::silu'),
  leakyRelu: op('aten::leaky_relu'),
  elu: op('aten::elu'),
  hardtanh: op('aten::hardtanh'),
};

const opt = (t: Tensor | null | undefined): unknown => (t == null ? null : t._h);

// ---- convolution and pooling ---------------------------------------------------------------

export interface ConvOptions {
  stride?: IntOrPair;
  /** Ints, or 'valid' / 'same' as in PyTorch. */
  padding?: IntOrPair | 'valid' | 'same';
  dilation?: IntOrPair;
  groups?: number;
}

function conv(id: number, idPad: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, o: ConvOptions): Tensor {
  const pad = typeof o.padding === 'string' ? idPad : id;
  return wrap(native.callOp(pad, input._h, weight._h, opt(bias), o.stride, o.padding, o.dilation, o.groups));
}
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return conv(ops.conv1d, ops.conv1dPad, input, weight, bias, options);
}
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return conv(ops.conv2d, ops.conv2dPad, input, weight, bias, options);
}
export function convTranspose2d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  o: { stride?: IntOrPair; padding?: IntOrPair; outputPadding?: IntOrPair; groups?: number; dilation?: IntOrPair } = {},
): Tensor {
  return wrap(native.callOp(ops.convTranspose2d, input._h, weight._h, opt(bias), o.stride, o.padding, o.outputPadding, o.groups, o.dilation));
}

export interface PoolOptions {
  /** Defaults to kernelSize. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
}
// PyTorch's stride=None means "the kernel size", which ATen spells as an empty list.
const strideArg = (s: IntOrPair | null | undefined): IntOrPair => (s == null ? [] : s);

export function maxPool1d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions = {}): Tensor {
  return wrap(native.callOp(ops.maxPool1d, input._h, kernelSize, strideArg(o.stride), o.padding, o.dilation, o.ceilMode));
}
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, o?: PoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const args = [input._h, kernelSize, strideArg(o.stride), o.padding, o.dilation, o.ceilMode];
  if (o.returnIndices) return wrapAll(native.callOp(ops.maxPool2dIndices, ...args)) as [Tensor, Tensor];
  return wrap(native.callOp(ops.maxPool2d, ...args));
}
export function avgPool2d(
  input: Tensor, kernelSize: IntOrPair,
  o: { stride?: IntOrPair | null; padding?: IntOrPair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null } = {},
): Tensor {
  return wrap(native.callOp(ops.avgPool2d, input._h, kernelSize, strideArg(o.stride), o.padding, o.ceilMode, o.countIncludePad, o.divisorOverride));
}
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntOrPair): Tensor {
  return wrap(native.callOp(ops.adaptiveAvgPool2d, input._h, outputSize));
}
export function adaptiveMaxPool2d(input: Tensor, outputSize: IntOrPair, o: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const [values, indices] = wrapAll(native.callOp(ops.adaptiveMaxPool2d, input._h, outputSize)) as [Tensor, Tensor];
  return o.returnIndices ? [values, indices] : values;
}

// ---- normalisation, dropout, linear, embedding, interpolation -------------------------------

export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  o: { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  return wrap(native.callOp(ops.batchNorm, input._h, opt(o.weight), opt(o.bias), opt(runningMean), opt(runningVar),
    o.training ?? false, o.momentum ?? 0.1, o.eps ?? 1e-5, true));
}
export function layerNorm(input: Tensor, normalizedShape: IntOrPair, o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  return wrap(native.callOp(ops.layerNorm, input._h, shape, opt(o.weight), opt(o.bias), o.eps));
}
export function groupNorm(input: Tensor, numGroups: number, o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  return wrap(native.callOp(ops.groupNorm, input._h, numGroups, opt(o.weight), opt(o.bias), o.eps));
}

function checkP(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}
/** Zeroes elements with probability p while training, scaling the rest by 1/(1-p). */
export function dropout(input: Tensor, o: { p?: number; training?: boolean; inplace?: boolean } = {}): Tensor {
  const p = checkP(o.p ?? 0.5);
  if (o.inplace) {
    native.callOp(ops.dropout_, input._h, p, o.training ?? true);
    return input;
  }
  return wrap(native.callOp(ops.dropout, input._h, p, o.training ?? true));
}
/** Zeroes whole channels (feature maps). */
export function dropout2d(input: Tensor, o: { p?: number; training?: boolean } = {}): Tensor {
  return wrap(native.callOp(ops.featureDropout, input._h, checkP(o.p ?? 0.5), o.training ?? true));
}
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap(native.callOp(ops.linear, input._h, weight._h, opt(bias)));
}
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap(native.callOp(ops.bilinear, input1._h, input2._h, weight._h, opt(bias)));
}
export function embedding(input: Tensor, weight: Tensor, o: { paddingIdx?: number | null } = {}): Tensor {
  let paddingIdx = o.paddingIdx ?? -1;
  if (o.paddingIdx != null && o.paddingIdx < 0) paddingIdx = weight.size(0) + o.paddingIdx; // as F.embedding does
  return wrap(native.callOp(ops.embedding, weight._h, input._h, paddingIdx));
}
/** Resizes 4-D input: mode 'nearest' or 'bilinear', by `size` or `scaleFactor`. */
export function interpolate(
  input: Tensor,
  o: { size?: IntOrPair; scaleFactor?: number | readonly number[]; mode?: 'nearest' | 'bilinear'; alignCorners?: boolean } = {},
): Tensor {
  if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new Error('either size or scale_factor should be defined');
  const size = o.size === undefined ? null : typeof o.size === 'number' ? [o.size, o.size] : o.size;
  const scale = o.scaleFactor === undefined ? null : typeof o.scaleFactor === 'number' ? [o.scaleFactor, o.scaleFactor] : o.scaleFactor;
  const mode = o.mode ?? 'nearest';
  if (mode === 'nearest') {
    if (o.alignCorners !== undefined) throw new Error('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
    return wrap(native.callOp(ops.upsampleNearest2d, input._h, size, scale));
  }
  if (mode === 'bilinear') return wrap(native.callOp(ops.upsampleBilinear2d, input._h, size, o.alignCorners ?? false, scale));
  throw new Error(`torchnode's interpolate supports the nearest and bilinear modes, not '${String(mode)}'`);
}

// ---- activations -------------------------------------------------------------------------------

export const relu = (input: Tensor, o: { inplace?: boolean } = {}): Tensor => (o.inplace ? input.relu_() : input.relu());
export const relu6 = (input: Tensor): Tensor => wrap(native.callOp(ops.hardtanh, input._h, 0, 6));
export const gelu = (input: Tensor, o: { approximate?: 'none' | 'tanh' } = {}): Tensor => wrap(native.callOp(ops.gelu, input._h, o.approximate));
export const silu = (input: Tensor): Tensor => wrap(native.callOp(ops.silu, input._h));
export const leakyRelu = (input: Tensor, negativeSlope: Scalar = 0.01): Tensor => wrap(native.callOp(ops.leakyRelu, input._h, negativeSlope));
export const elu = (input: Tensor, alpha: Scalar = 1): Tensor => wrap(native.callOp(ops.elu, input._h, alpha));
export const hardtanh = (input: Tensor, minVal: Scalar = -1, maxVal: Scalar = 1): Tensor => wrap(native.callOp(ops.hardtanh, input._h, minVal, maxVal));
export const sigmoid = (input: Tensor): Tensor => input.sigmoid();
export const tanh = (input: Tensor): Tensor => input.tanh();
export const softmax = (input: Tensor, dim: number): Tensor => input.softmax(dim);
export const logSoftmax = (input: Tensor, dim: number): Tensor => input.logSoftmax(dim);

// ---- losses ------------------------------------------------------------------------------------

function reductionCode(r: Reduction | undefined): number {
  const code = { none: 0, mean: 1, sum: 2 }[r ?? 'mean'];
  if (code === undefined) throw new Error(`${String(r)} is not a valid value for reduction`);
  return code;
}
type LossOptions = { reduction?: Reduction };

export function crossEntropy(
  input: Tensor, target: Tensor,
  o: LossOptions & { weight?: Tensor | null; ignoreIndex?: number; labelSmoothing?: number } = {},
): Tensor {
  return wrap(native.callOp(ops.crossEntropy, input._h, target._h, opt(o.weight), reductionCode(o.reduction), o.ignoreIndex, o.labelSmoothing));
}
export function nllLoss(input: Tensor, target: Tensor, o: LossOptions & { weight?: Tensor | null; ignoreIndex?: number } = {}): Tensor {
  return wrap(native.callOp(ops.nllLoss, input._h, target._h, opt(o.weight), reductionCode(o.reduction), o.ignoreIndex));
}
export const mseLoss = (input: Tensor, target: Tensor, o: LossOptions = {}): Tensor =>
  wrap(native.callOp(ops.mseLoss, input._h, target._h, reductionCode(o.reduction)));
export const l1Loss = (input: Tensor, target: Tensor, o: LossOptions = {}): Tensor =>
  wrap(native.callOp(ops.l1Loss, input._h, target._h, reductionCode(o.reduction)));
export const binaryCrossEntropy = (input: Tensor, target: Tensor, o: LossOptions & { weight?: Tensor | null } = {}): Tensor =>
  wrap(native.callOp(ops.bce, input._h, target._h, opt(o.weight), reductionCode(o.reduction)));
export const binaryCrossEntropyWithLogits = (
  input: Tensor, target: Tensor, o: LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor => wrap(native.callOp(ops.bceWithLogits, input._h, target._h, opt(o.weight), opt(o.posWeight), reductionCode(o.reduction)));
export const smoothL1Loss = (input: Tensor, target: Tensor, o: LossOptions & { beta?: number } = {}): Tensor =>
  wrap(native.callOp(ops.smoothL1Loss, input._h, target._h, reductionCode(o.reduction), o.beta));
/** KL divergence; PyTorch's default reduction 'mean' averages over every element. */
export const klDiv = (input: Tensor, target: Tensor, o: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor => {
  if (o.reduction === 'batchmean') {
    const sum = wrap(native.callOp(ops.klDiv, input._h, target._h, 2, o.logTarget ?? false));
    return input.ndim === 0 ? sum : sum.div(input.size(0));
  }
  return wrap(native.callOp(ops.klDiv, input._h, target._h, reductionCode(o.reduction), o.logTarget ?? false));
};


// ---- in-place activations (F.relu_, F.elu_, F.leaky_relu_, F.hardtanh_) and F.silu(inplace) ---

const inplaceOps = {
  elu_: op('aten::elu_'),
  leakyRelu_: op('aten::leaky_relu_'),
  hardtanh_: op('aten::hardtanh_'),
  silu_: op('aten::silu_'),
};
export const relu_ = (input: Tensor): Tensor => input.relu_();
export const elu_ = (input: Tensor, alpha: Scalar = 1): Tensor => (native.callOp(inplaceOps.elu_, input._h, alpha), input);
export const leakyRelu_ = (input: Tensor, negativeSlope: Scalar = 0.01): Tensor => (native.callOp(inplaceOps.leakyRelu_, input._h, negativeSlope), input);
export const hardtanh_ = (input: Tensor, minVal: Scalar = -1, maxVal: Scalar = 1): Tensor => (native.callOp(inplaceOps.hardtanh_, input._h, minVal, maxVal), input);
/** F.silu(input, inplace=True). */
export const silu_ = (input: Tensor): Tensor => (native.callOp(inplaceOps.silu_, input._h), input);

// ---- padding (appended by layers group A) --------------------------------------------------------

const padOp = op('aten::pad');
/**
 * F.pad: `pad` gives (left, right) amounts from the last dimension backwards; mode 'constant'
 * (fill with `value`, default 0), 'reflect', 'replicate' or 'circular'.
 */
export function pad(input: Tensor, padding: readonly number[], mode: 'constant' | 'reflect' | 'replicate' | 'circular' = 'constant', value: number | null = null): Tensor {
  return wrap(native.callOp(padOp, input._h, padding, mode, value));
}
