// torch.nn.functional (torch/nn/functional.py). The functions PyTorch binds in C
// (F.conv2d is torch.conv2d, F.avg_pool2d is torch._C._nn.avg_pool2d, ...) are generated with
// Python's argument parsing (lib/generated/nn_functional.ts); the ones PyTorch writes in Python
// are written here, step by step as PyTorch writes them, each binding its arguments with
// Python's signature (pySignature): positional arguments in order, then a trailing options object
// with camelCase keys; an unknown key or one positional too many is Python's TypeError.
// Python's ValueErrors are RangeErrors here, its RuntimeErrors Errors (README "Numbers").
import { noGrad } from '../autograd';
import { bindFunction } from '../arg_parser';
import type { DType } from '../dtype';
import { contiguousFormat } from '../layout';
import { native } from '../native';
import { op } from '../ops';
import { Size } from '../size';
import { Tensor, wrap, wrapAll } from '../tensor';
import { linear, scaledDotProductAttention, avgPool1d, avgPool2d, avgPool3d, adaptiveAvgPool1d } from '../generated/nn_functional';
import { PyFloat } from '../scalar';
import { pyFloat } from './repr';
import { pySignature } from '../python_signature';
import { _single, _pair, _triple, type Args } from './modules_utils';

export * from '../generated/nn_functional';

type IntOrPair = number | readonly number[];
export type Reduction = 'none' | 'mean' | 'sum';
/** An adaptive pool's output size: an int, or a tuple whose null entries keep the input's size. */
export type OutputSize = number | readonly (number | null)[];

// ---- binding ------------------------------------------------------------------------------------

/** The options object of a function whose bound parameters are `B`: any of them by name. */
type Opts<B> = { [K in keyof B]?: B[K] | undefined };
/**
 * A Python-level function: `sig` is its Python signature, `B` its bound parameters (camelCase),
 * `R` the required positional parameters, `P` the optional ones, in order.
 */
function def<B, R extends unknown[], P extends unknown[] = [], Ret = Tensor>(
  name: string, sig: string, impl: (a: B) => Ret,
): (...args: Args<R, P, Opts<B>>) => Ret {
  const bind = pySignature<B>(name, sig);
  return (...args: unknown[]) => impl(bind(args));
}
/** def for a function whose public type is written out where it is exported. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function defAs<B, Ret = Tensor>(name: string, sig: string, impl: (a: B) => Ret): (...args: any[]) => Ret {
  const bind = pySignature<B>(name, sig);
  return (...args: unknown[]) => impl(bind(args));
}

type AnyFn = (...args: unknown[]) => Tensor;
const nnOp = (name: string): AnyFn => bindFunction<AnyFn>('nn', name);
const torchOp = (name: string): AnyFn => bindFunction<AnyFn>('torch', name);
const vectorNorm = bindFunction<AnyFn>('linalg', 'vector_norm');
const tuple2 = (f: AnyFn) => f as unknown as (...args: unknown[]) => [Tensor, Tensor];

const T = {
  adaptiveMaxPool1d: tuple2(torchOp('adaptive_max_pool1d')),
  alphaDropout: torchOp('alpha_dropout'),
  alphaDropout_: torchOp('alpha_dropout_'),
  affineGridGenerator: torchOp('affine_grid_generator'),
  batchNorm: torchOp('batch_norm'),
  celu: torchOp('celu'),
  celu_: torchOp('celu_'),
  cosineEmbeddingLoss: torchOp('cosine_embedding_loss'),
  ctcLoss: torchOp('ctc_loss'),
  dropout: torchOp('dropout'),
  dropout_: torchOp('dropout_'),
  embedding: torchOp('embedding'),
  embeddingBag: torchOp('embedding_bag'),
  embeddingRenorm_: torchOp('embedding_renorm_'),
  featureAlphaDropout: torchOp('feature_alpha_dropout'),
  featureAlphaDropout_: torchOp('feature_alpha_dropout_'),
  featureDropout: torchOp('feature_dropout'),
  featureDropout_: torchOp('feature_dropout_'),
  gridSampler: torchOp('grid_sampler'),
  groupNorm: torchOp('group_norm'),
  hingeEmbeddingLoss: torchOp('hinge_embedding_loss'),
  instanceNorm: torchOp('instance_norm'),
  klDiv: torchOp('kl_div'),
  layerNorm: torchOp('layer_norm'),
  marginRankingLoss: torchOp('margin_ranking_loss'),
  maxPool1d: torchOp('max_pool1d'),
  maxPool1dWithIndices: tuple2(torchOp('max_pool1d_with_indices')),
  maxPool2d: torchOp('max_pool2d'),
  maxPool3d: torchOp('max_pool3d'),
  pairwiseDistance: torchOp('pairwise_distance'),
  poissonNllLoss: torchOp('poisson_nll_loss'),
  rand: torchOp('rand'),
  relu: torchOp('relu'),
  relu_: torchOp('relu_'),
  rmsNorm: torchOp('rms_norm'),
  rrelu: torchOp('rrelu'),
  rrelu_: torchOp('rrelu_'),
  rsub: torchOp('rsub'),
  selu: torchOp('selu'),
  selu_: torchOp('selu_'),
  threshold: torchOp('threshold'),
  threshold_: torchOp('threshold_'),
  tripletMarginLoss: torchOp('triplet_margin_loss'),
  zerosLike: torchOp('zeros_like'),
  emptyLike: torchOp('empty_like'),
  onesLike: torchOp('ones_like'),
};
const NN = {
  adaptiveAvgPool2d: nnOp('adaptive_avg_pool2d'),
  adaptiveAvgPool3d: nnOp('adaptive_avg_pool3d'),
  adaptiveMaxPool2d: tuple2(nnOp('adaptive_max_pool2d')),
  adaptiveMaxPool3d: tuple2(nnOp('adaptive_max_pool3d')),
  binaryCrossEntropy: nnOp('binary_cross_entropy'),
  col2im: nnOp('col2im'),
  crossEntropyLoss: nnOp('cross_entropy_loss'),
  elu: nnOp('elu'),
  elu_: nnOp('elu_'),
  fractionalMaxPool2d: tuple2(nnOp('fractional_max_pool2d')),
  fractionalMaxPool3d: tuple2(nnOp('fractional_max_pool3d')),
  glu: nnOp('glu'),
  hardsigmoid: nnOp('hardsigmoid'),
  hardsigmoid_: nnOp('hardsigmoid_'),
  hardswish: nnOp('hardswish'),
  hardswish_: nnOp('hardswish_'),
  hardtanh: nnOp('hardtanh'),
  hardtanh_: nnOp('hardtanh_'),
  huberLoss: nnOp('huber_loss'),
  im2col: nnOp('im2col'),
  l1Loss: nnOp('l1_loss'),
  leakyRelu: nnOp('leaky_relu'),
  leakyRelu_: nnOp('leaky_relu_'),
  logSigmoid: nnOp('log_sigmoid'),
  maxPool2dWithIndices: tuple2(nnOp('max_pool2d_with_indices')),
  maxPool3dWithIndices: tuple2(nnOp('max_pool3d_with_indices')),
  maxUnpool2d: nnOp('max_unpool2d'),
  maxUnpool3d: nnOp('max_unpool3d'),
  mish: nnOp('mish'),
  mish_: nnOp('mish_'),
  mseLoss: nnOp('mse_loss'),
  multiMarginLoss: nnOp('multi_margin_loss'),
  multilabelMarginLoss: nnOp('multilabel_margin_loss'),
  nllLossNd: nnOp('nll_loss_nd'),
  pad: nnOp('pad'),
  relu6: nnOp('relu6'),
  relu6_: nnOp('relu6_'),
  silu: nnOp('silu'),
  silu_: nnOp('silu_'),
  smoothL1Loss: nnOp('smooth_l1_loss'),
  softMarginLoss: nnOp('soft_margin_loss'),
  upsampleNearest1d: nnOp('upsample_nearest1d'),
  upsampleNearest2d: nnOp('upsample_nearest2d'),
  upsampleNearest3d: nnOp('upsample_nearest3d'),
  upsampleLinear1d: nnOp('upsample_linear1d'),
  upsampleBilinear2d: nnOp('upsample_bilinear2d'),
  upsampleTrilinear3d: nnOp('upsample_trilinear3d'),
  upsampleBicubic2d: nnOp('upsample_bicubic2d'),
};

// ATen ops PyTorch reaches through private names (torch._C._nn._upsample_*, torch._grouped_mm).
const raw = (name: string) => (...args: unknown[]): Tensor => wrap(native.callOp(op(name), ...args.map((a) => (a instanceof Tensor ? a._h : a))));

const warn = (message: string): void => void process.emitWarning(message, 'UserWarning');
const opt = (t: Tensor | null | undefined): Tensor | null => t ?? null;
const shapeEq = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const pyTuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
/** A JS value as Python's str() prints it in messages (lists, numbers, None). */
function pyStrOf(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map(pyStrOf).join(', ')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof PyFloat) return pyFloat(v.value);
  return String(v);
}
/** A float parameter as Python prints it (`0.0`, `1e-05`). */
const pyF = (x: number): string => pyFloat(Number(x));
const sizeOf = (t: Tensor): string => String(t.shape);
const isPyInt = (x: unknown): boolean => typeof x === 'bigint' || (typeof x === 'number' && Number.isSafeInteger(x));
const num = (x: unknown): number => Number(x);

function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`Shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 and arg 1.`);
    out.push(x === 1 ? y : x);
  }
  return out;
}
const broadcastTensorsOp = (): number => op('aten::broadcast_tensors');
function broadcastTensors(a: Tensor, b: Tensor): [Tensor, Tensor] {
  return wrapAll(native.callOp(broadcastTensorsOp(), [a._h, b._h])) as [Tensor, Tensor];
}

// ---- torch/nn/_reduction.py ---------------------------------------------------------------------

