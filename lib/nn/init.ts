// torch.nn.init (torch/nn/init.py): fills a tensor in place, without recording gradients, with
// the same ATen calls in the same order as PyTorch, so that after the same torch.manualSeed the
// values are PyTorch's. Python's positional-or-keyword arguments are positional here too, and any
// trailing run of them may be given instead in an options object with camelCase keys:
//   init.kaimingNormal_(w, 0, 'fan_out', 'relu')  ===  init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })
import { noGrad } from '../autograd';
import { tidy } from '../memory';
import { native, type Handle } from '../native';
import { op } from '../ops';
import { randperm } from '../generated/torch';
import { Tensor, wrap, wrapAll } from '../tensor';
import { pyStr } from './repr';
import { pySignature, type Binder } from '../python_signature';
import { type Args } from './modules_utils';

const ops = {
  uniform_: op('aten::uniform_'),
  normal_: op('aten::normal_'),
  fill_: op('aten::fill_.Scalar'),
  zero_: op('aten::zero_'),
  eyeOut: op('aten::eye.m_out'),
  copy_: op('aten::copy_'),
  emptyLike: op('aten::empty_like'),
  newEmpty: op('aten::new_empty'),
  scalarTensor: op('aten::scalar_tensor'),
  erf: op('aten::erf'),
  lt: op('aten::lt.Scalar'),
  gt: op('aten::gt.Scalar'),
  gtTensor: op('aten::gt.Tensor'),
  bitwiseOr: op('aten::bitwise_or.Tensor'),
  any: op('aten::any'),
  where: op('aten::where.self'),
  sub_: op('aten::sub_.Scalar'),
  div_: op('aten::div_.Scalar'),
  pow_: op('aten::pow_.Scalar'),
  mul_: op('aten::mul_.Scalar'),
  mulTensor_: op('aten::mul_.Tensor'),
  log_: op('aten::log_'),
  t_: op('aten::t_'),
  linalgQr: op('aten::linalg_qr'),
  diag: op('aten::diag'),
  sign: op('aten::sign'),
  viewAs: op('aten::view_as'),
  select: op('aten::select.int'),
  slice: op('aten::slice.Tensor'),
  indexFill_: op('aten::index_fill_.int_Scalar'),
  item: op('aten::item'),
};

/** The nonlinearities calculateGain knows (`nn.functional` names, as in PyTorch). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/**
 * A torch.Generator to sample from (PyTorch's `generator=`). null or absent: the default
 * generator, which torch.manualSeed seeds.
 */
export type GeneratorArg = unknown;

// ---- arguments: positional as in Python, then an optional trailing options object ----------

const PY_NAMES: Record<string, string> = {
  calculateGain: 'calculate_gain', uniform_: 'uniform_', normal_: 'normal_', truncNormal_: 'trunc_normal_',
  constant_: 'constant_', dirac_: 'dirac_', xavierUniform_: 'xavier_uniform_', xavierNormal_: 'xavier_normal_',
  kaimingUniform_: 'kaiming_uniform_', kaimingNormal_: 'kaiming_normal_', orthogonal_: 'orthogonal_', sparse_: 'sparse_',
};

// torch/nn/init.py's signatures (`generator` keyword-only here).
const kaiming = "tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', *, generator=None";
const SIGNATURES: Record<string, Binder<Record<string, unknown>>> = {
  uniform_: pySignature('uniform_', 'tensor, a=0.0, b=1.0, *, generator=None'),
  normal_: pySignature('normal_', 'tensor, mean=0.0, std=1.0, *, generator=None'),
  truncNormal_: pySignature('trunc_normal_', 'tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, *, generator=None'),
  dirac_: pySignature('dirac_', 'tensor, groups=1'),
  xavierUniform_: pySignature('xavier_uniform_', 'tensor, gain=1.0, *, generator=None'),
  xavierNormal_: pySignature('xavier_normal_', 'tensor, gain=1.0, *, generator=None'),
  kaimingUniform_: pySignature('kaiming_uniform_', kaiming),
  kaimingNormal_: pySignature('kaiming_normal_', kaiming),
  orthogonal_: pySignature('orthogonal_', 'tensor, gain=1, *, generator=None'),
  sparse_: pySignature('sparse_', 'tensor, sparsity, std=0.01, *, generator=None'),
};

