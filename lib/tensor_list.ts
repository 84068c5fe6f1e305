// A tensor's elements as JS values (torch/csrc/utils/tensor_list.cpp): tolist(), item() and
// toTypedArray(), for every dtype.
//  - bool: booleans; integers: numbers, and bigints beyond ±(2^53 - 1) (int64, uint64), so a
//    value is never rounded;
//  - floating types: numbers (float16, bfloat16 and the float8 types exactly, through float32);
//  - complex types: Complex objects with `real` and `imag`.
import { Complex } from './complex';
import { bool, complex32, complex64, float32, int64, uint64, type DType, type TypedArray } from './dtype';
import { native, type Handle } from './native';
import { op } from './ops';
import type { Tensor } from './tensor';

/** What tolist() gives: nested arrays of elements. */
export type ListValue = number | bigint | boolean | Complex | ListValue[];

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const TO_DTYPE = op('aten::to.dtype');

/**
 * A contiguous CPU copy of the elements of the tensor behind `h`, converted to `as` first when
 * given (native toBytes resolves a lazily conjugated or negated view).
 */
function bytesOf(h: Handle, as?: DType): ArrayBuffer {
  if (as === undefined || as.code === native.dtype(h)) return native.toBytes(h);
  const converted = native.callOp(TO_DTYPE, h, as.code, false, false) as Handle;
  try {
    return native.toBytes(converted);
  } finally {
    native.dispose(converted);
  }
}

/** Tensor.toTypedArray(): the raw elements in the dtype's TypedArray (see DType.ArrayType). */
export function typedArrayOf(t: Tensor): TypedArray {
  return new t.dtype.ArrayType(bytesOf(t._h));
}

/** The flat elements of the tensor behind `h`, in row-major order, as JS values. */
function flatValues(h: Handle, d: DType): ArrayLike<ListValue> {
  if (d.isComplex) {
    // complex32 goes through complex64 (exact), like float16 through float32.
    const Parts = d.toReal().ArrayType;
    const parts = d === complex32 ? new Float32Array(bytesOf(h, complex64)) : new Parts(bytesOf(h));
    const out = new Array<Complex>(parts.length / 2);
    for (let i = 0; i < out.length; ++i) out[i] = new Complex(parts[2 * i] as number, parts[2 * i + 1] as number);
    return out;
  }
  // float16, bfloat16 and the float8 types: exactly as float32 values.
  if (d.isFloatingPoint && d.ArrayType !== Float32Array && d.ArrayType !== Float64Array) return new Float32Array(bytesOf(h, float32));
  const raw = new d.ArrayType(bytesOf(h));
  if (d === bool) return Array.from(raw as Uint8Array, (v) => v !== 0);
  if (d === int64 || d === uint64) return Array.from(raw as BigInt64Array | BigUint64Array, (v) => (v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v));
  return raw as ArrayLike<number>;
}

/** Tensor.tolist(): nested arrays of JS values (a bare value for a 0-dim tensor). */
export function listOf(t: Tensor): ListValue {
  const flat = flatValues(t._h, t.dtype);
  const shape = native.shape(t._h);
  let i = 0;
  const build = (k: number): ListValue => {
    if (k === shape.length) return flat[i++]!;
    const out: ListValue[] = new Array(shape[k]);
    for (let j = 0; j < shape[k]!; ++j) out[j] = build(k + 1);
    return out;
  };
  return build(0);
}

/** Tensor.item(): the value of a one-element tensor, as tolist() gives elements. */
export function itemOf(t: Tensor): number | bigint | boolean | Complex {
  const n = native.shape(t._h).reduce((a, b) => a * b, 1);
  if (n !== 1) throw new Error(`a Tensor with ${n} elements cannot be converted to Scalar`);
  return flatValues(t._h, t.dtype)[0] as number | bigint | boolean | Complex;
}
