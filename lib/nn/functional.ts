// torch.nn.functional: the kernels layers and losses call, each a thin call into ATen.
// Python's keyword arguments are a trailing options object with camelCase keys.
import { noGrad } from '../autograd';
import { native } from '../native';
import { op } from '../ops';
import { Size } from '../size';
import { wrap, wrapAll, type Scalar, type Tensor } from '../tensor';
import { pyFloat } from './repr';

type IntOrPair = number | readonly number[];
export type Reduction = 'none' | 'mean' | 'sum';

const ops = {
  conv1d: op('aten::conv1d'),
  conv2d: op('aten::conv2d'),
  conv1dPad: op('aten::conv1d.padding'),
  conv2dPad: op('aten::conv2d.padding'),
  convTranspose2d: op('aten::conv_transpose2d.input'),
  maxPool1d: op('aten::max_pool1d'),
  maxPool1dIndices: op('aten::max_pool1d_with_indices'),
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
  featureDropout_: op('aten::feature_dropout_'),
  linear: op('aten::linear'),
  bilinear: op('aten::bilinear'),
  embedding: op('aten::embedding'),
  embeddingRenorm_: op('aten::embedding_renorm_'),
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

export function maxPool1d(input: Tensor, kernelSize: IntOrPair, o?: PoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices: boolean }): Tensor | [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const args = [input._h, kernelSize, strideArg(o.stride), o.padding, o.dilation, o.ceilMode];
  if (o.returnIndices) return wrapAll(native.callOp(ops.maxPool1dIndices, ...args)) as [Tensor, Tensor];
  return wrap(native.callOp(ops.maxPool1d, ...args));
}
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, o?: PoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, o: PoolOptions & { returnIndices: boolean }): Tensor | [Tensor, Tensor];
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
/** An adaptive pool's output size: an int, or a tuple whose null entries keep the input's size. */
export type OutputSize = number | readonly (number | null)[];

/** _list_with_default (torch/nn/modules/utils.py): null entries of `outSize` take the input's size. */
function listWithDefault(outSize: OutputSize, defaults: readonly number[]): IntOrPair {
  if (typeof outSize === 'number') return outSize;
  if (defaults.length <= outSize.length) throw new Error(`Input dimension should be at least ${outSize.length + 1}`);
  const tail = defaults.slice(-outSize.length);
  return outSize.map((v, i) => v ?? tail[i]!);
}
export function adaptiveAvgPool2d(input: Tensor, outputSize: OutputSize): Tensor {
  return wrap(native.callOp(ops.adaptiveAvgPool2d, input._h, listWithDefault(outputSize, input.shape)));
}
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, o?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, o: { returnIndices: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, o: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const [values, indices] = wrapAll(native.callOp(ops.adaptiveMaxPool2d, input._h, listWithDefault(outputSize, input.shape))) as [Tensor, Tensor];
  return o.returnIndices ? [values, indices] : values;
}

// ---- normalisation, dropout, linear, embedding, interpolation -------------------------------