/** Python's binding of an initializer's arguments, the tensor first (lib/python_signature.ts). */
function bind(fn: string, tensor: Tensor, args: readonly unknown[]): Record<string, unknown> {
  return SIGNATURES[fn]!([tensor, ...args]);
}

function requireTensor(fn: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${PY_NAMES[fn] ?? fn}(): argument 'tensor' must be Tensor, not ${t === null ? 'NoneType' : typeof t}`);
}

// The generator as the dispatcher takes it: null (schema default) or the generator's handle.
function gen(g: unknown): unknown {
  if (g === undefined || g === null) return null;
  return (g as { _h?: unknown })._h ?? g;
}

/** Python's warnings.warn, as a Node process warning. */
function warn(message: string, category = 'UserWarning'): void {
  process.emitWarning(message, category);
}

// Runs an initializer's tensor work: no autograd recording, temporaries freed on the way out.
function run<T>(fn: () => T): T {
  return tidy(() => noGrad(fn));
}

function hasZeroDim(t: Tensor): boolean {
  return native.shape(t._h).includes(0);
}

// ---- calculate_gain -------------------------------------------------------------------------

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear,
 * convolutions and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu
 * (slope `param`, default 0.01) and 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param: number | null = null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let negativeSlope: number;
    if (param === null || param === undefined) negativeSlope = 0.01;
    else if (typeof param === 'number') negativeSlope = param;
    else throw new Error(`negative_slope ${pyStr(param)} not a valid number`);
    // Python's `slope ** 2` is C pow(slope, 2): the correctly rounded square, as slope * slope is.
    return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new Error(`Unsupported nonlinearity ${pyStr(nonlinearity)}`);
}

// ---- plain fills ----------------------------------------------------------------------------

export interface GeneratorOptions {
  generator?: GeneratorArg;
}
export interface UniformOptions extends GeneratorOptions {
  a?: number;
  b?: number;
}
/** Fills with values drawn from U(a, b) (torch.nn.init.uniform_). */
export function uniform_(tensor: Tensor, ...args: Args<[], [a: number, b: number], UniformOptions>): Tensor {
  requireTensor('uniform_', tensor);
  const o = bind('uniform_', tensor, args);
  return run(() => {
    native.callOp(ops.uniform_, tensor._h, o.a ?? 0.0, o.b ?? 1.0, gen(o.generator));
    return tensor;
  });
}

export interface NormalOptions extends GeneratorOptions {
  mean?: number;
  std?: number;
}
/** Fills with values drawn from N(mean, std²) (torch.nn.init.normal_). */
export function normal_(tensor: Tensor, ...args: Args<[], [mean: number, std: number], NormalOptions>): Tensor {
  requireTensor('normal_', tensor);
  const o = bind('normal_', tensor, args);
  return run(() => {
    native.callOp(ops.normal_, tensor._h, o.mean ?? 0.0, o.std ?? 1.0, gen(o.generator));
    return tensor;
  });
}

export interface TruncNormalOptions extends GeneratorOptions {
  mean?: number;
  std?: number;
  a?: number;
  b?: number;
}

// Python's math.erf, evaluated by ATen in double precision.
function erf(x: number): number {
  const t = wrap(native.callOp(ops.scalarTensor, x, 7 /* float64 */));
  return native.callOp(ops.item, wrap(native.callOp(ops.erf, t._h))._h) as number;
}
const normCdf = (x: number): number => (1.0 + erf(x / Math.sqrt(2.0))) / 2.0;

/**
 * Fills with values from N(mean, std²) truncated to [a, b] (torch.nn.init.trunc_normal_): when
 * [a, b] holds more than 30% of the mass, normal draws with out-of-range values redrawn;
 * otherwise uniform proposals on [a, b] accepted against the normal density.
 */
export function truncNormal_(tensor: Tensor, ...args: Args<[], [mean: number, std: number, a: number, b: number], TruncNormalOptions>): Tensor {
  requireTensor('truncNormal_', tensor);
  const o = bind('truncNormal_', tensor, args);
  const mean = (o.mean ?? 0.0) as number;
  const std = (o.std ?? 1.0) as number;
  const a = (o.a ?? -2.0) as number;
  const b = (o.b ?? 2.0) as number;
  const g = gen(o.generator);
  if (tensor.device.type === 'meta') return tensor;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  if (std === 0) throw new Error('float division by zero');
  return run(() => {
    const p = normCdf((b - mean) / std) - normCdf((a - mean) / std);
    const item = (t: Handle): number | boolean => native.callOp(ops.item, wrap(t)._h) as number | boolean;
    const any = (t: Tensor): boolean => item(native.callOp(ops.any, t._h) as Handle) as boolean;
    if (p > 0.3) {
      // The bounds as the tensor's dtype holds them, so the rejection mask matches its values.
      const dtype = native.dtype(tensor._h);
      const lo = item(native.callOp(ops.scalarTensor, a, dtype) as Handle);
      const hi = item(native.callOp(ops.scalarTensor, b, dtype) as Handle);
      native.callOp(ops.normal_, tensor._h, mean, std, g);
      let result = tensor;
      for (;;) {
        const below = wrap(native.callOp(ops.lt, result._h, lo));
        const above = wrap(native.callOp(ops.gt, result._h, hi));
        const mask = wrap(native.callOp(ops.bitwiseOr, below._h, above._h));
        if (!any(mask)) break;
        const fresh = wrap(native.callOp(ops.emptyLike, result._h));
        native.callOp(ops.normal_, fresh._h, mean, std, g);
        result = wrap(native.callOp(ops.where, mask._h, fresh._h, result._h));
      }
      if (result !== tensor) native.callOp(ops.copy_, tensor._h, result._h);
    } else {
      const mode = Math.max(a, Math.min(mean, b));
      const z = (mode - mean) / std;
      const logPeak = -0.5 * (z * z); // Python's z ** 2: C pow(z, 2), the correctly rounded square
      const candidates = wrap(native.callOp(ops.emptyLike, tensor._h));
      const acceptBuf = wrap(native.callOp(ops.emptyLike, tensor._h));
      // log_pdf relative to the peak: -0.5 * ((x - mean) / std) ** 2 - log_peak, in place.
      const logPdf_ = (t: Tensor): void => {
        native.callOp(ops.sub_, t._h, mean);
        native.callOp(ops.div_, t._h, std);
        native.callOp(ops.pow_, t._h, 2);
        native.callOp(ops.mul_, t._h, -0.5);
        native.callOp(ops.sub_, t._h, logPeak);
      };
      const rejected = (): Tensor => {
        native.callOp(ops.uniform_, acceptBuf._h, 0.0, 1.0, g);
        native.callOp(ops.log_, acceptBuf._h);
        return wrap(native.callOp(ops.gtTensor, acceptBuf._h, candidates._h));
      };
      native.callOp(ops.uniform_, tensor._h, a, b, g);
      native.callOp(ops.copy_, candidates._h, tensor._h);
      logPdf_(candidates);
      let pending = rejected();
      if (any(pending)) {
        let result = tensor;
        for (;;) {
          native.callOp(ops.uniform_, candidates._h, a, b, g);
          result = wrap(native.callOp(ops.where, pending._h, candidates._h, result._h));
          logPdf_(candidates);
          pending = wrap(native.callOp(ops.where, pending._h, rejected()._h, pending._h));
          if (!any(pending)) break;
        }
        native.callOp(ops.copy_, tensor._h, result._h);
      }
    }
    return tensor;
  });
}
/** PyTorch's spelling of truncNormal_. */
export const trunc_normal_ = truncNormal_;

/** Fills with `val` (torch.nn.init.constant_). */
export function constant_(tensor: Tensor, val: number | boolean | bigint): Tensor {
  requireTensor('constant_', tensor);
  return run(() => {
    native.callOp(ops.fill_, tensor._h, val);
    return tensor;
  });
}
/** Fills with ones (torch.nn.init.ones_). */
export function ones_(tensor: Tensor): Tensor {
  requireTensor('ones_', tensor);
  return run(() => {
    native.callOp(ops.fill_, tensor._h, 1.0);
    return tensor;
  });
}
/** Fills with zeros (torch.nn.init.zeros_). */
export function zeros_(tensor: Tensor): Tensor {
  requireTensor('zeros_', tensor);
  return run(() => {
    native.callOp(ops.zero_, tensor._h);
    return tensor;
  });
}

/** Fills a 2-D tensor with the identity matrix (torch.nn.init.eye_). */
export function eye_(tensor: Tensor): Tensor {
  requireTensor('eye_', tensor);
  const shape = native.shape(tensor._h);
  if (shape.length !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  return run(() => {
    native.callOp(ops.eyeOut, shape[0], shape[1], tensor._h);
    return tensor;
  });
}

/**
 * Fills a {3, 4, 5}-D convolution weight with the Dirac delta, so the convolution preserves as
 * many input channels as it can (per group when groups > 1) (torch.nn.init.dirac_).
 */
export function dirac_(tensor: Tensor, ...args: Args<[], [groups: number], { groups?: number }>): Tensor {
  requireTensor('dirac_', tensor);
  const groups = (bind('dirac_', tensor, args).groups ?? 1) as number;
  const sizes = native.shape(tensor._h);
  const dimensions = sizes.length;
  if (![3, 4, 5].includes(dimensions)) throw new Error('Only tensors with 3, 4, or 5 dimensions are supported');
  if (groups === 0) throw new Error('integer modulo by zero');
  if (sizes[0]! % groups !== 0) throw new Error('dim 0 must be divisible by groups');
  if (tensor.device.type === 'meta') return tensor;
  const outChansPerGrp = Math.floor(sizes[0]! / groups);
  const minDim = Math.min(outChansPerGrp, sizes[1]!);
  const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
  return run(() => {
    native.callOp(ops.zero_, tensor._h);
    for (let g = 0; g < groups; ++g) {
      for (let d = 0; d < minDim; ++d) {
        let element = tensor.select(0, g * outChansPerGrp + d).select(0, d);
        for (const c of centre) element = element.select(0, c);
        native.callOp(ops.fill_, element._h, 1);
      }
    }
    return tensor;
  });
}

// ---- fans and the scaled initializers -------------------------------------------------------

/** [fan_in, fan_out] of a weight: its dims 1 and 0 times the receptive field (dims 2...). */
export function _calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const shape = native.shape(tensor._h);
  if (shape.length < 2) throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptiveFieldSize = 1;
  for (const s of shape.slice(2)) receptiveFieldSize *= s;
  return [shape[1]! * receptiveFieldSize, shape[0]! * receptiveFieldSize];
}

/** fan_in or fan_out by mode (case-insensitive, as in PyTorch). */
export function _calculateCorrectFan(tensor: Tensor, mode: FanMode): number {
  const m = String(mode).toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new Error(`Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

export interface XavierOptions extends GeneratorOptions {
  gain?: number;
}
function xavierStd(tensor: Tensor, gain: number): number {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  if (fanIn + fanOut === 0) throw new Error('float division by zero');
  return gain * Math.sqrt(2.0 / (fanIn + fanOut));
}
/** Glorot uniform: U(-a, a) with a = gain·√(6 / (fan_in + fan_out)) (torch.nn.init.xavier_uniform_). */
export function xavierUniform_(tensor: Tensor, ...args: Args<[], [gain: number], XavierOptions>): Tensor {
  requireTensor('xavierUniform_', tensor);
  const o = bind('xavierUniform_', tensor, args);
  const std = xavierStd(tensor, (o.gain ?? 1.0) as number);
  const a = Math.sqrt(3.0) * std;
  return run(() => {
    native.callOp(ops.uniform_, tensor._h, -a, a, gen(o.generator));
    return tensor;
  });
}
/** Glorot normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)) (torch.nn.init.xavier_normal_). */
export function xavierNormal_(tensor: Tensor, ...args: Args<[], [gain: number], XavierOptions>): Tensor {
  requireTensor('xavierNormal_', tensor);
  const o = bind('xavierNormal_', tensor, args);
  const std = xavierStd(tensor, (o.gain ?? 1.0) as number);
  return run(() => {
    native.callOp(ops.normal_, tensor._h, 0.0, std, gen(o.generator));
    return tensor;
  });
}

export interface KaimingOptions extends GeneratorOptions {
  /** The negative slope of the rectifier after this layer (used with 'leaky_relu'). */
  a?: number | null;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}
type KaimingArgs = Args<[], [a: number | null, mode: FanMode, nonlinearity: Nonlinearity], KaimingOptions>;

// std = gain / √fan, or null (after PyTorch's warning) for a tensor with no elements.
function kaimingStd(fn: string, tensor: Tensor, args: readonly unknown[]): [number | null, unknown] {
  requireTensor(fn, tensor);
  const o = bind(fn, tensor, args);
  if (hasZeroDim(tensor)) {
    warn('Initializing zero-element tensors is a no-op');
    return [null, null];
  }
  const fan = _calculateCorrectFan(tensor, (o.mode ?? 'fan_in') as FanMode);
  const gain = calculateGain((o.nonlinearity ?? 'leaky_relu') as Nonlinearity, (o.a === undefined ? 0 : o.a) as number | null);
  return [gain / Math.sqrt(fan), o.generator];
}
/** He uniform: U(-bound, bound) with bound = gain·√(3 / fan) (torch.nn.init.kaiming_uniform_). */
export function kaimingUniform_(tensor: Tensor, ...args: KaimingArgs): Tensor {
  const [std, generator] = kaimingStd('kaimingUniform_', tensor, args);
  if (std === null) return tensor;
  const bound = Math.sqrt(3.0) * std;
  return run(() => {
    native.callOp(ops.uniform_, tensor._h, -bound, bound, gen(generator));
    return tensor;
  });
}
/** He normal: N(0, std²) with std = gain / √fan (torch.nn.init.kaiming_normal_). */
export function kaimingNormal_(tensor: Tensor, ...args: KaimingArgs): Tensor {
  const [std, generator] = kaimingStd('kaimingNormal_', tensor, args);
  if (std === null) return tensor;
  return run(() => {
    native.callOp(ops.normal_, tensor._h, 0, std, gen(generator));
    return tensor;
  });
}

export interface OrthogonalOptions extends GeneratorOptions {
  gain?: number;
}
/**
 * A (semi-)orthogonal matrix, trailing dims flattened: the Q of a QR factorisation of a normal
 * matrix, signs fixed by R's diagonal, times gain (torch.nn.init.orthogonal_).
 */
export function orthogonal_(tensor: Tensor, ...args: Args<[], [gain: number], OrthogonalOptions>): Tensor {
  requireTensor('orthogonal_', tensor);
  const o = bind('orthogonal_', tensor, args);
  const gain = (o.gain ?? 1) as number;
  const shape = native.shape(tensor._h);
  if (shape.length < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  const numel = shape.reduce((x, y) => x * y, 1);
  if (numel === 0 || tensor.device.type === 'meta') return tensor;
  const rows = shape[0]!;
  const cols = Math.floor(numel / rows);
  return run(() => {
    const flattened = wrap(native.callOp(ops.newEmpty, tensor._h, [rows, cols]));
    native.callOp(ops.normal_, flattened._h, 0, 1, gen(o.generator));
    if (rows < cols) native.callOp(ops.t_, flattened._h);
    const [q, r] = wrapAll(native.callOp(ops.linalgQr, flattened._h)) as [Tensor, Tensor];
    const d = wrap(native.callOp(ops.diag, r._h, 0));
    const ph = wrap(native.callOp(ops.sign, d._h));
    native.callOp(ops.mulTensor_, q._h, ph._h);
    if (rows < cols) native.callOp(ops.t_, q._h);
    native.callOp(ops.copy_, wrap(native.callOp(ops.viewAs, tensor._h, q._h))._h, q._h);
    native.callOp(ops.mul_, tensor._h, gain);
    return tensor;
  });
}

export interface SparseOptions extends GeneratorOptions {
  sparsity?: number;
  std?: number;
}
/**
 * A 2-D sparse matrix: N(0, std²) values with ceil(sparsity·rows) zeros per column, their rows
 * picked by torch.randperm (torch.nn.init.sparse_).
 */
export function sparse_(tensor: Tensor, ...args: Args<[], [sparsity: number, std: number], SparseOptions>): Tensor {
  requireTensor('sparse_', tensor);
  const o = bind('sparse_', tensor, args);
  const shape = native.shape(tensor._h);
  if (shape.length !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  if (tensor.device.type === 'meta') return tensor;
  const [rows, cols] = shape as [number, number];
  const numZeros = Math.ceil((o.sparsity as number) * rows);
  const device = tensor.device;
  return run(() => {
    native.callOp(ops.normal_, tensor._h, 0, o.std ?? 0.01, gen(o.generator));
    for (let col = 0; col < cols; ++col) {
      // PyTorch draws the permutation from the default generator, whatever `generator` is.
      let rowIndices = randperm(rows);
      if (device.type !== 'cpu') rowIndices = rowIndices.to(device);
      const zeroIndices = wrap(native.callOp(ops.slice, rowIndices._h, 0, null, numZeros, 1));
      const column = wrap(native.callOp(ops.select, tensor._h, 1, col));
      native.callOp(ops.indexFill_, column._h, 0, zeroIndices._h, 0);
    }
    return tensor;
  });
}

// ---- deprecated names without the trailing underscore (PyTorch keeps them for compatibility) --

function deprecate<F extends (...args: never) => Tensor>(fn: F, oldName: string): F {
  const wrapper = (...args: unknown[]): Tensor => {
    warn(`\`nn.init.${oldName}\` is now deprecated in favor of \`nn.init.${oldName}_\`.`, 'FutureWarning');
    return (fn as unknown as (...a: unknown[]) => Tensor)(...args);
  };
  Object.defineProperty(wrapper, 'name', { value: oldName });
  return wrapper as unknown as F;
}
/** @deprecated use uniform_ */
export const uniform = deprecate(uniform_, 'uniform');
/** @deprecated use normal_ */
export const normal = deprecate(normal_, 'normal');
/** @deprecated use constant_ */
export const constant = deprecate(constant_, 'constant');
/** @deprecated use eye_ */
export const eye = deprecate(eye_, 'eye');
/** @deprecated use dirac_ */
export const dirac = deprecate(dirac_, 'dirac');
/** @deprecated use xavierUniform_ */
export const xavierUniform = deprecate(xavierUniform_, 'xavierUniform');
/** @deprecated use xavierNormal_ */
export const xavierNormal = deprecate(xavierNormal_, 'xavierNormal');
/** @deprecated use kaimingUniform_ */
export const kaimingUniform = deprecate(kaimingUniform_, 'kaimingUniform');
/** @deprecated use kaimingNormal_ */
export const kaimingNormal = deprecate(kaimingNormal_, 'kaimingNormal');
/** @deprecated use orthogonal_ */
export const orthogonal = deprecate(orthogonal_, 'orthogonal');
/** @deprecated use sparse_ */
export const sparse = deprecate(sparse_, 'sparse');