/** _Reduction.get_enum. */
function getEnum(reduction: string): number {
  switch (reduction) {
    case 'none':
      return 0;
    case 'mean':
      return 1;
    case 'elementwise_mean':
      warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.");
      return 1;
    case 'sum':
      return 2;
  }
  throw new RangeError(`${String(reduction)} is not a valid value for reduction`);
}
/** _Reduction.legacy_get_string: the reduction the deprecated size_average / reduce pair means. */
function legacyGetString(sizeAverage: boolean | null, reduce: boolean | null): string {
  const sa = sizeAverage ?? true;
  const r = reduce ?? true;
  const ret = sa && r ? 'mean' : r ? 'sum' : 'none';
  warn(`size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`);
  return ret;
}
interface Legacy {
  sizeAverage: boolean | null;
  reduce: boolean | null;
  reduction: string;
}
const reductionOf = (a: Legacy): string => (a.sizeAverage !== null || a.reduce !== null ? legacyGetString(a.sizeAverage, a.reduce) : a.reduction);
const reductionEnum = (a: Legacy): number => getEnum(reductionOf(a));

// ---- pooling ------------------------------------------------------------------------------------

/** _list_with_default (torch/nn/modules/utils.py): null entries of `outSize` take the input's size. */
function listWithDefault(outSize: OutputSize, defaults: readonly number[]): IntOrPair {
  if (typeof outSize === 'number') return outSize;
  if (defaults.length <= outSize.length) throw new RangeError(`Input dimension should be at least ${outSize.length + 1}`);
  const tail = defaults.slice(-outSize.length);
  return outSize.map((v, i) => v ?? tail[i]!);
}
// PyTorch's stride=None means "the kernel size", which ATen spells as an empty list.
const strideArg = (s: IntOrPair | null): IntOrPair => (s === null ? [] : s);

interface MaxPoolB {
  input: Tensor;
  kernelSize: IntOrPair;
  stride: IntOrPair | null;
  padding: IntOrPair;
  dilation: IntOrPair;
  ceilMode: boolean;
  returnIndices: boolean;
}
type MaxPoolOptions = Opts<Omit<MaxPoolB, 'input' | 'kernelSize' | 'returnIndices'>>;
const MAX_POOL_SIG = 'input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False';
type PoolArgs = Args<[input: Tensor, kernelSize: IntOrPair], [stride: IntOrPair | null, padding: IntOrPair, dilation: IntOrPair, ceilMode: boolean], MaxPoolOptions & { returnIndices?: false }>;
type PoolArgsIdx = [input: Tensor, kernelSize: IntOrPair, options: MaxPoolOptions & { returnIndices: true }];
type PoolArgsAny = [input: Tensor, kernelSize: IntOrPair, ...rest: unknown[]];

/** boolean_dispatch: the flag given by name, else at its position, else its default. */
function dispatchFlag(args: readonly unknown[], index: number, key: string): boolean {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && !Array.isArray(last) && !(last instanceof Tensor) && key in last) {
    return Boolean((last as Record<string, unknown>)[key]);
  }
  const v = args[index];
  return v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor)) ? Boolean(v) : false;
}
function maxPoolFamily(n: 1 | 2 | 3, withIdx: (a: MaxPoolB) => [Tensor, Tensor], plain: (a: MaxPoolB) => Tensor) {
  const bindIdx = pySignature<MaxPoolB>(`max_pool${n}d_with_indices`, MAX_POOL_SIG);
  const bindPlain = pySignature<MaxPoolB>(`_max_pool${n}d`, MAX_POOL_SIG);
  const withIndices = (...args: unknown[]): [Tensor, Tensor] => withIdx(bindIdx(args));
  function pool(...args: PoolArgs): Tensor;
  function pool(...args: PoolArgsIdx): [Tensor, Tensor];
  function pool(...args: PoolArgsAny): Tensor | [Tensor, Tensor];
  function pool(...args: unknown[]): Tensor | [Tensor, Tensor] {
    return dispatchFlag(args, 6, 'returnIndices') ? withIdx(bindIdx(args)) : plain(bindPlain(args));
  }
  return [pool, withIndices as (...args: PoolArgsAny) => [Tensor, Tensor]] as const;
}
export const [maxPool1d, maxPool1dWithIndices] = maxPoolFamily(
  1,
  (a) => T.maxPool1dWithIndices(a.input, a.kernelSize, strideArg(a.stride), a.padding, a.dilation, a.ceilMode),
  (a) => T.maxPool1d(a.input, a.kernelSize, strideArg(a.stride), a.padding, a.dilation, a.ceilMode),
);
export const [maxPool2d, maxPool2dWithIndices] = maxPoolFamily(
  2,
  (a) => NN.maxPool2dWithIndices(a.input, a.kernelSize, strideArg(a.stride), a.padding, a.dilation, a.ceilMode),
  (a) => T.maxPool2d(a.input, a.kernelSize, strideArg(a.stride), a.padding, a.dilation, a.ceilMode),
);
export const [maxPool3d, maxPool3dWithIndices] = maxPoolFamily(
  3,
  (a) => NN.maxPool3dWithIndices(a.input, a.kernelSize, strideArg(a.stride), a.padding, a.dilation, a.ceilMode),
  (a) => T.maxPool3d(a.input, a.kernelSize, strideArg(a.stride), a.padding, a.dilation, a.ceilMode),
);

interface AdaptiveMaxB {
  input: Tensor;
  outputSize: OutputSize;
  returnIndices: boolean;
}
type AdaptiveArgs = [input: Tensor, outputSize: OutputSize, options?: { returnIndices?: false }];
type AdaptiveArgsIdx = [input: Tensor, outputSize: OutputSize, options: { returnIndices: true }];
type AdaptiveArgsAny = [input: Tensor, outputSize: OutputSize, ...rest: unknown[]];
function adaptiveMaxFamily(n: 1 | 2 | 3, impl: (input: Tensor, outputSize: OutputSize) => [Tensor, Tensor]) {
  const sig = 'input, output_size, return_indices=False';
  const bindIdx = pySignature<AdaptiveMaxB>(`adaptive_max_pool${n}d_with_indices`, sig);
  const bindPlain = pySignature<AdaptiveMaxB>(`_adaptive_max_pool${n}d`, sig);
  const withIndices = (...args: AdaptiveArgsAny): [Tensor, Tensor] => {
    const a = bindIdx(args);
    return impl(a.input, a.outputSize);
  };
  function pool(...args: AdaptiveArgs): Tensor;
  function pool(...args: AdaptiveArgsIdx): [Tensor, Tensor];
  function pool(...args: AdaptiveArgsAny): Tensor | [Tensor, Tensor];
  function pool(...args: unknown[]): Tensor | [Tensor, Tensor] {
    if (dispatchFlag(args, 2, 'returnIndices')) return withIndices(...(args as AdaptiveArgsAny));
    const a = bindPlain(args);
    return impl(a.input, a.outputSize)[0];
  }
  return [pool, withIndices] as const;
}
export const [adaptiveMaxPool1d, adaptiveMaxPool1dWithIndices] = adaptiveMaxFamily(1, (input, size) => T.adaptiveMaxPool1d(input, size));
export const [adaptiveMaxPool2d, adaptiveMaxPool2dWithIndices] = adaptiveMaxFamily(2, (input, size) => NN.adaptiveMaxPool2d(input, listWithDefault(size, input.shape)));
export const [adaptiveMaxPool3d, adaptiveMaxPool3dWithIndices] = adaptiveMaxFamily(3, (input, size) => NN.adaptiveMaxPool3d(input, listWithDefault(size, input.shape)));

export const adaptiveAvgPool2d = def<{ input: Tensor; outputSize: OutputSize }, [input: Tensor, outputSize: OutputSize]>(
  'adaptive_avg_pool2d', 'input, output_size', (a) => NN.adaptiveAvgPool2d(a.input, listWithDefault(a.outputSize, a.input.shape)),
);
export const adaptiveAvgPool3d = def<{ input: Tensor; outputSize: OutputSize }, [input: Tensor, outputSize: OutputSize]>(
  'adaptive_avg_pool3d', 'input, output_size', (a) => NN.adaptiveAvgPool3d(a.input, listWithDefault(a.outputSize, a.input.shape)),
);

interface FractionalB {
  input: Tensor;
  kernelSize: IntOrPair;
  outputSize: IntOrPair | null;
  outputRatio: number | readonly number[] | null;
  returnIndices: boolean;
  _randomSamples: Tensor | null;
}
type FractionalOptions = Opts<Omit<FractionalB, 'input' | 'kernelSize' | 'returnIndices'>>;
type FracArgs = Args<[input: Tensor, kernelSize: IntOrPair], [outputSize: IntOrPair | null, outputRatio: number | readonly number[] | null], FractionalOptions & { returnIndices?: false }>;
type FracArgsIdx = [input: Tensor, kernelSize: IntOrPair, options: FractionalOptions & { returnIndices: true }];
function fractionalFamily(n: 2 | 3) {
  const sig = 'input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None';
  const bindIdx = pySignature<FractionalB>(`fractional_max_pool${n}d_with_indices`, sig);
  const bindPlain = pySignature<FractionalB>(`_fractional_max_pool${n}d`, sig);
  const impl = (a: FractionalB): [Tensor, Tensor] => {
    const { input } = a;
    let outputSize = a.outputSize;
    if (outputSize === null && a.outputRatio === null) {
      throw new Error(`fractional_max_pool${n}d requires specifying either an output_size or an output_ratio`);
    }
    if (outputSize === null) {
      const ratio = a.outputRatio!;
      if (n === 2 && !Array.isArray(ratio)) throw new TypeError(`object of type '${isPyInt(ratio) ? 'int' : 'float'}' has no len()`);
      if (n === 2 && Array.isArray(ratio) && ratio.length > 2) {
        throw new RangeError('fractional_max_pool2d requires output_ratio to either be a single Int or tuple of Ints.');
      }
      const r = typeof ratio === 'number' ? Array<number>(n).fill(ratio) : [...(ratio as readonly number[])];
      outputSize = r.map((x, i) => Math.trunc(input.size(i - n) * x));
    }
    let samples = a._randomSamples;
    if (samples === null) {
      const nBatch = input.dim() === n + 1 ? 1 : input.size(0);
      samples = T.rand([nBatch, input.size(-n - 1), n], { dtype: input.dtype, device: input.device });
    }
    return (n === 2 ? NN.fractionalMaxPool2d : NN.fractionalMaxPool3d)(input, a.kernelSize, outputSize, samples);
  };
  const withIndices = (...args: [input: Tensor, kernelSize: IntOrPair, ...rest: unknown[]]): [Tensor, Tensor] => impl(bindIdx(args));
  function pool(...args: FracArgs): Tensor;
  function pool(...args: FracArgsIdx): [Tensor, Tensor];
  function pool(...args: [input: Tensor, kernelSize: IntOrPair, ...rest: unknown[]]): Tensor | [Tensor, Tensor];
  function pool(...args: unknown[]): Tensor | [Tensor, Tensor] {
    return dispatchFlag(args, 4, 'returnIndices') ? impl(bindIdx(args)) : impl(bindPlain(args))[0];
  }
  return [pool, withIndices] as const;
}
export const [fractionalMaxPool2d, fractionalMaxPool2dWithIndices] = fractionalFamily(2);
export const [fractionalMaxPool3d, fractionalMaxPool3dWithIndices] = fractionalFamily(3);