/** F._verify_batch_size: statistics need more than one value per channel. */
function verifyBatchSize(size: readonly number[]): void {
  if (size.filter((_, i) => i !== 1).reduce((a, d) => a * d, 1) === 1) {
    const shown = size instanceof Size ? String(size) : `[${size.join(', ')}]`; // Python prints torch.Size or list as given
    throw new Error(`Expected more than 1 value per channel when training, got input size ${shown}`);
  }
}
export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  o: { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  const training = o.training ?? false;
  const eps = o.eps ?? 1e-5;
  if (training) verifyBatchSize(input.shape);
  if (training && eps <= 0.0) throw new Error(`batch_norm eps must be positive during training, but got ${pyFloat(eps)}`);
  else if (eps < 0.0) throw new Error(`batch_norm eps must be non-negative, but got ${pyFloat(eps)}`);
  return wrap(native.callOp(ops.batchNorm, input._h, opt(o.weight), opt(o.bias), opt(runningMean), opt(runningVar), training, o.momentum ?? 0.1, eps, true));
}
export function layerNorm(input: Tensor, normalizedShape: IntOrPair, o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  return wrap(native.callOp(ops.layerNorm, input._h, shape, opt(o.weight), opt(o.bias), o.eps));
}
export function groupNorm(input: Tensor, numGroups: number, o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  if (input.dim() < 2) throw new Error(`Expected at least 2 dimensions for input tensor but received ${input.dim()}`);
  const [n, c] = input.shape as unknown as [number, number];
  verifyBatchSize([Math.floor((n * c) / numGroups), numGroups, ...input.shape.slice(2)]);
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
/** Zeroes whole channels of (N, C, H, W) input; 3-D input is taken as (N, C, L), with a warning. */
export function dropout2d(input: Tensor, o: { p?: number; training?: boolean; inplace?: boolean } = {}): Tensor {
  const p = checkP(o.p ?? 0.5);
  const dim = input.dim();
  if (dim !== 3 && dim !== 4) {
    process.emitWarning(
      `dropout2d: Received a ${dim}-D input to dropout2d, which is deprecated and will result in an error in a future release. ` +
        'To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide ' +
        'channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).',
      'UserWarning',
    );
  }
  if (dim === 3) {
    process.emitWarning(
      'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is ' +
        'interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the ' +
        'input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please ' +
        'switch to using dropout1d instead.',
      'UserWarning',
    );
  }
  if (o.inplace) {
    native.callOp(ops.featureDropout_, input._h, p, o.training ?? true);
    return input;
  }
  return wrap(native.callOp(ops.featureDropout, input._h, p, o.training ?? true));
}
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap(native.callOp(ops.linear, input._h, weight._h, opt(bias)));
}
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap(native.callOp(ops.bilinear, input1._h, input2._h, weight._h, opt(bias)));
}
/**
 * Looks up rows of `weight`. With maxNorm, the looked-up rows whose normType-norm exceeds it are
 * first rescaled to it, in place and outside autograd.
 */
export function embedding(
  input: Tensor, weight: Tensor,
  o: { paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean } = {},
): Tensor {
  let paddingIdx = o.paddingIdx ?? -1;
  if (o.paddingIdx != null) {
    const rows = weight.size(0);
    if (paddingIdx >= rows || paddingIdx < -rows) throw new Error('Padding_idx must be within num_embeddings');
    if (paddingIdx < 0) paddingIdx += rows;
  }
  const maxNorm = o.maxNorm ?? null;
  if (maxNorm !== null) {
    input = input.contiguous();
    noGrad(() => native.callOp(ops.embeddingRenorm_, weight.detach()._h, input._h, maxNorm, o.normType ?? 2.0));
  }
  return wrap(native.callOp(ops.embedding, weight._h, input._h, paddingIdx, o.scaleGradByFreq ?? false, o.sparse ?? false));
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
// F._get_softmax_dim: the legacy choice when no dim is given.
function softmaxDim(name: string, ndim: number): number {
  process.emitWarning(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`, 'UserWarning');
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}
export const softmax = (input: Tensor, dim: number | null = null): Tensor => input.softmax(dim ?? softmaxDim('softmax', input.ndim));
export const logSoftmax = (input: Tensor, dim: number | null = null): Tensor => input.logSoftmax(dim ?? softmaxDim('log_softmax', input.ndim));

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

// ---- attention (F.scaled_dot_product_attention, F.multi_head_attention_forward) -----------------
// multi_head_attention_forward is PyTorch's Python (torch/nn/functional.py) step by step, so its
// arithmetic, RNG use (attention dropout) and gradients are PyTorch's.

const attnOps = {
  sdpa: op('aten::scaled_dot_product_attention'),
  baddbmm: op('aten::baddbmm'),
  repeat: op('aten::repeat'),
  unflatten: op('aten::unflatten.int'),
  zerosLike: op('aten::zeros_like'),
  zeros: op('aten::zeros'),
  cat: op('aten::cat'),
  constantPad: op('aten::constant_pad_nd'),
};
type DTypeOf = Tensor['dtype'];
const shapeEq = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const pyTuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
const padLast = (t: Tensor): Tensor => wrap(native.callOp(attnOps.constantPad, t._h, [0, 1], 0));

/** softmax(QKᵀ/√d + mask) V, with ATen choosing the kernel as in PyTorch. */
export function scaledDotProductAttention(
  query: Tensor, key: Tensor, value: Tensor,
  o: { attnMask?: Tensor | null; dropoutP?: number; isCausal?: boolean; scale?: number | null; enableGqa?: boolean } = {},
): Tensor {
  return wrap(native.callOp(attnOps.sdpa, query._h, key._h, value._h, opt(o.attnMask), o.dropoutP ?? 0.0, o.isCausal ?? false, o.scale ?? null, o.enableGqa ?? false));
}

/** F._canonical_mask: a bool mask becomes a float mask of `targetType` with -inf where true. */
export function _canonicalMask(
  mask: Tensor | null | undefined, maskName: string, otherType: DTypeOf | null, otherName: string, targetType: DTypeOf, checkOther = true,
): Tensor | null {
  if (mask == null) return null;
  const maskDtype = mask.dtype;
  const isFloat = maskDtype.isFloatingPoint;
  if (maskDtype.name !== 'bool' && !isFloat) throw new Error(`only bool and floating types of ${maskName} are supported`);
  if (checkOther && otherType !== null && maskDtype.name !== otherType.name) {
    process.emitWarning(`Support for mismatched ${maskName} and ${otherName} is deprecated. Use same type for both instead.`, 'UserWarning');
  }
  if (!isFloat) return wrap(native.callOp(attnOps.zerosLike, mask._h, targetType.code)).maskedFill_(mask, -Infinity);
  return mask;
}
export const _noneOrDtype = (input: Tensor | null | undefined): DTypeOf | null => (input == null ? null : input.dtype);

function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  if (query.ndim === 3) {
    if (key.ndim !== 3 || value.ndim !== 3) {
      throw new Error(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    }
    if (keyPaddingMask !== null && keyPaddingMask.ndim !== 2) {
      throw new Error(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.ndim}-D tensor instead`);
    }
    if (attnMask !== null && attnMask.ndim !== 2 && attnMask.ndim !== 3) {
      throw new Error(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
    }
    return true;
  }
  if (query.ndim === 2) {
    if (key.ndim !== 2 || value.ndim !== 2) {
      throw new Error(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    }
    if (keyPaddingMask !== null && keyPaddingMask.ndim !== 1) {
      throw new Error(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.ndim}-D tensor instead`);
    }
    if (attnMask !== null) {
      if (attnMask.ndim !== 2 && attnMask.ndim !== 3) {
        throw new Error(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
      }
      if (attnMask.ndim === 3) {
        const expected = [numHeads, query.size(0), key.size(0)];
        if (!shapeEq(attnMask.shape, expected)) throw new Error(`Expected \`attn_mask\` shape to be ${pyTuple(expected)} but got ${attnMask.shape}`);
      }
    }
    return false;
  }
  throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

