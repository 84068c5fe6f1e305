// torch.tensor() from JS data (torch/csrc/utils/tensor_new.cpp). The factories (zeros, full,
// arange, ...) are bound from ATen like every other op (lib/generated/torch.ts).
import { type DeviceLike } from './device';
import { Complex } from './complex';
import {
  DType, bool, complex128, complex64, float16, float32, float4_e2m1fn_x2, float64, getDefaultDtype, int16, int32, int64, int8,
  uint16, uint32, uint64, uint8, type TypedArray,
} from './dtype';
import { native } from './native';
import { PyFloat } from './scalar';
import { Tensor, wrap, type Scalar } from './tensor';

/** What torch.tensor() accepts: Python scalars as JS values (README "Numbers"), nested in arrays. */
export type TensorData = Scalar | PyFloat | Complex | readonly TensorData[];

export interface TensorOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

// ---- TypedArrays: NumPy arrays' path ---------------------------------------------------------
// A TypedArray is what a NumPy array is to torch.tensor: its element type gives the dtype, and a
// `dtype` option converts the elements afterwards as Tensor.to does (wrapping, as NumPy's and
// PyTorch's casts do), not value by value.

// By the TypedArray's own name ([[TypedArrayName]], which Symbol.toStringTag reports), so that
// arrays from another realm (a vm context, a worker's Buffer) are recognised too.
const TYPED_DTYPES: Record<string, DType> = {
  Float32Array: float32, Float64Array: float64, Float16Array: float16, Int8Array: int8, Int16Array: int16,
  Int32Array: int32, BigInt64Array: int64, Uint8Array: uint8, Uint8ClampedArray: uint8, Uint16Array: uint16,
  Uint32Array: uint32, BigUint64Array: uint64,
};

const typedArrayName = (x: ArrayBufferView): string | undefined => (x as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];

function typedArrayDtype(a: ArrayBufferView): DType {
  const d = TYPED_DTYPES[typedArrayName(a) ?? ''];
  if (d === undefined) throw new TypeError(`tensor(): ${a.constructor.name} has no matching torch dtype`);
  return d;
}

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && typedArrayName(x) !== undefined;
}

// ---- nested arrays: Python sequences' path (tensor_new.cpp's internal_new_from_data) ---------
// Each JS value is the Python value README's "Numbers" rule makes of it: a boolean is a bool; a
// safe integer or a bigint an int; any other number, or a PyFloat, a float; a Complex a complex.

// Per element, globals are read through module constants: inside a vm context (jest's sandbox)
// every global lookup goes through the context's interceptor, several times slower than the work.
const { isArray } = Array;
const { isSafeInteger } = Number;
const { trunc } = Math;
const toBigInt = BigInt;
const { asIntN } = BigInt;

// Python's type name of a JS value, for PyTorch's messages.
function pyTypeName(x: unknown): string {
  if (x === null || x === undefined) return 'NoneType';
  if (isArray(x)) return 'list';
  if (typeof x === 'string') return 'str';
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'bigint') return 'int';
  if (typeof x === 'number') return isSafeInteger(x) ? 'int' : 'float';
  if (x instanceof PyFloat) return 'float';
  if (x instanceof Complex) return 'complex';
  if (typeof x === 'object') {
    const name = (x as object).constructor?.name;
    return name === undefined || name === 'Object' ? 'dict' : name;
  }
  return typeof x;
}

// The scalar types torch.tensor infers, in promotion order (at::promoteTypes over Bool, Long,
// the default float and the default complex type).
const enum Kind { Bool, Int, Float, Complex }

// compute_sizes: the lengths along the first element of each level.
const MAX_DIMS = 128;
function computeSizes(data: unknown): number[] {
  const sizes: number[] = [];
  for (let x = data; isArray(x); x = x[0]) {
    sizes.push(x.length);
    if (sizes.length > MAX_DIMS) throw new RangeError("too many dimensions 'list'");
    if (x.length === 0) break;
  }
  return sizes;
}