/** F._unpool_output_size. */
function unpoolOutputSize(input: Tensor, kernelSize: number[], stride: number[], padding: number[], outputSize: readonly number[] | null): number[] {
  const inputSize = input.shape;
  const k = kernelSize.length;
  const defaultSize = kernelSize.map((ks, d) => (inputSize[inputSize.length - k + d]! - 1) * stride[d]! + ks - 2 * padding[d]!);
  let ret: number[];
  if (outputSize === null) ret = defaultSize;
  else {
    let os = [...outputSize];
    if (os.length === k + 2) os = os.slice(2);
    if (os.length !== k) {
      throw new RangeError(`output_size should be a sequence containing ${k} or ${k + 2} elements, but it has a length of '${os.length}'`);
    }
    for (let d = 0; d < k; d++) {
      const minSize = defaultSize[d]! - stride[d]!;
      const maxSize = defaultSize[d]! + stride[d]!;
      if (!(minSize < os[d]! && os[d]! < maxSize)) {
        throw new RangeError(`invalid output_size "${pyStrOf(outputSize)}" (dim ${d} must be between ${minSize} and ${maxSize})`);
      }
    }
    ret = os;
  }
  ret.forEach((v, d) => {
    if (!(v >= 0)) throw new RangeError(`max_unpooling: output_size must contain non-negative spatial dimensions, but got output_size[${d}]=${v}`);
  });
  return ret;
}
interface UnpoolB {
  input: Tensor;
  indices: Tensor;
  kernelSize: IntOrPair;
  stride: IntOrPair | null;
  padding: IntOrPair;
  outputSize: readonly number[] | null;
}
type UnpoolFn = (...args: Args<[input: Tensor, indices: Tensor, kernelSize: IntOrPair], [stride: IntOrPair | null, padding: IntOrPair, outputSize: readonly number[] | null], Opts<UnpoolB>>) => Tensor;
const UNPOOL_SIG = 'input, indices, kernel_size, stride=None, padding=0, output_size=None';
export const maxUnpool1d: UnpoolFn = defAs<UnpoolB>('max_unpool1d', UNPOOL_SIG, (a) => {
  const k = _single(a.kernelSize);
  const s = a.stride !== null ? _single(a.stride) : k;
  const p = _single(a.padding);
  const size = [...unpoolOutputSize(a.input, k, s, p, a.outputSize), 1];
  return NN.maxUnpool2d(a.input.unsqueeze(-1), a.indices.unsqueeze(-1), size).squeeze(-1);
});
export const maxUnpool2d: UnpoolFn = defAs<UnpoolB>('max_unpool2d', UNPOOL_SIG, (a) => {
  const k = _pair(a.kernelSize);
  const s = a.stride !== null ? _pair(a.stride) : k;
  const p = _pair(a.padding);
  return NN.maxUnpool2d(a.input, a.indices, unpoolOutputSize(a.input, k, s, p, a.outputSize));
});
export const maxUnpool3d: UnpoolFn = defAs<UnpoolB>('max_unpool3d', UNPOOL_SIG, (a) => {
  const k = _triple(a.kernelSize);
  const s = a.stride !== null ? _triple(a.stride) : k;
  const p = _triple(a.padding);
  return NN.maxUnpool3d(a.input, a.indices, unpoolOutputSize(a.input, k, s, p, a.outputSize), s, p);
});

interface LpPoolB {
  input: Tensor;
  normType: number;
  kernelSize: IntOrPair;
  stride: IntOrPair | null;
  ceilMode: boolean;
}
type LpPoolFn = (...args: Args<[input: Tensor, normType: number, kernelSize: IntOrPair], [stride: IntOrPair | null, ceilMode: boolean], Opts<LpPoolB>>) => Tensor;
const LP_SIG = 'input, norm_type, kernel_size, stride=None, ceil_mode=False';
function lpPool(n: 1 | 2 | 3): LpPoolFn {
  const maxPool = [maxPool1d, maxPool2d, maxPool3d][n - 1]! as (...args: unknown[]) => Tensor;
  const avgPool = [avgPool1d, avgPool2d, avgPool3d][n - 1]! as unknown as (...args: unknown[]) => Tensor;
  return defAs<LpPoolB>(`lp_pool${n}d`, LP_SIG, (a) => {
    const { input, normType, kernelSize, stride, ceilMode } = a;
    const kprod = n === 1 ? (kernelSize as number) : (n === 2 ? _pair(kernelSize) : _triple(kernelSize)).reduce((x, y) => x * y, 1);
    if (num(normType) === Infinity) return maxPool(input.abs(), kernelSize, stride, 0, 1, ceilMode);
    if (num(normType) === -Infinity) return maxPool(input.abs().neg(), kernelSize, stride, 0, 1, ceilMode).neg();
    const powered = input.pow(normType);
    const out = stride !== null ? avgPool(powered, kernelSize, stride, 0, ceilMode) : avgPool(powered, kernelSize, { padding: 0, ceilMode });
    return out.sign().mul(T.relu(out.abs())).mul(kprod).pow(1.0 / num(normType));
  });
}
export const lpPool1d = lpPool(1);
export const lpPool2d = lpPool(2);
export const lpPool3d = lpPool(3);

// ---- dropout --------------------------------------------------------------------------------------

