// Tensor creation: torch.tensor() from JS data, and the factory functions.
import { checkedDevice } from './cuda';
import { type DeviceLike } from './device';
import { DType, bool, float32, float64, getDefaultDtype, int16, int32, int64, int8, uint8, type TypedArray } from './dtype';
import { native } from './native';
import { op } from './ops';
import { Tensor, sizeArgs, wrap, type NestedArray } from './tensor';

export interface TensorOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

const ops = {
  zeros: op('aten::zeros'),
  ones: op('aten::ones'),
  empty: op('aten::empty.memory_format'),
  full: op('aten::full'),
  arange: op('aten::arange.start_step'),
};

function typedArrayDtype(a: TypedArray | Uint8ClampedArray | Uint32Array | BigUint64Array | Float64Array): DType {
  if (a instanceof Float32Array) return float32;
  if (a instanceof Float64Array) return float64;
  if (a instanceof Int32Array) return int32;
  if (a instanceof BigInt64Array) return int64;
  if (a instanceof Int16Array) return int16;
  if (a instanceof Int8Array) return int8;
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return uint8;
  throw new TypeError(`tensor(): ${a.constructor.name} has no matching torch dtype`);
}

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

// Walks nested arrays once: shape (checked rectangular, with PyTorch's message) and the kind of
// scalar found, which decides the inferred dtype (bool < int64 < default float).
function inspectData(data: unknown): { shape: number[]; kind: 0 | 1 | 2; flat: unknown[] } {
  const shape: number[] = [];
  const flat: unknown[] = [];
  let kind: 0 | 1 | 2 = 0;
  for (let x: unknown = data; Array.isArray(x); x = x[0]) {
    shape.push(x.length);
    if (x.length === 0) break;
  }
  const walk = (x: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof x === 'boolean') {
        // bool
      } else if (typeof x === 'bigint') {
        kind = Math.max(kind, 1) as 1 | 2;
      } else if (typeof x === 'number') {
        kind = Math.max(kind, Number.isInteger(x) ? 1 : 2) as 1 | 2;
      } else if (Array.isArray(x)) {
        throw new Error(`expected sequence of length ${shape.length} dims at dim ${dim} (got a nested sequence)`);
      } else {
        throw new TypeError(`Could not infer dtype of ${x === null ? 'NoneType' : typeof x}`);
      }
      flat.push(x);
      return;
    }
    if (!Array.isArray(x)) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${typeof x === 'number' ? 'a number' : typeof x})`);
    if (x.length !== shape[dim]) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${x.length})`);
    for (const e of x) walk(e, dim + 1);
  };
  walk(data, 0);
  return { shape, kind, flat };
}