// infer_scalar_type, over every element (an empty list counts as the default float type).
// `bigints` says whether an int was written as a bigint (see tensor()'s requiresGrad rule).
function inferKind(x: unknown, seen: { bigints: boolean }): Kind {
  if (isArray(x)) {
    if (x.length === 0) return Kind.Float;
    let k = Kind.Bool;
    for (const e of x) {
      const ke = inferKind(e, seen);
      if (ke > k) k = ke;
    }
    return k;
  }
  switch (typeof x) {
    case 'boolean':
      return Kind.Bool;
    case 'bigint':
      seen.bigints = true;
      return Kind.Int;
    case 'number':
      return isSafeInteger(x) ? Kind.Int : Kind.Float;
    case 'string':
      throw new TypeError("new(): invalid data type 'str'");
    default:
      if (x instanceof PyFloat) return Kind.Float;
      if (x instanceof Complex) return Kind.Complex;
      throw new Error(`Could not infer dtype of ${pyTypeName(x)}`);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A Python float's value, or undefined when `x` is not a Python float. */
function floatValue(x: unknown): number | undefined {
  if (typeof x === 'number') return isSafeInteger(x) ? undefined : x;
  return x instanceof PyFloat ? x.value : undefined;
}

// THPUtils_unpackLong: a Python int (or bool) as int64, a number while it is safe.
function unpackLong(x: unknown): number | bigint {
  if (typeof x === 'number' && isSafeInteger(x)) return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'bigint') {
    if (x < INT64_MIN || x > INT64_MAX) throw new RangeError('Overflow when unpacking long long');
    return x;
  }
  throw new TypeError(`'${pyTypeName(x)}' object cannot be interpreted as an integer`);
}

// THPUtils_unpackDouble: any real Python number as a double.
function unpackDouble(x: unknown): number {
  const f = floatValue(x);
  if (f !== undefined) return f;
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'bigint') {
    const d = Number(x); // correctly rounded, as PyLong_AsDouble
    if (!Number.isFinite(d)) throw new RangeError('int too large to convert to float');
    return d;
  }
  throw new TypeError(`must be real number, not ${pyTypeName(x)}`);
}

// One element of the tensor being built: writes `x` at index i, or throws PyTorch's error.
type Store = (x: unknown, i: number) => void;

// store_scalar (torch/csrc/utils/python_scalars.h) for the target dtype, writing into `out`
// (whose elements are `staging`'s; the caller converts to the target when they differ).
function storer(dtype: DType, n: number): { out: TypedArray; staging: DType; store: Store } {
  if (dtype === bool) {
    // THPUtils_unpackNumberAsBool: any nonzero number (NaN too, and an int of any size) is true.
    const out = new Uint8Array(n);
    return {
      out, staging: bool, store: (x, i) => {
        if (typeof x === 'boolean') out[i] = x ? 1 : 0;
        else if (typeof x === 'bigint') out[i] = x !== 0n ? 1 : 0;
        else if (x instanceof Complex) out[i] = x.real !== 0 || x.imag !== 0 ? 1 : 0;
        else if (typeof x === 'number' || x instanceof PyFloat) out[i] = Number(x) !== 0 ? 1 : 0;
        else throw new TypeError(`'${pyTypeName(x)}' object cannot be interpreted as an integer`);
      },
    };
  }
  if (dtype === uint64) {
    // THPUtils_unpackUInt64 (PyLong_AsUnsignedLongLong): ints only, no implicit float conversion.
    const out = new BigUint64Array(n);
    return {
      out, staging: uint64, store: (x, i) => {
        let v: bigint;
        if (typeof x === 'boolean') v = x ? 1n : 0n;
        else if (typeof x === 'bigint') v = x;
        else if (typeof x === 'number' && isSafeInteger(x)) v = toBigInt(x);
        else throw new TypeError('an integer is required');
        if (v < 0n) throw new RangeError("can't convert negative int to unsigned");
        if (v > UINT64_MAX) throw new RangeError('int too big to convert');
        out[i] = v;
      },
    };
  }
  if (!dtype.isFloatingPoint && !dtype.isComplex && dtype.itemsize <= 8) {
    // unpackIntegral<T>: c10::checked_convert of the double (a float) or of the int64 (an int).
    // An int below the range of an unsigned type wraps while its magnitude fits, as c10's
    // overflows() allows (-1 is 255 in uint8); a float never wraps.
    const bits = BigInt(dtype.itemsize * 8);
    const lo = dtype.isSigned ? -(2n ** (bits - 1n)) : 0n;
    const hi = dtype.isSigned ? 2n ** (bits - 1n) - 1n : 2n ** bits - 1n;
    const [loF, hiF] = [Number(lo), Number(hi)];
    const overflow = (): Error => new Error(`value cannot be converted to type ${dtype.name} without overflow`);
    const out = new dtype.ArrayType(n) as { [i: number]: number | bigint } & TypedArray;
    const big = out instanceof BigInt64Array;
    return {
      out, staging: dtype, store: (x, i) => {
        const f = floatValue(x);
        if (f !== undefined) {
          // NaN and ±Infinity overflow every integer type; static_cast truncates toward zero.
          if (!(f >= loF && f <= hiF)) throw overflow();
          const t = trunc(f);
          out[i] = big ? asIntN(64, toBigInt(t)) : t;
          return;
        }
        if (x instanceof Complex) throw new TypeError("'complex' object cannot be interpreted as an integer");
        const v = unpackLong(x);
        const fits = dtype.isSigned ? v >= lo && v <= hi : v <= hi && (v >= 0 || -v <= hi);
        if (!fits) throw overflow();
        // TypedArrays store modulo 2^bits: the two's-complement wrap of static_cast.
        out[i] = big ? toBigInt(v) : typeof v === 'number' ? v : Number(v);
      },
    };
  }
  if (dtype.isComplex) {
    // THPUtils_unpackComplexDouble, staged as complex128 (or complex64 when that is the target).
    const staging = dtype === complex64 ? complex64 : complex128;
    const out = staging === complex64 ? new Float32Array(2 * n) : new Float64Array(2 * n);
    return {
      out, staging, store: (x, i) => {
        if (x instanceof Complex) [out[2 * i], out[2 * i + 1]] = [x.real, x.imag];
        else [out[2 * i], out[2 * i + 1]] = [unpackDouble(x), 0];
      },
    };
  }
  if (dtype === float4_e2m1fn_x2) throw new Error('store_scalar: invalid type');
  // Real floating types: a double, then (float) — a Float32Array rounds as C's cast does — or
  // at::convert<T, double> by ATen (float16, bfloat16, float8).
  const staging = dtype === float32 ? float32 : float64;
  const out = staging === float32 ? new Float32Array(n) : new Float64Array(n);
  return {
    out, staging, store: (x, i) => {
      if (x instanceof Complex) throw new TypeError('must be real number, not complex');
      out[i] = unpackDouble(x);
    },
  };
}