interface DropoutB {
  input: Tensor;
  p: number;
  training: boolean;
  inplace: boolean;
}
type DropoutFn = (...args: Args<[input: Tensor], [p: number, training: boolean, inplace: boolean], Opts<DropoutB>>) => Tensor;
function checkP(p: number): void {
  if (num(p) < 0.0 || num(p) > 1.0) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${String(p)}`);
}
/** Zeroes elements with probability p while training, scaling the rest by 1/(1-p). */
export const dropout: DropoutFn = defAs<DropoutB>('dropout', 'input, p=0.5, training=True, inplace=False', (a) => {
  checkP(a.p);
  return a.inplace ? T.dropout_(a.input, a.p, a.training) : T.dropout(a.input, a.p, a.training);
});
export const alphaDropout: DropoutFn = defAs<DropoutB>('alpha_dropout', 'input, p=0.5, training=False, inplace=False', (a) => {
  checkP(a.p);
  return a.inplace ? T.alphaDropout_(a.input, a.p, a.training) : T.alphaDropout(a.input, a.p, a.training);
});
export const featureAlphaDropout: DropoutFn = defAs<DropoutB>('feature_alpha_dropout', 'input, p=0.5, training=False, inplace=False', (a) => {
  checkP(a.p);
  return a.inplace ? T.featureAlphaDropout_(a.input, a.p, a.training) : T.featureAlphaDropout(a.input, a.p, a.training);
});
const featureDropout = (input: Tensor, p: number, training: boolean, inplace: boolean): Tensor =>
  inplace ? T.featureDropout_(input, p, training) : T.featureDropout(input, p, training);
export const dropout1d: DropoutFn = defAs<DropoutB>('dropout1d', 'input, p=0.5, training=True, inplace=False', (a) => {
  checkP(a.p);
  const dim = a.input.dim();
  if (dim !== 2 && dim !== 3) {
    throw new Error(
      `dropout1d: Expected 2D or 3D input, but received a ${dim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 ` +
        'spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).',
    );
  }
  const batched = dim === 3;
  let input = a.input;
  if (!batched) input = a.inplace ? input.unsqueeze_(0) : input.unsqueeze(0);
  let result = featureDropout(input, a.p, a.training, a.inplace);
  if (!batched) result = a.inplace ? result.squeeze_(0) : result.squeeze(0);
  return result;
});
/** Zeroes whole channels of (N, C, H, W) input; 3-D input is taken as (N, C, L), with a warning. */
export const dropout2d: DropoutFn = defAs<DropoutB>('dropout2d', 'input, p=0.5, training=True, inplace=False', (a) => {
  checkP(a.p);
  const dim = a.input.dim();
  if (dim !== 3 && dim !== 4) {
    warn(
      `dropout2d: Received a ${dim}-D input to dropout2d, which is deprecated and will result in an error in a future release. ` +
        'To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide ' +
        'channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).',
    );
  }
  if (dim === 3) {
    warn(
      'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is ' +
        'interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the ' +
        'input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please ' +
        'switch to using dropout1d instead.',
    );
  }
  return featureDropout(a.input, a.p, a.training, a.inplace);
});
export const dropout3d: DropoutFn = defAs<DropoutB>('dropout3d', 'input, p=0.5, training=True, inplace=False', (a) => {
  checkP(a.p);
  const dim = a.input.dim();
  if (dim !== 4 && dim !== 5) {
    warn(
      `dropout3d: Received a ${dim}-D input to dropout3d, which is deprecated and will result in an error in a future release. ` +
        'To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide ' +
        'channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).',
    );
  }
  const batched = dim === 5;
  let input = a.input;
  if (!batched) input = a.inplace ? input.unsqueeze_(0) : input.unsqueeze(0);
  let result = featureDropout(input, a.p, a.training, a.inplace);
  if (!batched) result = a.inplace ? result.squeeze_(0) : result.squeeze(0);
  return result;
});

// ---- activations ------------------------------------------------------------------------------------

type In = { input: Tensor };
type InplaceB = { input: Tensor; inplace: boolean };
type InplaceFn = (...args: Args<[input: Tensor], [inplace: boolean], Opts<InplaceB>>) => Tensor;
const inplaceAct = (name: string, out: AnyFn, inPlace: AnyFn): InplaceFn =>
  defAs<InplaceB>(name, 'input, inplace=False', (a) => (a.inplace ? inPlace(a.input) : out(a.input)));

type ThresholdB = { input: Tensor; threshold: number; value: number; inplace: boolean };
export const threshold = def<ThresholdB, [input: Tensor, threshold: number, value: number], [inplace: boolean]>(
  '_threshold', 'input, threshold, value, inplace=False',
  (a) => (a.inplace ? T.threshold_ : T.threshold)(a.input, a.threshold, a.value),
);
export const relu: InplaceFn = inplaceAct('relu', T.relu, T.relu_);
export const relu6: InplaceFn = inplaceAct('relu6', NN.relu6, NN.relu6_);
export const selu: InplaceFn = inplaceAct('selu', T.selu, T.selu_);
export const silu: InplaceFn = inplaceAct('silu', NN.silu, NN.silu_);
export const mish: InplaceFn = inplaceAct('mish', NN.mish, NN.mish_);
export const hardswish: InplaceFn = inplaceAct('hardswish', NN.hardswish, NN.hardswish_);
export const hardsigmoid: InplaceFn = inplaceAct('hardsigmoid', NN.hardsigmoid, NN.hardsigmoid_);

export const glu = def<{ input: Tensor; dim: number }, [input: Tensor], [dim: number]>('glu', 'input, dim=-1', (a) => {
  if (a.input.dim() === 0) throw new Error('glu does not support scalars because halving size must be even');
  return NN.glu(a.input, a.dim);
});
type HardtanhB = { input: Tensor; minVal: number; maxVal: number; inplace: boolean };
export const hardtanh = def<HardtanhB, [input: Tensor], [minVal: number, maxVal: number, inplace: boolean]>(
  'hardtanh', 'input, min_val=-1.0, max_val=1.0, inplace=False', (a) => {
    if (num(a.minVal) > num(a.maxVal)) throw new RangeError('min_val cannot be greater than max_val');
    return (a.inplace ? NN.hardtanh_ : NN.hardtanh)(a.input, a.minVal, a.maxVal);
  },
);
type AlphaB = { input: Tensor; alpha: number; inplace: boolean };
export const elu = def<AlphaB, [input: Tensor], [alpha: number, inplace: boolean]>(
  'elu', 'input, alpha=1.0, inplace=False', (a) => (a.inplace ? NN.elu_ : NN.elu)(a.input, a.alpha),
);
export const celu = def<AlphaB, [input: Tensor], [alpha: number, inplace: boolean]>(
  'celu', 'input, alpha=1.0, inplace=False', (a) => (a.inplace ? T.celu_ : T.celu)(a.input, a.alpha),
);
type LeakyB = { input: Tensor; negativeSlope: number; inplace: boolean };
export const leakyRelu = def<LeakyB, [input: Tensor], [negativeSlope: number, inplace: boolean]>(
  'leaky_relu', 'input, negative_slope=0.01, inplace=False', (a) => (a.inplace ? NN.leakyRelu_ : NN.leakyRelu)(a.input, a.negativeSlope),
);
type RreluB = { input: Tensor; lower: number; upper: number; training: boolean; inplace: boolean };
export const rrelu = def<RreluB, [input: Tensor], [lower: number, upper: number, training: boolean, inplace: boolean]>(
  'rrelu', `input, lower=0.125, upper=${1.0 / 3}, training=False, inplace=False`,
  (a) => (a.inplace ? T.rrelu_ : T.rrelu)(a.input, a.lower, a.upper, a.training),
);
export const tanhshrink = def<In, [input: Tensor]>('tanhshrink', 'input', (a) => a.input.sub(a.input.tanh()));
export const softsign = def<In, [input: Tensor]>('softsign', 'input', (a) => a.input.div(a.input.abs().add(1)));
export const tanh = def<In, [input: Tensor]>('tanh', 'input', (a) => a.input.tanh());
export const sigmoid = def<In, [input: Tensor]>('sigmoid', 'input', (a) => a.input.sigmoid());

// F._get_softmax_dim: the legacy choice when no dim is given.
function softmaxDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}
type SoftmaxB = { input: Tensor; dim: number | null; _stacklevel: number; dtype: DType | null };
type SoftmaxFn = (...args: Args<[input: Tensor], [dim: number | null, _stacklevel: number, dtype: DType | null], Opts<SoftmaxB>>) => Tensor;
const SOFTMAX_SIG = 'input, dim=None, _stacklevel=3, dtype=None';
export const softmax: SoftmaxFn = defAs<SoftmaxB>('softmax', SOFTMAX_SIG, (a) => {
  const dim = a.dim ?? softmaxDim('softmax', a.input.dim());
  return a.dtype === null ? a.input.softmax(dim) : a.input.softmax(dim, { dtype: a.dtype });
});
export const softmin: SoftmaxFn = defAs<SoftmaxB>('softmin', SOFTMAX_SIG, (a) => {
  const dim = a.dim ?? softmaxDim('softmin', a.input.dim());
  return a.dtype === null ? a.input.neg().softmax(dim) : a.input.neg().softmax(dim, { dtype: a.dtype });
});
export const logSoftmax: SoftmaxFn = defAs<SoftmaxB>('log_softmax', SOFTMAX_SIG, (a) => {
  const dim = a.dim ?? softmaxDim('log_softmax', a.input.dim());
  return a.dtype === null ? a.input.logSoftmax(dim) : a.input.logSoftmax(dim, { dtype: a.dtype });
});
type GumbelB = { logits: Tensor; tau: number; hard: boolean; eps: number; dim: number };
/** Samples from the Gumbel-softmax distribution; `hard` returns one-hot samples with soft gradients. */
export const gumbelSoftmax = def<GumbelB, [logits: Tensor], [tau: number, hard: boolean, eps: number, dim: number]>(
  'gumbel_softmax', 'logits, tau=1, hard=False, eps=1e-10, dim=-1', (a) => {
    const { logits, tau, hard, dim } = a;
    if (num(a.eps) !== 1e-10) warn('`eps` parameter is deprecated and has no effect.');
    const gumbels = T.emptyLike(logits, { memoryFormat: contiguousFormat }).exponential_().log().neg();
    const ySoft = logits.add(gumbels).div(tau).softmax(dim);
    if (!hard) return ySoft;
    const index = ySoft.max(dim, { keepdim: true })[1];
    const yHard = T.zerosLike(logits, { memoryFormat: contiguousFormat }).scatter_(dim, index, 1.0);
    return yHard.sub(ySoft.detach()).add(ySoft);
  },
);

// ---- normalisation --------------------------------------------------------------------------------

/** F._verify_batch_size: statistics need more than one value per channel. */
function verifyBatchSize(size: readonly number[]): void {
  if (size.filter((_, i) => i !== 1).reduce((a, d) => a * d, 1) === 1) {
    const shown = size instanceof Size ? String(size) : `[${size.join(', ')}]`; // Python prints torch.Size or list as given
    throw new RangeError(`Expected more than 1 value per channel when training, got input size ${shown}`);
  }
}
type BatchNormB = {
  input: Tensor; runningMean: Tensor | null; runningVar: Tensor | null; weight: Tensor | null; bias: Tensor | null;
  training: boolean; momentum: number; eps: number;
};
export const batchNorm = def<
  BatchNormB, [input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null],
  [weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number]
>('batch_norm', 'input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05', (a) => {
  if (a.training) verifyBatchSize(a.input.shape);
  if (a.training && num(a.eps) <= 0.0) throw new RangeError(`batch_norm eps must be positive during training, but got ${pyF(a.eps)}`);
  else if (num(a.eps) < 0.0) throw new RangeError(`batch_norm eps must be non-negative, but got ${pyF(a.eps)}`);
  return T.batchNorm(a.input, a.weight, a.bias, a.runningMean, a.runningVar, a.training, a.momentum, a.eps, true);
});
type InstanceNormB = {
  input: Tensor; runningMean: Tensor | null; runningVar: Tensor | null; weight: Tensor | null; bias: Tensor | null;
  useInputStats: boolean; momentum: number; eps: number;
};
export const instanceNorm = def<
  InstanceNormB, [input: Tensor],
  [runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, useInputStats: boolean, momentum: number, eps: number]
>('instance_norm', 'input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-05', (a) => {
  if (a.useInputStats && a.input.shape.slice(2).reduce((x, y) => x * y, 1) === 1) {
    throw new RangeError(`Expected more than 1 spatial element when training, got input size ${sizeOf(a.input)}`);
  }
  return T.instanceNorm(a.input, a.weight, a.bias, a.runningMean, a.runningVar, a.useInputStats, a.momentum, a.eps, true);
});
type LayerNormB = { input: Tensor; normalizedShape: IntOrPair; weight: Tensor | null; bias: Tensor | null; eps: number };
export const layerNorm = def<LayerNormB, [input: Tensor, normalizedShape: IntOrPair], [weight: Tensor | null, bias: Tensor | null, eps: number]>(
  'layer_norm', 'input, normalized_shape, weight=None, bias=None, eps=1e-05',
  (a) => T.layerNorm(a.input, typeof a.normalizedShape === 'number' ? [a.normalizedShape] : a.normalizedShape, a.weight, a.bias, a.eps, true),
);
type RmsNormB = { input: Tensor; normalizedShape: IntOrPair; weight: Tensor | null; eps: number | null };
export const rmsNorm = def<RmsNormB, [input: Tensor, normalizedShape: IntOrPair], [weight: Tensor | null, eps: number | null]>(
  'rms_norm', 'input, normalized_shape, weight=None, eps=None',
  (a) => T.rmsNorm(a.input, typeof a.normalizedShape === 'number' ? [a.normalizedShape] : a.normalizedShape, a.weight, a.eps),
);
type GroupNormB = { input: Tensor; numGroups: number; weight: Tensor | null; bias: Tensor | null; eps: number };
export const groupNorm = def<GroupNormB, [input: Tensor, numGroups: number], [weight: Tensor | null, bias: Tensor | null, eps: number]>(
  'group_norm', 'input, num_groups, weight=None, bias=None, eps=1e-05', (a) => {
    const { input, numGroups } = a;
    if (input.dim() < 2) throw new Error(`Expected at least 2 dimensions for input tensor but received ${input.dim()}`);
    const [n, c] = input.shape as unknown as [number, number];
    verifyBatchSize([Math.floor((n * c) / numGroups), numGroups, ...input.shape.slice(2)]);
    return T.groupNorm(input, numGroups, a.weight, a.bias, a.eps, true);
  },
);
type LrnB = { input: Tensor; size: number; alpha: number; beta: number; k: number };
export const localResponseNorm = def<LrnB, [input: Tensor, size: number], [alpha: number, beta: number, k: number]>(
  'local_response_norm', 'input, size, alpha=0.0001, beta=0.75, k=1.0', (a) => {
    const { input, size } = a;
    const dim = input.dim();
    if (dim < 3) throw new RangeError(`Expected 3D or higher dimensionality                          input (got ${dim} dimensions)`);
    if (input.numel() === 0) return input;
    let div = input.mul(input);
    if (dim === 3) {
      div = div.unsqueeze(1);
      div = pad(div, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]);
      div = (avgPool2d as unknown as AnyFn)(div, [size, 1], { stride: 1 }).squeeze(1);
    } else {
      const sizes = input.shape;
      div = div.view(sizes[0]!, 1, sizes[1]!, sizes[2]!, -1);
      div = pad(div, [0, 0, 0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]);
      div = (avgPool3d as unknown as AnyFn)(div, [size, 1, 1], { stride: 1 }).squeeze(1);
      div = div.view(...sizes);
    }
    div = div.mul(a.alpha).add(a.k).pow(a.beta);
    return input.div(div);
  },
);

// ---- embedding -------------------------------------------------------------------------------------

type EmbeddingB = {
  input: Tensor; weight: Tensor; paddingIdx: number | null; maxNorm: number | null; normType: number; scaleGradByFreq: boolean; sparse: boolean;
};
/**
 * Looks up rows of `weight`. With maxNorm, the looked-up rows whose normType-norm exceeds it are
 * first rescaled to it, in place and outside autograd.
 */
export const embedding = def<
  EmbeddingB, [input: Tensor, weight: Tensor],
  [paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean]
>('embedding', 'input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False', (a) => {
  let { input, paddingIdx } = a;
  const { weight } = a;
  if (paddingIdx !== null) {
    const rows = weight.size(0);
    if (paddingIdx > 0 && paddingIdx >= rows) throw new Error('Padding_idx must be within num_embeddings');
    if (paddingIdx < 0) {
      if (paddingIdx < -rows) throw new Error('Padding_idx must be within num_embeddings');
      paddingIdx = rows + paddingIdx;
    }
  } else paddingIdx = -1;
  if (a.maxNorm !== null) {
    input = input.contiguous();
    const renormInput = input;
    noGrad(() => T.embeddingRenorm_(weight.detach(), renormInput, a.maxNorm, a.normType));
  }
  return T.embedding(weight, input, paddingIdx, a.scaleGradByFreq, a.sparse);
});
type EmbeddingBagB = {
  input: Tensor; weight: Tensor; offsets: Tensor | null; maxNorm: number | null; normType: number; scaleGradByFreq: boolean;
  mode: 'sum' | 'mean' | 'max'; sparse: boolean; perSampleWeights: Tensor | null; includeLastOffset: boolean; paddingIdx: number | null;
};
export const embeddingBag = def<
  EmbeddingBagB, [input: Tensor, weight: Tensor],
  [offsets: Tensor | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: 'sum' | 'mean' | 'max', sparse: boolean,
    perSampleWeights: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null]
>(
  'embedding_bag',
  "input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None",
  (a) => {
    let { input, weight, offsets, perSampleWeights, includeLastOffset } = a;
    const { mode } = a;
    if (weight.dtype.name === 'int64' && input.isFloatingPoint()) {
      warn('Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.');
      [weight, input] = [input, weight];
    }
    if (perSampleWeights !== null && !shapeEq(input.shape, perSampleWeights.shape)) {
      throw new RangeError(`embedding_bag: If per_sample_weights (${sizeOf(perSampleWeights)}) is not None, then it must have the same shape as the input (${sizeOf(input)})`);
    }
    if (weight.dim() !== 2) throw new RangeError(`weight has to be a 2D Tensor, but got Tensor of dimension ${weight.dim()}`);
    if (input.dim() === 2) {
      if (offsets !== null) {
        throw new Error(
          "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
        );
      }
      offsets = torchArange(0, input.numel(), input.size(1), input);
      includeLastOffset = false;
      input = input.reshape(-1);
      if (perSampleWeights !== null) perSampleWeights = perSampleWeights.reshape(-1);
    } else if (input.dim() === 1) {
      if (offsets === null) throw new RangeError('offsets has to be a 1D Tensor but got None');
      if (offsets.dim() !== 1) throw new RangeError('offsets has to be a 1D Tensor');
    } else {
      throw new RangeError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
    }
    let modeEnum: number;
    if (mode === 'sum') modeEnum = 0;
    else if (mode === 'mean') modeEnum = 1;
    else if (mode === 'max') {
      modeEnum = 2;
      if (a.scaleGradByFreq) throw new RangeError('max mode does not support scaling the gradient by the frequency');
      if (a.sparse) throw new RangeError('max mode does not support sparse weights');
    } else throw new RangeError('mode has to be one of sum, mean or max');
    if (a.maxNorm !== null) {
      const w = weight;
      const i = input;
      noGrad(() => T.embeddingRenorm_(w.detach(), i, a.maxNorm, a.normType));
    }
    if (perSampleWeights !== null && mode !== 'sum') {
      throw new Error(
        `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
      );
    }
    const out = T.embeddingBag(weight, input, offsets, a.scaleGradByFreq, modeEnum, a.sparse, perSampleWeights, includeLastOffset, a.paddingIdx) as unknown as Tensor[];
    return out[0]!;
  },
);
const arangeOp = torchOp('arange');
const torchArange = (start: number, end: number, step: number, like: Tensor): Tensor => arangeOp(start, end, step, { dtype: like.dtype, device: like.device });