function fill(flat: unknown[], dtype: DType): TypedArray {
  if (dtype === bool) return Uint8Array.from(flat, (v) => (v ? 1 : 0));
  if (!dtype.isFloatingPoint) return BigInt64Array.from(flat, (v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
  return Float64Array.from(flat, (v) => Number(v));
}

/**
 * torch.tensor(data): a new tensor holding a copy of `data` — a number, a boolean, nested arrays
 * of them, or a TypedArray (whose type gives the dtype unless `dtype` is given).
 */
export function tensor(data: NestedArray | TypedArray, options: TensorOptions = {}): Tensor {
  let t: Tensor;
  if (isTypedArray(data)) {
    const own = typedArrayDtype(data);
    t = wrap(native.fromBytes(data, own.code, [data.length]));
  } else {
    const { shape, kind, flat } = inspectData(data);
    const inferred = kind === 0 && flat.length > 0 ? bool : kind === 1 ? int64 : getDefaultDtype();
    // Staged as bool, int64 or float64, then converted by ATen, so rounding and wrapping follow
    // PyTorch's rules rather than those of JS TypedArrays.
    // Integral data meant as floats is staged as float64 too, which keeps -0 (JS cannot tell 0 from 0.0).
    const staging = inferred === bool ? bool : inferred === int64 && !options.dtype?.isFloatingPoint ? int64 : float64;
    t = wrap(native.fromBytes(fill(flat, staging), staging.code, shape));
    if (options.dtype === undefined) t = convert(t, inferred);
  }
  if (options.dtype !== undefined) t = convert(t, options.dtype);
  if (options.device !== undefined) t = convert(t, options.device);
  return withOptions(t, options);
}

// Replaces a fresh tensor by its conversion (dtype or device), freeing the intermediate at once.
function convert(t: Tensor, target: DType | DeviceLike): Tensor {
  const out = t.to(target);
  if (out !== t) t.dispose();
  return out;
}

type SizeArg = number | readonly number[];

// Splits `(2, 3, {dtype})` / `([2, 3], {dtype})` into sizes and options.
export function factoryArgs(args: readonly (SizeArg | TensorOptions)[]): [number[], TensorOptions] {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && typeof last === 'object' && !Array.isArray(last);
  const sizes = (hasOptions ? args.slice(0, -1) : args) as SizeArg[];
  return [sizeArgs(sizes), hasOptions ? (last as TensorOptions) : {}];
}

/** Applies the options a factory does not take itself (requiresGrad). */
export function withOptions(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function factory(id: number, sizes: number[], options: TensorOptions, ...middle: unknown[]): Tensor {
  return withOptions(wrap(native.callOp(id, sizes, ...middle, options.dtype?.code, undefined, deviceArg(options.device))), options);
}

export function deviceArg(device: DeviceLike | undefined): string | undefined {
  return device === undefined ? undefined : checkedDevice(device);
}

/** torch.zeros(2, 3) or torch.zeros([2, 3], { dtype }). */
export function zeros(...args: (SizeArg | TensorOptions)[]): Tensor {
  const [sizes, options] = factoryArgs(args);
  return factory(ops.zeros, sizes, options);
}
export function ones(...args: (SizeArg | TensorOptions)[]): Tensor {
  const [sizes, options] = factoryArgs(args);
  return factory(ops.ones, sizes, options);
}
/** Uninitialised memory, as torch.empty. */
export function empty(...args: (SizeArg | TensorOptions)[]): Tensor {
  const [sizes, options] = factoryArgs(args);
  return factory(ops.empty, sizes, options);
}
export function full(size: readonly number[], fillValue: number | boolean, options: TensorOptions = {}): Tensor {
  return factory(ops.full, [...size], options, fillValue);
}

/** torch.arange(end), arange(start, end), arange(start, end, step). */
export function arange(...args: (number | TensorOptions)[]): Tensor {
  const last = args[args.length - 1];
  const options = typeof last === 'object' ? (last as TensorOptions) : {};
  const nums = (typeof last === 'object' ? args.slice(0, -1) : args) as number[];
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  return withOptions(wrap(native.callOp(ops.arange, start, end, step, options.dtype?.code, undefined, deviceArg(options.device))), options);
}

const likeOps = {
  zerosLike: op('aten::zeros_like'),
  onesLike: op('aten::ones_like'),
  emptyLike: op('aten::empty_like'),
  fullLike: op('aten::full_like'),
  randLike: op('aten::rand_like'),
  randnLike: op('aten::randn_like'),
  linspace: op('aten::linspace'),
  eye: op('aten::eye.m'),
};

function like(id: number, t: Tensor, options: TensorOptions, ...middle: unknown[]): Tensor {
  return withOptions(wrap(native.callOp(id, t._h, ...middle, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
/** Same shape (and dtype and device unless given) as `t`. */
export const zerosLike = (t: Tensor, options: TensorOptions = {}): Tensor => like(likeOps.zerosLike, t, options);
export const onesLike = (t: Tensor, options: TensorOptions = {}): Tensor => like(likeOps.onesLike, t, options);
export const emptyLike = (t: Tensor, options: TensorOptions = {}): Tensor => like(likeOps.emptyLike, t, options);
export const randLike = (t: Tensor, options: TensorOptions = {}): Tensor => like(likeOps.randLike, t, options);
export const randnLike = (t: Tensor, options: TensorOptions = {}): Tensor => like(likeOps.randnLike, t, options);
export const fullLike = (t: Tensor, fillValue: number | boolean, options: TensorOptions = {}): Tensor =>
  like(likeOps.fullLike, t, options, fillValue);

/** `steps` evenly spaced values from start to end, inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return withOptions(wrap(native.callOp(likeOps.linspace, start, end, steps, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
/** The n×m identity (m defaults to n). */
export function eye(n: number, m: number | TensorOptions = n, options: TensorOptions = {}): Tensor {
  if (typeof m === 'object') [m, options] = [n, m];
  return withOptions(wrap(native.callOp(likeOps.eye, n, m, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
