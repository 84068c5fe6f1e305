// Python numbers in JS. JS has one number type; the rule (README "Numbers"):
//  - an integral number within the safe-integer range (|x| <= 2^53 - 1) is a Python int;
//  - any other number (1.5, 1e20, NaN, ±Infinity) is a Python float;
//  - a bigint is a Python int of any size (libtorch refuses what does not fit, as PyTorch does);
//  - pyFloat(x) is a Python float even when x is integral: `intTensor.mul(torch.pyFloat(2))`
//    is float, like Python's `int_tensor * 2.0`.
import { inspect } from 'util';

/** A number that crosses into libtorch as a Python float (a double), whatever its value. */
export class PyFloat {
  constructor(readonly value: number) {
    if (typeof value !== 'number') throw new TypeError(`pyFloat(): expected a number, got ${typeof value}`);
  }
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
  [inspect.custom](): string {
    return `pyFloat(${this.value})`;
  }
}

/** Marks `x` as a Python float (see PyFloat). */
export function pyFloat(x: number): PyFloat {
  return new PyFloat(x);
}

/** Whether a JS value is a Python int under the rule above. */
export function isPyInt(x: unknown): x is number | bigint {
  return typeof x === 'bigint' || (typeof x === 'number' && Number.isSafeInteger(x));
}

/** What an int parameter accepts (Python's int). */
export type IntLike = number | bigint;
/** What a float parameter accepts (any Python number). */
export type FloatLike = number | bigint | PyFloat;
/** What a Number (Scalar) parameter accepts: bool, int or float. */
export type ScalarLike = number | bigint | boolean | PyFloat;
/** A tuple of ints (torch.Size is one). */
export type IntList = readonly IntLike[];

/** Python's round() of a float to an int: halves go to the even neighbour. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