// ---- losses ----------------------------------------------------------------------------------------

const LEGACY = 'size_average=None, reduce=None';
type LegacyOpts = { sizeAverage: boolean | null; reduce: boolean | null; reduction: Reduction };
type TT = [input: Tensor, target: Tensor];

function warnTargetSize(input: Tensor, target: Tensor): void {
  if (!shapeEq(target.shape, input.shape)) {
    warn(
      `Using a target size (${sizeOf(target)}) that is different to the input size (${sizeOf(input)}). ` +
        'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
    );
  }
}
function weightedReduce(loss: Tensor, weight: Tensor, reduction: string, meanByWeight: boolean): Tensor {
  const weighted = loss.mul(weight);
  if (reduction === 'none') return weighted;
  if (reduction === 'sum') return weighted.sum();
  if (reduction === 'mean') return meanByWeight ? weighted.sum().div(weight.sum()) : weighted.mean();
  throw new RangeError(`Invalid reduction mode: ${reduction}. Expected one of 'none', 'mean', 'sum'.`);
}

type CrossEntropyB = LegacyOpts & { input: Tensor; target: Tensor; weight: Tensor | null; ignoreIndex: number; labelSmoothing: number };
/** Cross entropy of logits against class indices or class probabilities (with optional label smoothing). */
export const crossEntropy = def<
  CrossEntropyB, TT, [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction, labelSmoothing: number]
>('cross_entropy', `input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0`,
  (a) => NN.crossEntropyLoss(a.input, a.target, a.weight, reductionEnum(a), a.ignoreIndex, a.labelSmoothing));
type NllB = LegacyOpts & { input: Tensor; target: Tensor; weight: Tensor | null; ignoreIndex: number };
export const nllLoss = def<NllB, TT, [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction]>(
  'nll_loss', `input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'`,
  (a) => NN.nllLossNd(a.input, a.target, a.weight, reductionEnum(a), a.ignoreIndex),
);
type PoissonB = LegacyOpts & { input: Tensor; target: Tensor; logInput: boolean; full: boolean; eps: number };
export const poissonNllLoss = def<
  PoissonB, TT, [logInput: boolean, full: boolean, sizeAverage: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction]
>('poisson_nll_loss', `input, target, log_input=True, full=False, size_average=None, eps=1e-08, reduce=None, reduction='mean'`, (a) => {
  const reduction = reductionOf(a);
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new RangeError(`${reduction} is not a valid value for reduction`);
  return T.poissonNllLoss(a.input, a.target, a.logInput, a.full, a.eps, getEnum(reduction));
});
type GaussianB = { input: Tensor; target: Tensor; var: Tensor | number; full: boolean; eps: number; reduction: Reduction };
export const gaussianNllLoss = def<GaussianB, [input: Tensor, target: Tensor, var_: Tensor | number], [full: boolean, eps: number, reduction: Reduction]>(
  'gaussian_nll_loss', `input, target, var, full=False, eps=1e-06, reduction='mean'`, (a) => {
    const { input, target } = a;
    let v: Tensor;
    if (!(a.var instanceof Tensor)) {
      if (num(a.var) < 0) throw new RangeError('var has negative entry/entries');
      v = T.onesLike(input).mul(a.var);
    } else {
      v = a.var;
      if (v.lt(0).any().item()) throw new RangeError('var has negative entry/entries');
    }
    if (!shapeEq(v.shape, input.shape)) {
      if (shapeEq(input.shape.slice(0, -1), v.shape)) v = v.unsqueeze(-1);
      else if (!(input.ndim === v.ndim && input.shape.reduce((s, x, i) => s + (x !== v.shape[i] ? v.shape[i]! : 0), 0) === 1)) {
        throw new RangeError('var is of incorrect size');
      }
    }
    if (a.reduction !== 'none' && a.reduction !== 'mean' && a.reduction !== 'sum') throw new RangeError(`${String(a.reduction)} is not valid`);
    v = v.clone();
    const clamped = v;
    noGrad(() => clamped.clamp_({ min: a.eps }));
    const loss = v.log().add(input.sub(target).pow(2).div(v)).mul(0.5);
    if (a.full) loss.add_(0.5 * Math.log(2 * Math.PI));
    if (a.reduction === 'mean') return loss.mean();
    if (a.reduction === 'sum') return loss.sum();
    return loss;
  },
);
type KlDivB = { input: Tensor; target: Tensor; sizeAverage: boolean | null; reduce: boolean | null; reduction: Reduction | 'batchmean'; logTarget: boolean };
/** KL divergence; PyTorch's default reduction 'mean' averages over every element. */
export const klDiv = def<KlDivB, TT, [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction | 'batchmean', logTarget: boolean]>(
  'kl_div', `input, target, size_average=None, reduce=None, reduction='mean', log_target=False`, (a) => {
    let e: number;
    if (a.sizeAverage !== null || a.reduce !== null) e = getEnum(legacyGetString(a.sizeAverage, a.reduce));
    else {
      if (a.reduction === 'mean') {
        warn(
          "reduction: 'mean' divides the total loss by both the batch size and the support size." +
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
        );
      }
      e = a.reduction === 'batchmean' ? 2 : getEnum(a.reduction);
    }
    const reduced = T.klDiv(a.input, a.target, e, { logTarget: a.logTarget });
    return a.reduction === 'batchmean' && a.input.dim() !== 0 ? reduced.div(a.input.size(0)) : reduced;
  },
);
type BceB = LegacyOpts & { input: Tensor; target: Tensor; weight: Tensor | null };
export const binaryCrossEntropy = def<BceB, TT, [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction]>(
  'binary_cross_entropy', `input, target, weight=None, ${LEGACY}, reduction='mean'`, (a) => {
    const e = reductionEnum(a);
    const { input, target } = a;
    if (!shapeEq(target.shape, input.shape)) {
      throw new RangeError(`Using a target size (${sizeOf(target)}) that is different to the input size (${sizeOf(input)}) is deprecated. Please ensure they have the same size.`);
    }
    const weight = a.weight === null ? null : a.weight.expand(...broadcastShapes(target.shape, a.weight.shape));
    return NN.binaryCrossEntropy(input, target, weight, e);
  },
);
type BceLogitsB = BceB & { posWeight: Tensor | null };
export const binaryCrossEntropyWithLogits = def<
  BceLogitsB, TT, [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction, posWeight: Tensor | null]
