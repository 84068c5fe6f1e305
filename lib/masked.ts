// torch.masked (torch/masked/_ops.py): the masked reductions and normalisations, written step by
// step as PyTorch writes them, for plain strided tensors. Each binds its arguments with Python's
// signature: positional arguments in order, then a trailing options object with camelCase keys
// (`mask` is keyword-only, as in Python):
//   torch.masked.sum(x, 1, { keepdim: true, mask })
//   torch.masked.logSoftmax(x, 0, { mask })
// A masked-out element is replaced by the operation's identity (0 for sum, -inf for amax, ...)
// before the plain reduction runs; a mask broadcasts to the input's shape.
// Left out: MaskedTensor inputs and sparse (COO / CSR) inputs or masks (torchnode's tensors are
// strided).
import { Complex } from './complex';
import { DType, bool, float32, int16, int32, int64, int8, uint8, iinfo } from './dtype';
import { tensor } from './creation';
import { pyTypeName } from './arg_parser';
import { PyFloat, type FloatLike, type IntLike, type IntList } from './scalar';
import { Tensor } from './tensor';
import * as T from './generated/torch';
import { vectorNorm } from './generated/linalg';
import { pySignature } from './python_signature';

/** A reduction's `dim`: one dim, a tuple of them, or null (all; so is `[]`). */
export type DimOrDims = IntLike | IntList | null;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = (...args: any[]) => any;
const L = T as unknown as Record<string, Loose>;
const M = (t: Tensor): Record<string, Loose> => t as unknown as Record<string, Loose>;

/** A Python number as a JS number. */
function num(x: unknown): number {
  if (x instanceof PyFloat) return x.value;
  if (typeof x === 'bigint') return Number(x);
  return x as number;
}

/** Python's truth value of a plain argument (`bool(keepdim)`). */
function truthy(x: unknown): boolean {
  if (x instanceof PyFloat) return x.value !== 0;
  if (x instanceof Tensor) {
    if (x.numel() !== 1) throw new Error('Boolean value of Tensor with more than one value is ambiguous');
    return Boolean(x.item());
  }
  if (Array.isArray(x)) return x.length > 0;
  return Boolean(x);
}

function isInt(x: unknown): x is IntLike {
  return typeof x === 'bigint' || (typeof x === 'number' && Number.isSafeInteger(x));
}

// ---- torch/masked/_ops.py's helpers ----------------------------------------------------------

/** The identity of a reduction on `input`'s dtype, as a 0-dim tensor (null where undefined). */
function reductionIdentity(opName: string, input: Tensor, ...args: unknown[]): Tensor | null {
  const dtype = input.dtype;
  const device = input.device;
  const make = (v: unknown, d: DType = dtype): Tensor => tensor(v as number, { dtype: d, device });
  const intLike = dtype.isSigned || dtype === uint8;
  if (opName === 'sum' || opName === 'cumsum') return make(0);
  if (opName === 'prod' || opName === 'cumprod') return make(1);
  if (opName === 'amax' || opName === 'argmax' || opName === 'logaddexp') {
    if (dtype.isFloatingPoint) return make(-Infinity);
    if (intLike) return make(iinfo(dtype).min);
  } else if (opName === 'logsumexp') {
    if (dtype.isFloatingPoint) return make(-Infinity);
    if (dtype.isComplex) return make(new Complex(-Infinity, 0));
    if (intLike) return make(iinfo(dtype).min);
  } else if (opName === 'amin' || opName === 'argmin') {
    if (dtype.isFloatingPoint) return make(Infinity);
    if (intLike) return make(iinfo(dtype).max);
  } else if (opName === 'mean') {
    return null;
  } else if (opName === 'norm') {
    const ord = args.length > 0 ? args[0] : 2;
    if (ord !== null && num(ord) === -Infinity) {
      if (!dtype.isFloatingPoint) throw new Error(`input must be floating point, got ${String(dtype)}`);
      return make(Infinity);
    }
    return make(0);
  } else if (opName === 'median') {
    return make(NaN, dtype.isFloatingPoint ? dtype : float32);
  } else if (opName === 'var' || opName === 'std') {
    return null;
  }
  throw new Error(`identity of ${opName} on ${String(dtype)} input`);
}