// recursive_store: walks the data in row-major order, checking each level's length against the
// sizes and storing each scalar; the first problem met is the error, as in PyTorch.
function storeAll(data: unknown, sizes: readonly number[], store: Store): void {
  let index = 0;
  const walk = (x: unknown, dim: number): void => {
    if (dim === sizes.length) {
      store(x, index++);
      return;
    }
    if (!isArray(x)) throw new TypeError('not a sequence');
    if (x.length !== sizes[dim]) throw new RangeError(`expected sequence of length ${sizes[dim]} at dim ${dim} (got ${x.length})`);
    for (const e of x) walk(e, dim + 1);
  };
  walk(data, 0);
}

function fromNested(data: unknown, options: TensorOptions): Tensor {
  const sizes = computeSizes(data);
  let dtype = options.dtype;
  if (dtype === undefined) {
    const seen = { bigints: false };
    const kind = inferKind(data, seen);
    const float = getDefaultDtype();
    dtype = kind === Kind.Bool ? bool : kind === Kind.Int ? int64 : kind === Kind.Float ? float : float.toComplex();
    // In JS 1.0 === 1: numbers asked to require grad are floats, as a float is what such data can
    // be meant as (a bigint is an int, and keeps PyTorch's error).
    if (options.requiresGrad && dtype === int64 && !seen.bigints) dtype = float;
  }
  const n = sizes.reduce((a, b) => a * b, 1);
  const { out, staging, store } = storer(dtype, n);
  // An empty tensor stores nothing and checks nothing, as in PyTorch.
  if (n !== 0) storeAll(data, sizes, store);
  const t = wrap(native.fromBytes(out, staging.code, sizes));
  return staging === dtype ? t : convert(t, dtype);
}

/**
 * torch.tensor(data): a new tensor holding a copy of `data` — a number, a boolean, a bigint, a
 * torch.pyFloat, a Complex, nested arrays of them, or a TypedArray (whose type gives the dtype
 * unless `dtype` is given). Numbers follow README's "Numbers" rule; a value that does not fit
 * the dtype raises PyTorch's error.
 */
export function tensor(data: TensorData | TypedArray, options: TensorOptions = {}): Tensor {
  let t: Tensor;
  if (isTypedArray(data)) {
    const own = typedArrayDtype(data);
    t = wrap(native.fromBytes(data, own.code, [data.length]));
    if (options.dtype !== undefined) t = convert(t, options.dtype);
  } else {
    t = fromNested(data, options);
  }
  if (options.device !== undefined) t = convert(t, options.device);
  try {
    return withOptions(t, options);
  } catch (e) {
    t.dispose();
    throw e;
  }
}

// Replaces a fresh tensor by its conversion (dtype or device), freeing the intermediate at once.
function convert(t: Tensor, target: DType | DeviceLike): Tensor {
  let out: Tensor;
  try {
    out = target instanceof DType ? t.to(target) : t.to(target);
  } catch (e) {
    t.dispose();
    throw e;
  }
  if (out !== t) t.dispose();
  return out;
}

/** Applies the options a factory does not take itself (requiresGrad). */
export function withOptions(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}