>('binary_cross_entropy_with_logits', `input, target, weight=None, ${LEGACY}, reduction='mean', pos_weight=None`, (a) => {
  const e = reductionEnum(a);
  if (!shapeEq(a.target.shape, a.input.shape)) throw new RangeError(`Target size (${sizeOf(a.target)}) must be the same as input size (${sizeOf(a.input)})`);
  return bceWithLogitsOp(a.input, a.target, a.weight, a.posWeight, e);
});
const bceWithLogitsOp = torchOp('binary_cross_entropy_with_logits');
type SmoothL1B = LegacyOpts & { input: Tensor; target: Tensor; beta: number };
export const smoothL1Loss = def<SmoothL1B, TT, [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction, beta: number]>(
  'smooth_l1_loss', `input, target, ${LEGACY}, reduction='mean', beta=1.0`, (a) => {
    warnTargetSize(a.input, a.target);
    const reduction = reductionOf(a);
    const [i, t] = broadcastTensors(a.input, a.target);
    return num(a.beta) === 0.0 ? NN.l1Loss(i, t, getEnum(reduction)) : NN.smoothL1Loss(i, t, getEnum(reduction), a.beta);
  },
);
type HuberB = { input: Tensor; target: Tensor; reduction: Reduction; delta: number; weight: Tensor | null };
export const huberLoss = def<HuberB, TT, [reduction: Reduction, delta: number, weight: Tensor | null]>(
  'huber_loss', `input, target, reduction='mean', delta=1.0, weight=None`, (a) => {
    warnTargetSize(a.input, a.target);
    const [i, t] = broadcastTensors(a.input, a.target);
    if (a.weight === null) return NN.huberLoss(i, t, getEnum(a.reduction), a.delta);
    if (!shapeEq(a.weight.shape, a.input.shape)) throw new RangeError('Weights and input must have the same size.');
    return weightedReduce(NN.huberLoss(i, t, getEnum('none'), a.delta), a.weight, a.reduction, false);
  },
);
type WeightedLossB = LegacyOpts & { input: Tensor; target: Tensor; weight: Tensor | null };
type WeightedLossFn = (...args: Args<TT, [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction, weight: Tensor | null], Opts<WeightedLossB>>) => Tensor;
export const l1Loss: WeightedLossFn = defAs<WeightedLossB>('l1_loss', `input, target, ${LEGACY}, reduction='mean', weight=None`, (a) => {
  warnTargetSize(a.input, a.target);
  const reduction = reductionOf(a);
  const [i, t] = broadcastTensors(a.input, a.target);
  if (a.weight === null) return NN.l1Loss(i, t, getEnum(reduction));
  if (!shapeEq(a.weight.shape, a.input.shape)) throw new RangeError('Weights and input must have the same size.');
  return weightedReduce(i.sub(t).abs(), a.weight, reduction, true);
});
export const mseLoss: WeightedLossFn = defAs<WeightedLossB>('mse_loss', `input, target, ${LEGACY}, reduction='mean', weight=None`, (a) => {
  warnTargetSize(a.input, a.target);
  const reduction = reductionOf(a);
  const [i, t] = broadcastTensors(a.input, a.target);
  if (a.weight === null) return NN.mseLoss(i, t, getEnum(reduction));
  if (!shapeEq(a.weight.shape, a.input.shape)) throw new RangeError('Weights and input must have the same size.');
  return weightedReduce(i.sub(t).pow(2), a.weight, reduction, true);
});
type PairLossB = LegacyOpts & { input1: Tensor; input2: Tensor; target: Tensor; margin: number };
type PairLossFn = (...args: Args<[input1: Tensor, input2: Tensor, target: Tensor], [margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction], Opts<PairLossB>>) => Tensor;
export const marginRankingLoss: PairLossFn = defAs<PairLossB>(
  'margin_ranking_loss', `input1, input2, target, margin=0, ${LEGACY}, reduction='mean'`, (a) => {
    const e = reductionEnum(a);
    if (a.input1.dim() !== a.input2.dim() || a.input1.dim() !== a.target.dim()) {
      throw new Error(
        `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${sizeOf(a.input1)}, input2: ${sizeOf(a.input2)}, target: ${sizeOf(a.target)} `,
      );
    }
    return T.marginRankingLoss(a.input1, a.input2, a.target, a.margin, e);
  },
);
export const cosineEmbeddingLoss: PairLossFn = defAs<PairLossB>(
  'cosine_embedding_loss', `input1, input2, target, margin=0, ${LEGACY}, reduction='mean'`,
  (a) => T.cosineEmbeddingLoss(a.input1, a.input2, a.target, a.margin, reductionEnum(a)),
);
type HingeB = LegacyOpts & { input: Tensor; target: Tensor; margin: number };
export const hingeEmbeddingLoss = def<HingeB, TT, [margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction]>(
  'hinge_embedding_loss', `input, target, margin=1.0, ${LEGACY}, reduction='mean'`,
  (a) => T.hingeEmbeddingLoss(a.input, a.target, a.margin, reductionEnum(a)),
);
type PlainLossB = LegacyOpts & { input: Tensor; target: Tensor };
type PlainLossFn = (...args: Args<TT, [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction], Opts<PlainLossB>>) => Tensor;
export const multilabelMarginLoss: PlainLossFn = defAs<PlainLossB>(
  'multilabel_margin_loss', `input, target, ${LEGACY}, reduction='mean'`, (a) => NN.multilabelMarginLoss(a.input, a.target, reductionEnum(a)),
);
export const softMarginLoss: PlainLossFn = defAs<PlainLossB>(
  'soft_margin_loss', `input, target, ${LEGACY}, reduction='mean'`, (a) => NN.softMarginLoss(a.input, a.target, reductionEnum(a)),
);
type MlsmB = LegacyOpts & { input: Tensor; target: Tensor; weight: Tensor | null };
export const multilabelSoftMarginLoss = def<MlsmB, TT, [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction]>(
  'multilabel_soft_margin_loss', `input, target, weight=None, ${LEGACY}, reduction='mean'`, (a) => {
    const reduction = reductionOf(a);
    const { input, target } = a;
    let loss = target.mul(NN.logSigmoid(input)).add(T.rsub(target, 1).mul(NN.logSigmoid(input.neg()))).neg();
    if (a.weight !== null) loss = loss.mul(a.weight);
    const classDim = input.dim() - 1;
    const C = input.size(classDim);
    loss = loss.sum(classDim).div(C);
    if (reduction === 'none') return loss;
    if (reduction === 'mean') return loss.mean();
    if (reduction === 'sum') return loss.sum();
    throw new RangeError(`${reduction} is not valid`);
  },
);
type MultiMarginB = LegacyOpts & { input: Tensor; target: Tensor; p: number; margin: number; weight: Tensor | null };
export const multiMarginLoss = def<
  MultiMarginB, TT, [p: number, margin: number, weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction]
>('multi_margin_loss', `input, target, p=1, margin=1.0, weight=None, ${LEGACY}, reduction='mean'`, (a) => {
  const e = reductionEnum(a);
  if (num(a.p) !== 1 && num(a.p) !== 2) throw new RangeError('only p == 1 and p == 2 supported');
  if (a.weight !== null && a.weight.dim() !== 1) throw new RangeError('weight must be one-dimensional');
  return NN.multiMarginLoss(a.input, a.target, a.p, a.margin, a.weight, e);
});
type TripletB = LegacyOpts & { anchor: Tensor; positive: Tensor; negative: Tensor; margin: number; p: number; eps: number; swap: boolean };
export const tripletMarginLoss = def<
  TripletB, [anchor: Tensor, positive: Tensor, negative: Tensor],
  [margin: number, p: number, eps: number, swap: boolean, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction]
