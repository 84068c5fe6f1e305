// torch.dtype: one object per c10::ScalarType, printed as PyTorch prints it (`torch.float32`),
// and torch.finfo / torch.iinfo (torch/csrc/TypeInfo.cpp).
import { inspect } from 'util';
import { native } from './native';
import { formatG } from './pyformat';

export { Complex } from './complex';

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

type ArrayConstructor = { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray; new (length: number): TypedArray };

export class DType {
  /** @internal */
  constructor(
    /** PyTorch's name without the `torch.` prefix, e.g. `float32`. */
    readonly name: string,
    /** c10::ScalarType's value: what crosses into the addon. */
    readonly code: number,
    /** Bytes per element (a complex element holds both parts). */
    readonly itemsize: number,
    /** torch.dtype.is_floating_point: the real floating types (float16 ... float8, not complex). */
    readonly isFloatingPoint: boolean,
    /** torch.dtype.is_complex. */
    readonly isComplex: boolean,
    /** torch.dtype.is_signed. */
    readonly isSigned: boolean,
    /**
     * The TypedArray that holds this dtype's raw elements: float16 and bfloat16 as 16-bit
     * patterns in a Uint16Array, the float8 types as bytes in a Uint8Array, complex64 and
     * complex128 as interleaved (real, imag) pairs in a Float32Array or Float64Array (complex32
     * as pairs of float16 patterns in a Uint16Array).
     */
    readonly ArrayType: ArrayConstructor,
  ) {}
  /** torch.dtype.to_real(): the dtype of a complex dtype's parts; a real dtype itself. */
  toReal(): DType {
    return REAL_OF.get(this) ?? this;
  }
  /** torch.dtype.to_complex(): the complex dtype with parts of this dtype. */
  toComplex(): DType {
    if (this.isComplex) return this;
    const c = COMPLEX_OF.get(this);
    if (c === undefined) throw new Error(`Unknown Complex ScalarType for ${C10_NAMES[this.code] ?? this.name}`);
    return c;
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

const dt = (name: string, code: number, itemsize: number, kind: 'int' | 'uint' | 'float' | 'complex' | 'bool', A: ArrayConstructor): DType =>
  new DType(name, code, itemsize, kind === 'float', kind === 'complex', kind !== 'uint' && kind !== 'bool', A);

export const uint8 = dt('uint8', 0, 1, 'uint', Uint8Array);
export const int8 = dt('int8', 1, 1, 'int', Int8Array);
export const int16 = dt('int16', 2, 2, 'int', Int16Array);
export const int32 = dt('int32', 3, 4, 'int', Int32Array);
export const int64 = dt('int64', 4, 8, 'int', BigInt64Array);
export const float16 = dt('float16', 5, 2, 'float', Uint16Array);
export const float32 = dt('float32', 6, 4, 'float', Float32Array);
export const float64 = dt('float64', 7, 8, 'float', Float64Array);
export const complex32 = dt('complex32', 8, 4, 'complex', Uint16Array);
export const complex64 = dt('complex64', 9, 8, 'complex', Float32Array);
export const complex128 = dt('complex128', 10, 16, 'complex', Float64Array);
export const bool = dt('bool', 11, 1, 'bool', Uint8Array);
export const bfloat16 = dt('bfloat16', 15, 2, 'float', Uint16Array);
export const float8_e5m2 = dt('float8_e5m2', 23, 1, 'float', Uint8Array);
export const float8_e4m3fn = dt('float8_e4m3fn', 24, 1, 'float', Uint8Array);
export const float8_e5m2fnuz = dt('float8_e5m2fnuz', 25, 1, 'float', Uint8Array);
export const float8_e4m3fnuz = dt('float8_e4m3fnuz', 26, 1, 'float', Uint8Array);
export const uint16 = dt('uint16', 27, 2, 'uint', Uint16Array);
export const uint32 = dt('uint32', 28, 4, 'uint', Uint32Array);
export const uint64 = dt('uint64', 29, 8, 'uint', BigUint64Array);
/** Exponent only (8 bits, no sign): scales of the OCP MX formats. Unsigned, as in PyTorch. */
export const float8_e8m0fnu = new DType('float8_e8m0fnu', 44, 1, true, false, false, Uint8Array);
/** Two float4 (e2m1) values packed in each byte; libtorch converts it to nothing, so its
 * elements are reached as bytes (toTypedArray, or view as uint8). */
export const float4_e2m1fn_x2 = dt('float4_e2m1fn_x2', 45, 1, 'float', Uint8Array);

// PyTorch's aliases are the same objects: torch.float is torch.float32.
export const float = float32;
export const double = float64;
export const half = float16;
export const long = int64;
export const int = int32;
export const short = int16;
export const cfloat = complex64;
export const cdouble = complex128;
export const chalf = complex32;

/** Every dtype torchnode models, in c10::ScalarType order. */
export const ALL_DTYPES: readonly DType[] = [
  uint8, int8, int16, int32, int64, float16, float32, float64, complex32, complex64, complex128, bool, bfloat16,
  float8_e5m2, float8_e4m3fn, float8_e5m2fnuz, float8_e4m3fnuz, uint16, uint32, uint64, float8_e8m0fnu, float4_e2m1fn_x2,
];

const byCode: DType[] = [];
for (const d of ALL_DTYPES) byCode[d.code] = d;
const REAL_OF = new Map<DType, DType>([[complex32, float16], [complex64, float32], [complex128, float64]]);
// bfloat16's complex type is complex64 (c10::toComplexType), whose parts are float32.
const COMPLEX_OF = new Map<DType, DType>([[float16, complex32], [bfloat16, complex64], [float32, complex64], [float64, complex128]]);

// c10's names of the ScalarTypes (what libtorch's messages say).
const C10_NAMES: Record<number, string> = {
  0: 'Byte', 1: 'Char', 2: 'Short', 3: 'Int', 4: 'Long', 5: 'Half', 6: 'Float', 7: 'Double', 8: 'ComplexHalf', 9: 'ComplexFloat',
  10: 'ComplexDouble', 11: 'Bool', 12: 'QInt8', 13: 'QUInt8', 14: 'QInt32', 15: 'BFloat16', 16: 'QUInt4x2', 17: 'QUInt2x4',
  18: 'Bits1x8', 19: 'Bits2x4', 20: 'Bits4x2', 21: 'Bits8', 22: 'Bits16', 23: 'Float8_e5m2', 24: 'Float8_e4m3fn',
  25: 'Float8_e5m2fnuz', 26: 'Float8_e4m3fnuz', 27: 'UInt16', 28: 'UInt32', 29: 'UInt64', 44: 'Float8_e8m0fnu', 45: 'Float4_e2m1fn_x2',
};

export function dtypeFromCode(code: number): DType {
  const d = byCode[code];
  if (d === undefined) throw new Error(`torchnode does not support dtype ${C10_NAMES[code] ?? `code ${code}`} yet`);
  return d;
}

/** PyTorch's default floating dtype (torch.get_default_dtype()). */
export function getDefaultDtype(): DType {
  return dtypeFromCode(native.getDefaultDtype());
}

/** torch.set_default_dtype: the dtype of floats that factories and tensor() make by default. */
export function setDefaultDtype(d: DType): void {
  if (!(d instanceof DType)) throw new TypeError(`set_default_dtype(): argument 'd' must be torch.dtype, not ${typeof d}`);
  if (!d.isFloatingPoint) throw new TypeError('only floating-point types are supported as the default type');
  native.setDefaultDtype(d.code);
}

// ---- torch.finfo / torch.iinfo --------------------------------------------------------------

/** A number as it crosses to JS: exact integers beyond 2^53 as bigint (as tolist() gives them). */
const exactInt = (v: bigint): number | bigint => (v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v);

/** torch.finfo: the numerical properties of a floating (or complex: of its parts) dtype. */
export class FInfo {
  /** @internal */
  constructor(
    readonly bits: number,
    /** The difference between 1 and the next representable value. */
    readonly eps: number,
    readonly max: number,
    readonly min: number,
    /** The smallest positive normal number (an alias of smallestNormal, as in PyTorch). */
    readonly tiny: number,
    readonly smallestNormal: number,
    /** 10 ** -(decimal digits of precision). */
    readonly resolution: number,
    /** The dtype's name, a string as in PyTorch (`'float32'`). */
    readonly dtype: string,
  ) {}
  toString(): string {
    const g = formatG;
    return `finfo(resolution=${g(this.resolution)}, min=${g(this.min)}, max=${g(this.max)}, eps=${g(this.eps)}, ` +
      `smallest_normal=${g(this.smallestNormal)}, tiny=${g(this.tiny)}, dtype=${this.dtype})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/** torch.iinfo: the range of an integer dtype; `min` and `max` are bigint beyond 2^53. */
export class IInfo {
  /** @internal */
  constructor(
    readonly bits: number,
    readonly min: number | bigint,
    readonly max: number | bigint,
    readonly dtype: string,
  ) {}
  toString(): string {
    return `iinfo(min=${formatG(Number(this.min))}, max=${formatG(Number(this.max))}, dtype=${this.dtype})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

// [bits, eps, max, min, smallest normal, resolution] of each floating format, as PyTorch 2.13 gives them.
const FINFO: [DType, number, number, number, number, number, number][] = [
  [float16, 16, 2 ** -10, 65504, -65504, 2 ** -14, 0.001],
  [bfloat16, 16, 2 ** -7, 3.3895313892515355e38, -3.3895313892515355e38, 2 ** -126, 0.01],
  [float32, 32, 2 ** -23, 3.4028234663852886e38, -3.4028234663852886e38, 2 ** -126, 1e-6],
  [float64, 64, 2 ** -52, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** -1022, 1e-15],
  [float8_e5m2, 8, 0.25, 57344, -57344, 2 ** -14, 1],
  [float8_e4m3fn, 8, 0.125, 448, -448, 2 ** -6, 1],
  [float8_e5m2fnuz, 8, 0.125, 57344, -57344, 2 ** -15, 1],
  [float8_e4m3fnuz, 8, 0.125, 240, -240, 2 ** -7, 1],
  [float8_e8m0fnu, 8, 1, 2 ** 127, 2 ** -127, 2 ** -127, 1],
];
const FINFO_BY_DTYPE = new Map(FINFO.map(([d, ...rest]) => [d, rest]));

/**
 * torch.finfo(dtype): the numerical properties of a floating dtype, or of the parts of a complex
 * one; without a dtype, of the default dtype.
 */
export function finfo(dtype: DType = getDefaultDtype()): FInfo {
  if (!(dtype instanceof DType)) throw new TypeError('finfo(): argument \'type\' must be torch.dtype');
  if (!dtype.isFloatingPoint && !dtype.isComplex) {
    throw new TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
  }
  const real = dtype.toReal();
  const info = FINFO_BY_DTYPE.get(real);
  if (info === undefined) throw new Error(`"epsilon" not implemented for '${C10_NAMES[real.code]}'`);
  const [bits, eps, max, min, normal, resolution] = info as [number, number, number, number, number, number];
  return new FInfo(bits, eps, max, min, normal, normal, resolution, real.name);
}

/** torch.iinfo(dtype): the range of an integer dtype. */
export function iinfo(dtype: DType): IInfo {
  if (!(dtype instanceof DType)) throw new TypeError('iinfo(): argument \'type\' must be torch.dtype');
  if (dtype === bool) throw new TypeError('torch.bool is not supported by torch.iinfo');
  if (dtype.isFloatingPoint || dtype.isComplex) {
    throw new TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
  }
  const bits = dtype.itemsize * 8;
  const min = dtype.isSigned ? -(2n ** BigInt(bits - 1)) : 0n;
  const max = dtype.isSigned ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
  return new IInfo(bits, exactInt(min), exactInt(max), dtype.name);
}
