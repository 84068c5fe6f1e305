// torch.dtype: one object per c10::ScalarType, printed as PyTorch prints it (`torch.float32`).
import { inspect } from 'util';

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

export class DType {
  /** @internal */
  constructor(
    /** PyTorch's name without the `torch.` prefix, e.g. `float32`. */
    readonly name: string,
    /** c10::ScalarType's value: what crosses into the addon. */
    readonly code: number,
    readonly itemsize: number,
    readonly isFloatingPoint: boolean,
    readonly isSigned: boolean,
    /** The TypedArray that holds this dtype's raw elements. */
    readonly ArrayType: { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray; new (length: number): TypedArray },
  ) {}
  toString(): string {
    return `torch.${this.name}`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

export const uint8 = new DType('uint8', 0, 1, false, false, Uint8Array);
export const int8 = new DType('int8', 1, 1, false, true, Int8Array);
export const int16 = new DType('int16', 2, 2, false, true, Int16Array);
export const int32 = new DType('int32', 3, 4, false, true, Int32Array);
export const int64 = new DType('int64', 4, 8, false, true, BigInt64Array);
export const float16 = new DType('float16', 5, 2, true, true, Uint16Array);
export const float32 = new DType('float32', 6, 4, true, true, Float32Array);
export const float64 = new DType('float64', 7, 8, true, true, Float64Array);
export const bool = new DType('bool', 11, 1, false, false, Uint8Array);
export const bfloat16 = new DType('bfloat16', 15, 2, true, true, Uint16Array);

// PyTorch's aliases are the same objects: torch.float is torch.float32.
export const float = float32;
export const double = float64;
export const half = float16;
export const long = int64;
export const int = int32;
export const short = int16;

const byCode: DType[] = [];
for (const d of [uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16]) byCode[d.code] = d;

export function dtypeFromCode(code: number): DType {
  const d = byCode[code];
  if (d === undefined) throw new Error(`torchnode does not support dtype code ${code} yet`);
  return d;
}

/** PyTorch's default floating dtype (torch.get_default_dtype()). */
export function getDefaultDtype(): DType {
  return float32;
}