/** `dim` as a sorted tuple of non-negative dims (null or `[]`: all of them). */
function canonicalDim(dim: unknown, ndim: number): number[] {
  const dims: number[] = [];
  if (Array.isArray(dim) && dim.length === 0) dim = null;
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  ndim = Math.max(ndim, 1);
  const list = isInt(dim) ? [dim] : (dim as readonly unknown[]);
  for (const x of list) {
    const d = num(x);
    if (dims.includes(d)) throw new Error(`dim=${d} appears multiple times in the list of dims`);
    if (d >= ndim || d < -ndim) throw new RangeError(`Dimension out of range (expected to be in range of [${-ndim}, ${ndim - 1}], but got ${d})`);
    dims.push(((d % ndim) + ndim) % ndim);
  }
  return dims.sort((a, b) => a - b);
}

/** torch.any over a tuple of dims. */
function any(input: Tensor, dim: readonly number[], keepdim: boolean): Tensor {
  let r = input;
  for (const d of [...dim].reverse()) r = M(r).any!({ dim: d, keepdim }) as Tensor;
  return r;
}

function sameShape(a: Tensor, b: Tensor): boolean {
  const x = a.shape;
  const y = b.shape;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The canonical input mask: a bool tensor of the input's shape. */
function inputMask(input: Tensor, mask: unknown): Tensor {
  if (mask === null || mask === undefined) throw new RangeError('_input_mask requires explicit mask');
  if (!(mask instanceof Tensor)) throw new Error(`'${pyTypeName(mask)}' object has no attribute 'shape'`);
  let m = mask;
  if (!sameShape(m, input)) {
    if (m.ndim > input.ndim) {
      throw new RangeError('_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)');
    }
    m = T.broadcastTo(m.clone(), [...input.shape]).to(bool);
  }
  return m.to(bool);
}

/** The input with its masked-out elements replaced by `op`'s identity. */
function combineInputAndMask(op: string, input: Tensor, mask: unknown, ...args: unknown[]): Tensor {
  if (mask === null || mask === undefined) return input;
  const canonical = inputMask(input, mask);
  const fill = reductionIdentity(op, input, ...args);
  return L.where!(canonical, input, fill) as Tensor;
}

// ---- binding ---------------------------------------------------------------------------------

type Opts<B> = { [K in keyof B]?: B[K] | undefined };
function def<B>(name: string, sig: string, impl: (a: B) => Tensor): (...args: unknown[]) => Tensor {
  const bind = pySignature<B>(name, sig);
  return (...args: unknown[]) => impl(bind(args));
}

interface ReductionB { input: Tensor; dim: DimOrDims; keepdim: boolean | null; dtype: DType | null; mask: Tensor | null }
type ReductionKw = Opts<Omit<ReductionB, 'input' | 'dim'>>;
/** `f(input, dim=None, *, keepdim=False, dtype=None, mask=None)`. */
export interface ReductionFunction {
  (input: Tensor, options?: ReductionKw & { dim?: DimOrDims }): Tensor;
  (input: Tensor, dim: DimOrDims, options?: ReductionKw): Tensor;
}
interface ArgReductionB { input: Tensor; dim: IntLike | null; keepdim: boolean | null; dtype: DType | null; mask: Tensor | null }
/** `f(input, dim=None, *, keepdim=False, dtype=None, mask=None)` with one dim. */
export interface ArgReductionFunction {
  (input: Tensor, options?: ReductionKw & { dim?: IntLike | null }): Tensor;
  (input: Tensor, dim: IntLike | null, options?: ReductionKw): Tensor;
}
interface NormalizationB { input: Tensor; dim: IntLike; dtype: DType | null; mask: Tensor | null }
type NormalizationKw = { dtype?: DType | null; mask?: Tensor | null };
/** `f(input, dim, *, dtype=None, mask=None)`. */
export interface NormalizationFunction {
  (input: Tensor, dim: IntLike, options?: NormalizationKw): Tensor;
  (input: Tensor, options: NormalizationKw & { dim: IntLike }): Tensor;
}

const REDUCTION = 'input, dim=None, *, keepdim=False, dtype=None, mask=None';
const NORMALIZATION = 'input, dim, *, dtype=None, mask=None';
const PROMOTED_TO_INT64 = new Set<DType>([uint8, bool, int8, int16, int32]);

// ---- reductions ------------------------------------------------------------------------------

/** sum's and prod's dtype: the one given, or the input's with bool and the integer types below int64 promoted to int64. */
const promotedDtype = (a: ReductionB): DType => a.dtype ?? (PROMOTED_TO_INT64.has(a.input.dtype) ? int64 : a.input.dtype);

function sumImpl(a: ReductionB): Tensor {
  const { input, mask } = a;
  const dtype = promotedDtype(a);
  const dim = canonicalDim(a.dim, input.ndim);
  const maskInput = combineInputAndMask('sum', input, mask);
  return L.sum!(maskInput, dim, truthy(a.keepdim), { dtype }) as Tensor;
}
/** The sum of the elements the mask keeps, over `dim`. */
export const sum = def<ReductionB>('sum', REDUCTION, sumImpl) as ReductionFunction;

/** The product of the elements the mask keeps, over `dim`. */
export const prod = def<ReductionB>('prod', REDUCTION, (a) => {
  const { input, mask } = a;
  const dtype = promotedDtype(a);
  const dim = canonicalDim(a.dim, input.ndim);
  const maskInput = combineInputAndMask('prod', input, mask);
  let result = maskInput.to(dtype);
  for (const d of [...dim].reverse()) result = M(result).prod!({ dim: d, keepdim: truthy(a.keepdim) }) as Tensor;
  return result;
}) as ReductionFunction;

/** cumsum, cumprod, softmax, log_softmax, softmin: `op` along `dim` of the input with its masked-out elements at `fill`'s identity. */
const normalization = (name: string, fill: 'sum' | 'prod' | 'amax' | 'amin', op: (x: Tensor, dim: number, dtype: DType) => Tensor): NormalizationFunction =>
  def<NormalizationB>(name, NORMALIZATION, (a) => {
    const dtype = a.dtype ?? a.input.dtype;
    const dim = canonicalDim(a.dim, a.input.ndim)[0];
    return op(combineInputAndMask(fill, a.input, a.mask), dim!, dtype);
  }) as NormalizationFunction;

/** The cumulative sum of the elements the mask keeps (masked-out ones count as 0). */
export const cumsum = normalization('cumsum', 'sum', (x, dim, dtype) => (L.cumsum!(x, dim, { dtype }) as Tensor).to(dtype));
/** The cumulative product of the elements the mask keeps (masked-out ones count as 1). */
export const cumprod = normalization('cumprod', 'prod', (x, dim, dtype) => (L.cumprod!(x, dim, { dtype }) as Tensor).to(dtype));

function minMax(op: 'amax' | 'amin'): ReductionFunction {
  return def<ReductionB>(op, REDUCTION, (a) => {
    const dtype = a.dtype ?? a.input.dtype;
    const maskInput = combineInputAndMask(op, a.input, a.mask);
    const dim = canonicalDim(a.dim, maskInput.ndim);
    return (L[op]!(maskInput, dim, truthy(a.keepdim)) as Tensor).to(dtype);
  }) as ReductionFunction;
}
/** The maximum of the elements the mask keeps, over `dim`. */
export const amax = minMax('amax');
/** The minimum of the elements the mask keeps, over `dim`. */
export const amin = minMax('amin');

function argMinMax(op: 'argmax' | 'argmin'): ArgReductionFunction {
  return def<ArgReductionB>(op, REDUCTION, (a) => {
    const dtype = a.dtype ?? a.input.dtype;
    const maskInput = combineInputAndMask(op, a.input, a.mask);
    return (L[op]!(maskInput, a.dim, truthy(a.keepdim)) as Tensor).to(dtype);
  }) as ArgReductionFunction;
}
/** The index of the maximum of the elements the mask keeps (in `dtype`, the input's by default). */
export const argmax = argMinMax('argmax');
/** The index of the minimum of the elements the mask keeps (in `dtype`, the input's by default). */
export const argmin = argMinMax('argmin');

/** The mean of the elements the mask keeps (nan where all are masked out). */
export const mean = def<ReductionB>('mean', REDUCTION, (a) => {
  const { input, dim, keepdim, mask } = a;
  let dtype = a.dtype;
  let dtypeSource = 'Optional';
  if (dtype === null) {
    dtype = input.dtype;
    dtypeSource = 'Input';
  }
  if (!(dtype.isFloatingPoint || dtype.isComplex)) {
    throw new RangeError(`mean(): Could not infer output dtype. ${dtypeSource} dtype must be either a floating point or complex dtype. Got: ${String(dtype)}`);
  }
  let count: Tensor;
  let total: Tensor;
  if (mask === null) {
    count = sumImpl({ input: T.ones([...input.shape], { dtype: int64, device: input.device }), dim, keepdim, dtype: null, mask: null });
    total = sumImpl({ input, dim, keepdim, dtype, mask: null });
  } else {
    const inmask = inputMask(input, mask);
    count = M(inmask).sum!({ dim, keepdim: truthy(keepdim) }) as Tensor;
    total = sumImpl({ input, dim, keepdim, dtype, mask: inmask });
  }
  return total.div(count);
}) as ReductionFunction;

interface MedianB { input: Tensor; dim: IntLike; keepdim: boolean; dtype: DType | null; mask: Tensor | null }
/** `median(input, dim=-1, *, keepdim=False, dtype=None, mask=None)`. */
export interface MedianFunction {
  (input: Tensor, options?: ReductionKw & { dim?: IntLike }): Tensor;
  (input: Tensor, dim: IntLike, options?: ReductionKw): Tensor;
}
/** The median of the elements the mask keeps, along `dim` (nan where all are masked out). */
export const median = def<MedianB>('median', 'input, dim=-1, *, keepdim=False, dtype=None, mask=None', (a) => {
  let input = a.input;
  const dtype = a.dtype ?? input.dtype;
  const dim = canonicalDim(a.dim, input.ndim)[0];
  const isFloat = input.dtype.isFloatingPoint;
  if (!isFloat) input = input.to(float32);
  const maskInput = combineInputAndMask('median', input, a.mask);
  const output = (L.nanmedian!(maskInput, dim, a.keepdim) as { values: Tensor }).values;
  if (isFloat) return output;
  if (!truthy(T.isnan(output).any())) return output.to(dtype);
  throw new RangeError('masked median expects no fully masked out rows if dtype is not floating point');
}) as MedianFunction;

/** log(sum(exp(x))) of the elements the mask keeps, over `dim`. */
export const logsumexp = def<ReductionB>('logsumexp', REDUCTION, (a) => {
  const dtype = a.dtype ?? a.input.dtype;
  const dim = canonicalDim(a.dim, a.input.ndim);
  const maskInput = combineInputAndMask('logsumexp', a.input, a.mask);
  return (L.logsumexp!(maskInput, dim, { keepdim: a.keepdim }) as Tensor).to(dtype);
}) as ReductionFunction;

interface LogaddexpB { input: Tensor; other: Tensor; dtype: DType | null; inputMask: Tensor | null; otherMask: Tensor | null }
type LogaddexpKw = { dtype?: DType | null; inputMask?: Tensor | null; otherMask?: Tensor | null };
/** `logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None)`. */
export interface LogaddexpFunction {
  (input: Tensor, other: Tensor, options?: LogaddexpKw): Tensor;
  (input: Tensor, options: LogaddexpKw & { other: Tensor }): Tensor;
}
/** log(exp(input) + exp(other)), each masked by its own mask (masked-out elements count as -inf). */
export const logaddexp = def<LogaddexpB>('logaddexp', 'input, other, *, dtype=None, input_mask=None, other_mask=None', (a) => {
  const dtype = a.dtype ?? a.input.dtype;
  const maskInput = combineInputAndMask('logaddexp', a.input, a.inputMask);
  const maskOther = combineInputAndMask('logaddexp', a.other, a.otherMask);
  return T.logaddexp(maskInput, maskOther).to(dtype);
}) as LogaddexpFunction;

interface NormB { input: Tensor; ord: FloatLike | null; dim: DimOrDims; keepdim: boolean | null; dtype: DType | null; mask: Tensor | null }
/** `norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None)`. */
export interface NormFunction {
  (input: Tensor, options?: ReductionKw & { ord?: FloatLike | null; dim?: DimOrDims }): Tensor;
  (input: Tensor, ord: FloatLike | null, options?: ReductionKw & { dim?: DimOrDims }): Tensor;
  (input: Tensor, ord: FloatLike | null, dim: DimOrDims, options?: ReductionKw): Tensor;
}
function normImpl(a: NormB): Tensor {
  const dtype = a.dtype ?? a.input.dtype;
  const maskInput = combineInputAndMask('norm', a.input, a.mask, a.ord);
  const dim = canonicalDim(a.dim, a.input.ndim);
  return (vectorNorm as unknown as Loose)(maskInput, a.ord, dim, truthy(a.keepdim), { dtype }) as Tensor;
}
/** The vector `ord`-norm of the elements the mask keeps, over `dim`. */
export const norm = def<NormB>('norm', 'input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None', (a) => {
  // Python's default ord is the float 2.0.
  return normImpl(a);
}) as NormFunction;

interface StdVarB { input: Tensor; dim: DimOrDims; unbiased: boolean | null; correction: FloatLike | null; keepdim: boolean | null; dtype: DType | null; mask: Tensor | null }
type StdVarKw = ReductionKw & { correction?: FloatLike | null };
/** `var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None)`. */
export interface StdVarFunction {
  (input: Tensor, options?: StdVarKw & { dim?: DimOrDims; unbiased?: boolean | null }): Tensor;
  (input: Tensor, dim: DimOrDims, options?: StdVarKw & { unbiased?: boolean | null }): Tensor;
  (input: Tensor, dim: DimOrDims, unbiased: boolean | null, options?: StdVarKw): Tensor;
}
function stdVar(a: StdVarB, takeSqrt: boolean): Tensor {
  const { input, dim, unbiased, keepdim, mask } = a;
  const correctionOpt = a.correction;
  if (unbiased !== null && correctionOpt !== null) throw new Error('Only one of unbiased and correction may be given');
  let correction = 1.0;
  if (unbiased !== null) correction = truthy(unbiased) ? 1.0 : 0.0;
  if (correctionOpt !== null) correction = num(correctionOpt);
  let dtype = a.dtype;
  if (dtype === null) {
    dtype = input.dtype;
    if (!(dtype.isFloatingPoint || dtype.isComplex)) dtype = float32;
  }
  let computeDtype = dtype;
  if (!(computeDtype.isFloatingPoint || computeDtype.isComplex)) computeDtype = float32;
  let count: Tensor;
  let sampleTotal: Tensor;
  let inmask: Tensor | null = null;
  if (mask === null) {
    count = sumImpl({ input: T.ones([...input.shape], { dtype: int64, device: input.device }), dim, keepdim: true, dtype: null, mask: null });
    sampleTotal = sumImpl({ input, dim, keepdim: true, dtype, mask: null });
  } else {
    inmask = inputMask(input, mask);
    count = M(inmask).sum!({ dim, keepdim: true }) as Tensor;
    sampleTotal = sumImpl({ input, dim, keepdim: true, dtype, mask: inmask });
  }
  const sampleMean = T.divide(sampleTotal, count);
  const x = T.subtract(input, sampleMean);
  const total = sumImpl({ input: x.mul(x.conj()), dim, keepdim, dtype: computeDtype, mask: inmask });
  if (!truthy(keepdim)) count = count.reshape([...total.shape]);
  if (correction !== 0) {
    const realDtype = computeDtype.isComplex ? computeDtype.toReal() : computeDtype;
    count = count.to(realDtype);
    count = T.subtract(count, new PyFloat(correction));
    count = T.maximum(count, count.newZeros([]));
  }
  let output = T.divide(total, count).to(dtype);
  if (takeSqrt) output = T.sqrt(output);
  return output;
}
const STD_VAR = 'input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None';
/** The variance of the elements the mask keeps, over `dim` (nan where all are masked out). */
const var_ = def<StdVarB>('var', STD_VAR, (a) => stdVar(a, false)) as StdVarFunction;
export { var_ as var };
/** The standard deviation of the elements the mask keeps, over `dim` (nan where all are masked out). */
export const std = def<StdVarB>('std', STD_VAR, (a) => stdVar(a, true)) as StdVarFunction;

// ---- normalisations --------------------------------------------------------------------------

/** softmax along `dim` of the elements the mask keeps (masked-out ones give 0). */
export const softmax = normalization('softmax', 'amax', (x, dim, dtype) => M(x).softmax!(dim, { dtype }) as Tensor);
/** log_softmax along `dim` of the elements the mask keeps (masked-out ones give -inf). */
export const logSoftmax = normalization('log_softmax', 'amax', (x, dim, dtype) => M(x).logSoftmax!(dim, { dtype }) as Tensor);
/** softmin along `dim` of the elements the mask keeps (masked-out ones give 0). */
export const softmin = normalization('softmin', 'amin', (x, dim, dtype) => M(x.neg()).softmax!(dim, { dtype }) as Tensor);

interface NormalizeB { input: Tensor; ord: FloatLike; dim: IntLike; eps: FloatLike; dtype: DType | null; mask: Tensor | null }
type NormalizeKw = { eps?: FloatLike; dtype?: DType | null; mask?: Tensor | null };
/** `normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None)`. */
export interface NormalizeFunction {
  (input: Tensor, ord: FloatLike, dim: IntLike, options?: NormalizeKw): Tensor;
  (input: Tensor, ord: FloatLike, options: NormalizeKw & { dim: IntLike }): Tensor;
  (input: Tensor, options: NormalizeKw & { ord: FloatLike; dim: IntLike }): Tensor;
}
/** The input divided by the masked `ord`-norm along `dim` (at least `eps`); masked-out elements give 0. */
export const normalize = def<NormalizeB>('normalize', 'input, ord, dim, *, eps=1e-12, dtype=None, mask=None', (a) => {
  const dtype = a.dtype ?? a.input.dtype;
  const maskInput = combineInputAndMask('sum', a.input, a.mask);
  const nrm = normImpl({ input: a.input, ord: a.ord, dim: a.dim, keepdim: true, dtype, mask: a.mask });
  const denom = T.maximum(nrm, nrm.newFull([], a.eps as number));
  return T.divide(maskInput, denom);
}) as NormalizeFunction;