// F._in_projection_packed: one matmul for self-attention, two for encoder-decoder attention.
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): [Tensor, Tensor, Tensor] {
  const E = q.size(-1);
  if (k === v) {
    if (q === k) {
      const proj = wrap(native.callOp(attnOps.unflatten, linear(q, w, b)._h, -1, [3, E])).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous();
      return [proj.select(0, 0), proj.select(0, 1), proj.select(0, 2)];
    }
    const [wQ, wKv] = w.split([E, E * 2]) as [Tensor, Tensor];
    const [bQ, bKv] = b === null ? [null, null] : (b.split([E, E * 2]) as [Tensor, Tensor]);
    const qProj = linear(q, wQ, bQ);
    const kvProj = wrap(native.callOp(attnOps.unflatten, linear(k, wKv, bKv)._h, -1, [2, E])).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous();
    return [qProj, kvProj.select(0, 0), kvProj.select(0, 1)];
  }
  const [wQ, wK, wV] = w.chunk(3) as [Tensor, Tensor, Tensor];
  const [bQ, bK, bV] = b === null ? [null, null, null] : (b.chunk(3) as [Tensor, Tensor, Tensor]);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

// F._in_projection: separate weights (kdim/vdim differ from embed_dim).
function inProjection(q: Tensor, k: Tensor, v: Tensor, wQ: Tensor, wK: Tensor, wV: Tensor, bQ: Tensor | null, bK: Tensor | null, bV: Tensor | null): [Tensor, Tensor, Tensor] {
  const [Eq, Ek, Ev] = [q.size(-1), k.size(-1), v.size(-1)];
  const check = (t: Tensor | null, want: number[], what: string): void => {
    if (t !== null && !shapeEq(t.shape, want)) throw new Error(`expecting ${what} shape of ${pyTuple(want)}, but got ${t.shape}`);
  };
  check(wQ, [Eq, Eq], 'query weights');
  check(wK, [Eq, Ek], 'key weights');
  check(wV, [Eq, Ev], 'value weights');
  check(bQ, [Eq], 'query bias');
  check(bK, [Eq], 'key bias');
  check(bV, [Eq], 'value bias');
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

export interface MultiHeadAttentionForwardOptions {
  training?: boolean;
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/** F.multi_head_attention_forward: returns [attn_output, attn_output_weights or null]. Inputs are (L, N, E) or unbatched (L, E). */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  o: MultiHeadAttentionForwardOptions = {},
): [Tensor, Tensor | null] {
  const training = o.training ?? true;
  const needWeights = o.needWeights ?? true;
  const averageAttnWeights = o.averageAttnWeights ?? true;
  let isCausal = o.isCausal ?? false;
  let keyPaddingMask = o.keyPaddingMask ?? null;
  let attnMask = o.attnMask ?? null;
  const staticK = o.staticK ?? null;
  const staticV = o.staticV ?? null;
  const isBatched = mhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
  if (!isBatched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape as unknown as [number, number, number];
  let srcLen = key.size(0);
  keyPaddingMask = _canonicalMask(keyPaddingMask, 'key_padding_mask', _noneOrDtype(attnMask), 'attn_mask', query.dtype);
  if (isCausal && attnMask === null) {
    throw new Error(
      'Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.',
    );
  }
  if (isCausal && keyPaddingMask === null && !needWeights) {
    attnMask = null;
  } else {
    attnMask = _canonicalMask(attnMask, 'attn_mask', null, '', query.dtype, false);
    if (keyPaddingMask !== null) isCausal = false;
  }
  if (embedDim !== embedDimToCheck) throw new Error(`was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  if (headDim * numHeads !== embedDim) throw new Error(`embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (o.useSeparateProjWeight) {
    if (!shapeEq(key.shape.slice(0, 2), value.shape.slice(0, 2))) {
      throw new Error(`key's sequence and batch dims torch.Size([${key.shape.slice(0, 2).join(', ')}]) do not match value's torch.Size([${value.shape.slice(0, 2).join(', ')}])`);
    }
  } else if (!shapeEq(key.shape, value.shape)) {
    throw new Error(`key shape ${key.shape} does not match value shape ${value.shape}`);
  }

  let q: Tensor;
  let k: Tensor;
  let v: Tensor;
  if (!o.useSeparateProjWeight) {
    if (inProjWeight === null) throw new Error('use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, inProjWeight, inProjBias);
  } else {
    if (o.qProjWeight == null) throw new Error('use_separate_proj_weight is True but q_proj_weight is None');
    if (o.kProjWeight == null) throw new Error('use_separate_proj_weight is True but k_proj_weight is None');
    if (o.vProjWeight == null) throw new Error('use_separate_proj_weight is True but v_proj_weight is None');
    const [bQ, bK, bV] = inProjBias === null ? [null, null, null] : (inProjBias.chunk(3) as [Tensor, Tensor, Tensor]);
    [q, k, v] = inProjection(query, key, value, o.qProjWeight, o.kProjWeight, o.vProjWeight, bQ, bK, bV);
  }

  if (attnMask !== null) {
    if (attnMask.ndim === 2) {
      const correct = [tgtLen, srcLen];
      if (!shapeEq(attnMask.shape, correct)) throw new Error(`The shape of the 2D attn_mask is ${attnMask.shape}, but should be ${pyTuple(correct)}.`);
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.ndim === 3) {
      const correct = [bsz * numHeads, tgtLen, srcLen];
      if (!shapeEq(attnMask.shape, correct)) throw new Error(`The shape of the 3D attn_mask is ${attnMask.shape}, but should be ${pyTuple(correct)}.`);
    } else {
      throw new Error(`attn_mask's dimension ${attnMask.ndim} is not supported`);
    }
  }

  if (biasK !== null && biasV !== null) {
    if (staticK !== null) throw new Error('bias cannot be added to static key.');
    if (staticV !== null) throw new Error('bias cannot be added to static value.');
    k = wrap(native.callOp(attnOps.cat, [k._h, wrap(native.callOp(attnOps.repeat, biasK._h, [1, bsz, 1]))._h], 0));
    v = wrap(native.callOp(attnOps.cat, [v._h, wrap(native.callOp(attnOps.repeat, biasV._h, [1, bsz, 1]))._h], 0));
    if (attnMask !== null) attnMask = padLast(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = padLast(keyPaddingMask);
  } else {
    if (biasK !== null) throw new Error('bias_k is set but bias_v is None');
    if (biasV !== null) throw new Error('bias_v is set but bias_k is None');
  }

  q = q.view(tgtLen, bsz * numHeads, headDim).transpose(0, 1);
  if (staticK === null) {
    k = k.view(k.size(0), bsz * numHeads, headDim).transpose(0, 1);
  } else {
    if (staticK.size(0) !== bsz * numHeads) throw new Error(`expecting static_k.size(0) of ${bsz * numHeads}, but got ${staticK.size(0)}`);
    if (staticK.size(2) !== headDim) throw new Error(`expecting static_k.size(2) of ${headDim}, but got ${staticK.size(2)}`);
    k = staticK;
  }
  if (staticV === null) {
    v = v.view(v.size(0), bsz * numHeads, headDim).transpose(0, 1);
  } else {
    if (staticV.size(0) !== bsz * numHeads) throw new Error(`expecting static_v.size(0) of ${bsz * numHeads}, but got ${staticV.size(0)}`);
    if (staticV.size(2) !== headDim) throw new Error(`expecting static_v.size(2) of ${headDim}, but got ${staticV.size(2)}`);
    v = staticV;
  }

  if (addZeroAttn) {
    const zeroShape = [bsz * numHeads, 1, headDim];
    const zk = wrap(native.callOp(attnOps.zeros, zeroShape, k.dtype.code, null, k.device.toString()));
    const zv = wrap(native.callOp(attnOps.zeros, zeroShape, v.dtype.code, null, v.device.toString()));
    k = wrap(native.callOp(attnOps.cat, [k._h, zk._h], 1));
    v = wrap(native.callOp(attnOps.cat, [v._h, zv._h], 1));
    if (attnMask !== null) attnMask = padLast(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = padLast(keyPaddingMask);
  }

  srcLen = k.size(1);
  if (keyPaddingMask !== null) {
    if (keyPaddingMask.size(0) !== bsz) throw new Error(`Expected key_padded_mask.shape[0] to be ${bsz}, but got ${keyPaddingMask.size(0)}`);
    if (keyPaddingMask.size(1) !== srcLen) throw new Error(`Expected key_padded_mask.shape[1] to be ${srcLen}, but got ${keyPaddingMask.size(1)}`);
    keyPaddingMask = keyPaddingMask.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    attnMask = attnMask === null ? keyPaddingMask : attnMask.add(keyPaddingMask);
  }
  if (!training) dropoutP = 0.0;

  if (needWeights) {
    const E = q.size(2);
    const qScaled = q.mul(Math.sqrt(1.0 / E));
    let weights = attnMask !== null
      ? wrap(native.callOp(attnOps.baddbmm, attnMask._h, qScaled._h, k.transpose(-2, -1)._h, 1, 1))
      : qScaled.bmm(k.transpose(-2, -1));
    weights = weights.softmax(-1);
    if (dropoutP > 0.0) weights = dropout(weights, { p: dropoutP });
    let attnOutput = weights.bmm(v);
    attnOutput = attnOutput.transpose(0, 1).reshape(tgtLen * bsz, embedDim);
    attnOutput = linear(attnOutput, outProjWeight, outProjBias);
    attnOutput = attnOutput.view(tgtLen, bsz, attnOutput.size(1));
    weights = weights.view(bsz, numHeads, tgtLen, srcLen);
    if (averageAttnWeights) weights = weights.mean(1);
    if (!isBatched) {
      attnOutput = attnOutput.squeeze(1);
      weights = weights.squeeze(0);
    }
    return [attnOutput, weights];
  }
  if (attnMask !== null) {
    attnMask = attnMask.size(0) === 1 && attnMask.ndim === 3 ? attnMask.unsqueeze(0) : attnMask.view(bsz, numHeads, -1, srcLen);
  }
  q = q.view(bsz, numHeads, tgtLen, headDim);
  k = k.view(bsz, numHeads, srcLen, headDim);
  v = v.view(bsz, numHeads, srcLen, headDim);
  let attnOutput = scaledDotProductAttention(q, k, v, { attnMask, dropoutP, isCausal });
  attnOutput = attnOutput.permute(2, 0, 1, 3).reshape(bsz * tgtLen, embedDim);
  attnOutput = linear(attnOutput, outProjWeight, outProjBias);
  attnOutput = attnOutput.view(tgtLen, bsz, attnOutput.size(1));
  if (!isBatched) attnOutput = attnOutput.squeeze(1);
  return [attnOutput, null];
}