>('triplet_margin_loss', `anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, ${LEGACY}, reduction='mean'`, (a) => {
  const e = reductionEnum(a);
  if (num(a.margin) <= 0) throw new RangeError(`margin must be greater than 0, got ${pyStrOf(a.margin)}`);
  return T.tripletMarginLoss(a.anchor, a.positive, a.negative, a.margin, a.p, a.eps, a.swap, e);
});
type TripletDistB = {
  anchor: Tensor; positive: Tensor; negative: Tensor; distanceFunction: ((x1: Tensor, x2: Tensor) => Tensor) | null;
  margin: number; swap: boolean; reduction: Reduction;
};
export const tripletMarginWithDistanceLoss = def<TripletDistB, [anchor: Tensor, positive: Tensor, negative: Tensor]>(
  'triplet_margin_with_distance_loss', `anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False, reduction='mean'`, (a) => {
    if (a.reduction !== 'mean' && a.reduction !== 'sum' && a.reduction !== 'none') throw new RangeError(`${String(a.reduction)} is not a valid value for reduction`);
    if (num(a.margin) <= 0) throw new RangeError(`margin must be greater than 0, got ${pyStrOf(a.margin)}`);
    const [ad, pd, nd] = [a.anchor.ndim, a.positive.ndim, a.negative.ndim];
    if (!(ad === pd && pd === nd)) {
      throw new Error(
        `The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${ad}D, positive ${pd}D, and negative ${nd}D inputs`,
      );
    }
    const dist = a.distanceFunction ?? ((x1: Tensor, x2: Tensor) => T.pairwiseDistance(x1, x2));
    const distPos = dist(a.anchor, a.positive);
    let distNeg = dist(a.anchor, a.negative);
    if (a.swap) distNeg = distNeg.minimum(dist(a.positive, a.negative));
    const loss = distPos.add(a.margin).sub(distNeg).clampMin(0);
    if (a.reduction === 'sum') return loss.sum();
    if (a.reduction === 'mean') return loss.mean();
    return loss;
  },
);
type CtcB = { logProbs: Tensor; targets: Tensor; inputLengths: Tensor | readonly number[]; targetLengths: Tensor | readonly number[]; blank: number; reduction: Reduction; zeroInfinity: boolean };
export const ctcLoss = def<
  CtcB, [logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[]],
  [blank: number, reduction: Reduction, zeroInfinity: boolean]
>('ctc_loss', `log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False`,
  (a) => T.ctcLoss(a.logProbs, a.targets, a.inputLengths, a.targetLengths, a.blank, getEnum(a.reduction), a.zeroInfinity));
type LinearCeB = {
  input: Tensor; linearWeight: Tensor; target: Tensor; linearBias: Tensor | null; weight: Tensor | null; reduction: Reduction;
  ignoreIndex: number | null; labelSmoothing: number; options: unknown;
};
/** F.linear_cross_entropy: cross_entropy(linear(input, linearWeight, linearBias), target), without the chunked (options) path. */
export const linearCrossEntropy = def<LinearCeB, [input: Tensor, linearWeight: Tensor, target: Tensor]>(
  'linear_cross_entropy',
  `input, linear_weight, target, *, linear_bias=None, weight=None, reduction='mean', ignore_index=None, label_smoothing=0.0, options=None`,
  (a) => {
    const { input, target } = a;
    let { linearWeight, linearBias } = a;
    if (input.dim() < 1 || input.dim() > 2) throw new Error(`expected input with dimensionality 1 or 2, got ${input.dim()}`);
    if (linearWeight.dim() < 2) throw new Error(`expected linear_weight with dimensionality at least 2, got ${linearWeight.dim()}`);
    const numBatches = input.shape.slice(0, -1);
    const inFeatures = input.size(-1);
    if (inFeatures !== linearWeight.size(-1)) {
      throw new Error(`expected equal input and linear_weight last dimensions (in_features), got ${inFeatures} and ${linearWeight.size(-1)}, respectively`);
    }
    const numClasses = linearWeight.size(0);
    const outFeatures = linearWeight.shape.slice(1, -1);
    if (linearBias !== null && !shapeEq(linearBias.shape, [numClasses, ...outFeatures])) {
      throw new Error(`expected linear_bias shape ${pyTuple([numClasses, ...outFeatures])}, got ${pyTuple(linearBias.shape)}`);
    }
    if (outFeatures.length > 0 && numBatches.length === 0) {
      throw new Error(
        `K-dimensional loss defined by linear_weight shape ${pyTuple(linearWeight.shape)} requires batched input, (N, ${inFeatures}), got unbatched input with shape ${pyTuple(input.shape)}`,
      );
    }
    const logitsShape = [...numBatches, numClasses, ...outFeatures];
    if (shapeEq(target.shape, logitsShape) && a.ignoreIndex !== null) throw new Error('ignore_index cannot be specified when target contains probabilities');
    if (a.options !== null) throw new Error("torchnode: linear_cross_entropy's chunked path (options=LinearCrossEntropyOptions) is not available");
    if (outFeatures.length > 0) {
      const rows = outFeatures.reduce((x, y) => x * y, numClasses);
      linearWeight = linearWeight.reshape(rows, inFeatures);
      if (linearBias !== null) linearBias = linearBias.reshape(rows);
    }
    const logits = linear(input, linearWeight, linearBias).reshape(logitsShape);
    return crossEntropy(logits, target, { weight: a.weight, reduction: a.reduction, ignoreIndex: a.ignoreIndex ?? -100, labelSmoothing: a.labelSmoothing });
  },
);

// ---- vision ----------------------------------------------------------------------------------------

type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
type PadB = { input: Tensor; pad: readonly number[]; mode: PadMode; value: number | null };
/**
 * F.pad: `pad` gives (left, right) amounts from the last dimension backwards; mode 'constant'
 * (fill with `value`, default 0), 'reflect', 'replicate' or 'circular'.
 */
export const pad = def<PadB, [input: Tensor, pad: readonly number[]], [mode: PadMode, value: number | null]>(
  'pad', "input, pad, mode='constant', value=None", (a) => NN.pad(a.input, a.pad, a.mode, a.value),
);

type InterpMode = 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area' | 'nearest-exact' | 'lanczos';
type InterpolateB = {
  input: Tensor; size: number | readonly number[] | null; scaleFactor: number | readonly number[] | null; mode: InterpMode;
  alignCorners: boolean | null; recomputeScaleFactor: boolean | null; antialias: boolean;
};
const isInteger = (x: unknown): boolean => isPyInt(x) || (x instanceof Tensor && !x.isFloatingPoint());
const pyClass = (x: unknown): string => `<class '${x instanceof Tensor ? 'torch.Tensor' : isPyInt(x) ? 'int' : typeof x === 'number' ? 'float' : typeof x}'>`;
const upsampleRaw = {
  nearestExact1d: raw('aten::_upsample_nearest_exact1d.vec'),
  nearestExact2d: raw('aten::_upsample_nearest_exact2d.vec'),
  nearestExact3d: raw('aten::_upsample_nearest_exact3d.vec'),
  bilinear2dAa: raw('aten::_upsample_bilinear2d_aa.vec'),
  bicubic2dAa: raw('aten::_upsample_bicubic2d_aa.vec'),
  lanczos2dAa: raw('aten::_upsample_lanczos2d_aa.vec'),
};
function interpolateImpl(a: InterpolateB): Tensor {
  const { input, size, scaleFactor, mode, antialias } = a;
  let alignCorners = a.alignCorners;
  let recompute = a.recomputeScaleFactor;
  if (mode === 'nearest' || mode === 'area' || mode === 'nearest-exact') {
    if (alignCorners !== null) throw new RangeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  } else if (alignCorners === null) alignCorners = false;
  const dim = input.dim() - 2;
  const spatial = `[${input.shape.slice(2).join(', ')}]`;
  let outputSize: readonly number[] | null = null;
  let scaleFactors: readonly number[] | null = null;
  if (size !== null && scaleFactor !== null) throw new RangeError('only one of size or scale_factor should be defined');
  else if (size !== null) {
    if (Array.isArray(size)) {
      if (size.length !== dim) {
        throw new Error(
          `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial} and output size of ${pyStrOf(size)}. ` +
            'Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.',
        );
      }
      if (!size.every(isInteger)) {
        throw new TypeError(
          `expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size with types [${size.map(pyClass).join(', ')}]`,
        );
      }
      outputSize = size;
    } else outputSize = Array<number>(dim).fill(size as number);
  } else if (scaleFactor !== null) {
    if (Array.isArray(scaleFactor)) {
      if (scaleFactor.length !== dim) {
        throw new Error(
          `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial} and scale_factor of shape ${pyStrOf(scaleFactor)}. ` +
            'Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.',
        );
      }
      scaleFactors = scaleFactor;
    } else scaleFactors = Array<number>(dim).fill(scaleFactor as number);
  } else throw new RangeError('either size or scale_factor should be defined');
  if (recompute && size !== null) throw new RangeError('recompute_scale_factor is not meaningful with an explicit size.');
  if (mode === 'area' && outputSize === null) recompute = true;
  if (recompute) {
    outputSize = scaleFactors!.map((s, i) => Math.trunc(input.size(i + 2) * num(s)));
    scaleFactors = null;
  }
  if (antialias && !((mode === 'bilinear' || mode === 'bicubic' || mode === 'lanczos') && input.ndim === 4)) {
    throw new RangeError('Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input');
  }
  const nd = input.dim();
  const os = outputSize;
  const sf = scaleFactors;
  if (mode === 'nearest' && nd >= 3 && nd <= 5) return [NN.upsampleNearest1d, NN.upsampleNearest2d, NN.upsampleNearest3d][nd - 3]!(input, os, sf);
  if (mode === 'nearest-exact' && nd >= 3 && nd <= 5) {
    return [upsampleRaw.nearestExact1d, upsampleRaw.nearestExact2d, upsampleRaw.nearestExact3d][nd - 3]!(input, os, sf);
  }
  if (mode === 'area' && nd >= 3 && nd <= 5) {
    return nd === 3 ? (adaptiveAvgPool1d as unknown as AnyFn)(input, os) : nd === 4 ? adaptiveAvgPool2d(input, os!) : adaptiveAvgPool3d(input, os!);
  }
  if (nd === 3 && mode === 'linear') return NN.upsampleLinear1d(input, os, alignCorners, sf);
  if (nd === 4 && mode === 'bilinear') {
    return antialias ? upsampleRaw.bilinear2dAa(input, os, alignCorners, sf) : NN.upsampleBilinear2d(input, os, alignCorners, sf);
  }
  if (nd === 5 && mode === 'trilinear') return NN.upsampleTrilinear3d(input, os, alignCorners, sf);
  if (nd === 4 && mode === 'bicubic') {
    return antialias ? upsampleRaw.bicubic2dAa(input, os, alignCorners, sf) : NN.upsampleBicubic2d(input, os, alignCorners, sf);
  }
  if (nd === 4 && mode === 'lanczos') {
    if (alignCorners) throw new RangeError('Lanczos mode does not support align_corners=True');
    if (!antialias) throw new RangeError('Lanczos mode requires antialias=True');
    return upsampleRaw.lanczos2dAa(input, os, alignCorners, sf);
  }
  const needs: Record<string, number> = { linear: 3, bilinear: 4, trilinear: 5 };
  if (mode in needs && nd >= 3 && nd <= 5) throw new Error(`Got ${nd}D input, but ${mode} mode needs ${needs[mode]}D input`);
  throw new Error(
    `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got ${mode})`,
  );
}
type SizeArg = number | readonly number[] | null;
type ScaleArg = number | readonly number[] | null;
/** Resizes (N, C, ...) input by `size` or `scaleFactor` in any of PyTorch's modes. */
export const interpolate = def<
  InterpolateB, [input: Tensor], [size: SizeArg, scaleFactor: ScaleArg, mode: InterpMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null, antialias: boolean]
>('interpolate', "input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False", interpolateImpl);
type UpsampleB = { input: Tensor; size: SizeArg; scaleFactor: ScaleArg; mode: InterpMode; alignCorners: boolean | null };
export const upsample = def<UpsampleB, [input: Tensor], [size: SizeArg, scaleFactor: ScaleArg, mode: InterpMode, alignCorners: boolean | null]>(
  'upsample', "input, size=None, scale_factor=None, mode='nearest', align_corners=None", (a) => {
    warn('`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.');
    return interpolate(a.input, a.size, a.scaleFactor, a.mode, a.alignCorners);
  },
);
type UpsampleShortB = { input: Tensor; size: SizeArg; scaleFactor: ScaleArg };
export const upsampleNearest = def<UpsampleShortB, [input: Tensor], [size: SizeArg, scaleFactor: ScaleArg]>(
  'upsample_nearest', 'input, size=None, scale_factor=None', (a) => {
    warn('`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.');
    return interpolate(a.input, a.size, a.scaleFactor, { mode: 'nearest' });
  },
);
export const upsampleBilinear = def<UpsampleShortB, [input: Tensor], [size: SizeArg, scaleFactor: ScaleArg]>(
  'upsample_bilinear', 'input, size=None, scale_factor=None', (a) => {
    warn('`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.');
    return interpolate(a.input, a.size, a.scaleFactor, { mode: 'bilinear', alignCorners: true });
  },
);

const ALIGN_CORNERS_WARNING =
  'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. ' +
  'See the documentation of grid_sample for details.';
type GridSampleB = { input: Tensor; grid: Tensor; mode: 'bilinear' | 'nearest' | 'bicubic'; paddingMode: 'zeros' | 'border' | 'reflection'; alignCorners: boolean | null };
export const gridSample = def<
  GridSampleB, [input: Tensor, grid: Tensor], [mode: GridSampleB['mode'], paddingMode: GridSampleB['paddingMode'], alignCorners: boolean | null]
>('grid_sample', "input, grid, mode='bilinear', padding_mode='zeros', align_corners=None", (a) => {
  const modes: Record<string, number> = { bilinear: 0, nearest: 1, bicubic: 2 };
  const paddings: Record<string, number> = { zeros: 0, border: 1, reflection: 2 };
  if (!(a.mode in modes)) throw new RangeError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${a.mode}'`);
  if (!(a.paddingMode in paddings)) {
    throw new RangeError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${a.paddingMode}'`);
  }
  let alignCorners = a.alignCorners;
  if (alignCorners === null) {
    warn(ALIGN_CORNERS_WARNING);
    alignCorners = false;
  }
  return T.gridSampler(a.input, a.grid, modes[a.mode], paddings[a.paddingMode], alignCorners);
});
type AffineGridB = { theta: Tensor; size: readonly number[]; alignCorners: boolean | null };
export const affineGrid = def<AffineGridB, [theta: Tensor, size: readonly number[]], [alignCorners: boolean | null]>(
  'affine_grid', 'theta, size, align_corners=None', (a) => {
    const { theta, size } = a;
    let alignCorners = a.alignCorners;
    if (alignCorners === null) {
      warn(ALIGN_CORNERS_WARNING);
      alignCorners = false;
    }
    if (!theta.isFloatingPoint()) throw new RangeError(`Expected theta to have floating point type, but got ${String(theta.dtype)}`);
    const shown = pyStrOf(size);
    let spatial: readonly number[];
    if (size.length === 4) {
      if (theta.dim() !== 3 || theta.size(-2) !== 2 || theta.size(-1) !== 3) {
        throw new RangeError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size ${shown}. Got ${sizeOf(theta)}.`);
      }
      spatial = size.slice(-2);
    } else if (size.length === 5) {
      if (theta.dim() !== 3 || theta.size(-2) !== 3 || theta.size(-1) !== 4) {
        throw new RangeError(`Expected a batch of 3D affine matrices of shape Nx3x4 for size ${shown}. Got ${sizeOf(theta)}.`);
      }
      spatial = size.slice(-3);
    } else {
      throw new Error(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${shown}.`);
    }
    if (alignCorners && Math.min(...spatial) === 1) {
      warn(
        'Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. ' +
          'See the documentation of affine_grid for details.',
      );
    } else if (Math.min(...size) <= 0) throw new RangeError(`Expected non-zero, positive output size. Got ${shown}`);
    return T.affineGridGenerator(theta, size, alignCorners);
  },
);
type UnfoldB = { input: Tensor; kernelSize: IntOrPair; dilation: IntOrPair; padding: IntOrPair; stride: IntOrPair };
/** Extracts sliding local blocks (im2col): (N, C, H, W) -> (N, C·∏kernel, L). */
export const unfold = def<UnfoldB, [input: Tensor, kernelSize: IntOrPair], [dilation: IntOrPair, padding: IntOrPair, stride: IntOrPair]>(
  'unfold', 'input, kernel_size, dilation=1, padding=0, stride=1',
  (a) => NN.im2col(a.input, _pair(a.kernelSize), _pair(a.dilation), _pair(a.padding), _pair(a.stride)),
);
type FoldB = UnfoldB & { outputSize: IntOrPair };
/** Combines sliding local blocks into a tensor (col2im), the inverse layout of unfold. */
export const fold = def<FoldB, [input: Tensor, outputSize: IntOrPair, kernelSize: IntOrPair], [dilation: IntOrPair, padding: IntOrPair, stride: IntOrPair]>(
  'fold', 'input, output_size, kernel_size, dilation=1, padding=0, stride=1',
  (a) => NN.col2im(a.input, _pair(a.outputSize), _pair(a.kernelSize), _pair(a.dilation), _pair(a.padding), _pair(a.stride)),
);

// ---- distance -------------------------------------------------------------------------------------

type NormalizeB = { input: Tensor; p: number; dim: number; eps: number; out: Tensor | null };
// Called without wrapping its result: it is `out`'s own handle, which a second Tensor must not own.
const divOut = (input: Tensor, other: Tensor, out: Tensor): void => void native.callOp(op('aten::div.out'), input._h, other._h, out._h);
/** Divides by the p-norm over `dim` (at least eps). */
export const normalize = def<NormalizeB, [input: Tensor], [p: number, dim: number, eps: number, out: Tensor | null]>(
  'normalize', 'input, p=2.0, dim=1, eps=1e-12, out=None', (a) => {
    const norm = vectorNorm(a.input, a.p, [a.dim], true);
    if (a.out === null) return a.input.div(norm.clampMin(a.eps).expandAs(a.input));
    divOut(a.input, norm.clampMin_(a.eps).expandAs(a.input), a.out);
    return a.out;
  },
);

// ---- grouped matmul -------------------------------------------------------------------------------

type GroupedMmB = { matA: Tensor; matB: Tensor; offs: Tensor | null; bias: Tensor | null; outDtype: DType | null };
const groupedMmOp = raw('aten::_grouped_mm');
export const groupedMm = def<GroupedMmB, [matA: Tensor, matB: Tensor]>(
  'grouped_mm', 'mat_a, mat_b, *, offs=None, bias=None, out_dtype=None',
  (a) => groupedMmOp(a.matA, a.matB, a.offs, a.bias, a.outDtype === null ? null : a.outDtype.code),
);

// ---- attention (F.multi_head_attention_forward) ------------------------------------------------------
// multi_head_attention_forward is PyTorch's Python (torch/nn/functional.py) step by step, so its
// arithmetic, RNG use (attention dropout) and gradients are PyTorch's.

const attnOps = {
  baddbmm: op('aten::baddbmm'),
  repeat: op('aten::repeat'),
  unflatten: op('aten::unflatten.int'),
  zerosLike: op('aten::zeros_like'),
  zeros: op('aten::zeros'),
  cat: op('aten::cat'),
  constantPad: op('aten::constant_pad_nd'),
};
type DTypeOf = Tensor['dtype'];
const padLast = (t: Tensor): Tensor => wrap(native.callOp(attnOps.constantPad, t._h, [0, 1], 0));

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

type MhaB = {
  query: Tensor; key: Tensor; value: Tensor; embedDimToCheck: number; numHeads: number; inProjWeight: Tensor | null; inProjBias: Tensor | null;
  biasK: Tensor | null; biasV: Tensor | null; addZeroAttn: boolean; dropoutP: number; outProjWeight: Tensor; outProjBias: Tensor | null;
} & Required<{ [K in keyof MultiHeadAttentionForwardOptions]-?: Exclude<MultiHeadAttentionForwardOptions[K], undefined> }>;
const bindMha = pySignature<MhaB>(
  'multi_head_attention_forward',
  'query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, ' +
    'training=True, key_padding_mask=None, need_weights=True, attn_mask=None, use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None, ' +
    'v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True, is_causal=False',
);
/** F.multi_head_attention_forward: returns [attn_output, attn_output_weights or null]. Inputs are (L, N, E) or unbatched (L, E). */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  ...rest: [training?: boolean, ...more: unknown[]] | [options: MultiHeadAttentionForwardOptions]
): [Tensor, Tensor | null] {
  const a = bindMha([query, key, value, embedDimToCheck, numHeads, inProjWeight, inProjBias, biasK, biasV, addZeroAttn, dropoutP, outProjWeight, outProjBias, ...rest]);
  ({ query, key, value, embedDimToCheck, numHeads, inProjWeight, inProjBias, biasK, biasV, addZeroAttn, dropoutP, outProjWeight, outProjBias } = a);
  const o = a;
  const training = a.training;
  const needWeights = a.needWeights;
  const averageAttnWeights = a.averageAttnWeights;
  let isCausal = a.isCausal;
  let keyPaddingMask = a.keyPaddingMask;
  let attnMask = a.attnMask;
  const staticK = a.staticK;
  const staticV = a.staticV;
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
