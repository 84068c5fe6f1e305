// torch.Tensor: a JS object owning one native handle (see native/tensor.cc and lib/memory.ts).
import { inspect } from 'util';
import { Device, type DeviceLike } from './device';
import { DType, dtypeFromCode, type TypedArray } from './dtype';
import { pace, track, type Disposable } from './memory';
import { native, type Handle } from './native';
import { op } from './ops';
import { Size } from './size';

/** What an op accepts where PyTorch accepts a tensor or a Python number. */
export type TensorOrScalar = Tensor | number | boolean | bigint;
export type Scalar = number | boolean | bigint;
/** Nested arrays of numbers or booleans (what tolist() returns and tensor() accepts). */
export type NestedArray = Scalar | NestedArray[];

const ops = {
  add: op('aten::add.Tensor'),
  add_: op('aten::add_.Tensor'),
  sub: op('aten::sub.Tensor'),
  sub_: op('aten::sub_.Tensor'),
  mul: op('aten::mul.Tensor'),
  mul_: op('aten::mul_.Tensor'),
  div: op('aten::div.Tensor'),
  divMode: op('aten::div.Tensor_mode'),
  div_: op('aten::div_.Tensor'),
  neg: op('aten::neg'),
  matmul: op('aten::matmul'),
  sum: op('aten::sum'),
  sumDim: op('aten::sum.dim_IntList'),
  mean: op('aten::mean'),
  meanDim: op('aten::mean.dim'),
  reshape: op('aten::reshape'),
  t: op('aten::t'),
  transpose: op('aten::transpose.int'),
  permute: op('aten::permute'),
  flatten: op('aten::flatten.using_ints'),
  squeeze: op('aten::squeeze'),
  squeezeDim: op('aten::squeeze.dim'),
  unsqueeze: op('aten::unsqueeze'),
  view: op('aten::view'),
  item: op('aten::item'),
  toDtype: op('aten::to.dtype'),
  toDevice: op('aten::to.device'),
  requiresGrad_: op('aten::requires_grad_'),
  backward: op('aten::_backward'),
  detach: op('aten::detach'),
  detach_: op('aten::detach_'),
  retainGrad: op('aten::retain_grad'),
  isLeaf: op('aten::is_leaf'),
  normal_: op('aten::normal_'),
  uniform_: op('aten::uniform_'),
  clone: op('aten::clone'),
  contiguous: op('aten::contiguous'),
  isContiguous: op('aten::is_contiguous'),
  numel: op('aten::numel'),
  dim: op('aten::dim'),
};

/** The handle to pass for an op argument: tensors by handle, everything else as it is. */
export function h(x: unknown): unknown {
  return x instanceof Tensor ? x._h : x;
}

/** Wraps what callOp returned: handles become Tensors (arrays element-wise). */
export function wrap(result: unknown): Tensor {
  return new Tensor(result as Handle);
}

function normDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Accepts `f(2, 3)` or `f([2, 3])`, as PyTorch's size arguments do. */
export function sizeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

export class Tensor implements Disposable {
  /** @internal The native handle. */
  readonly _h: Handle;
  #disposed = false;

  /** @internal Tensors come from torch functions and ops, never from `new`. */
  constructor(handle: Handle) {
    this._h = handle;
    track(this);
    pace();
  }

  // ---- lifetime -------------------------------------------------------------------------

  /** Frees the native tensor now. Safe to call twice; using the tensor afterwards throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    native.dispose(this._h);
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- metadata -------------------------------------------------------------------------

  get shape(): Size {
    return Size.fromDims(native.shape(this._h));
  }
  /** size() is torch.Size; size(dim) is one dimension (negative dims count from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    const s = native.shape(this._h);
    return dim === undefined ? Size.fromDims(s) : s[normDim(dim, s.length)]!;
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s = native.strides(this._h);
    return dim === undefined ? s : s[normDim(dim, s.length)]!;
  }
  storageOffset(): number {
    return native.storageOffset(this._h);
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this._h));
  }
  get device(): Device {
    return new Device(native.device(this._h));
  }
  get requiresGrad(): boolean {
    return native.requiresGrad(this._h);
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  get ndim(): number {
    return native.callOp(ops.dim, this._h) as number;
  }
  dim(): number {
    return this.ndim;
  }
  numel(): number {
    return native.callOp(ops.numel, this._h) as number;
  }
  isContiguous(): boolean {
    return native.callOp(ops.isContiguous, this._h) as boolean;
  }

  // ---- arithmetic (broadcasting, scalars and type promotion are ATen's) -----------------

  add(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
    return wrap(native.callOp(ops.add, this._h, h(other), options?.alpha));
  }
  add_(other: TensorOrScalar, options?: { alpha?: Scalar }): this {
    native.callOp(ops.add_, this._h, h(other), options?.alpha);
    return this;
  }
  sub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
    return wrap(native.callOp(ops.sub, this._h, h(other), options?.alpha));
  }
  sub_(other: TensorOrScalar, options?: { alpha?: Scalar }): this {
    native.callOp(ops.sub_, this._h, h(other), options?.alpha);
    return this;
  }
  mul(other: TensorOrScalar): Tensor {
    return wrap(native.callOp(ops.mul, this._h, h(other)));
  }
  mul_(other: TensorOrScalar): this {
    native.callOp(ops.mul_, this._h, h(other));
    return this;
  }
  /** True division; `roundingMode` 'trunc' or 'floor' as in PyTorch. */
  div(other: TensorOrScalar, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    if (options?.roundingMode != null) return wrap(native.callOp(ops.divMode, this._h, h(other), options.roundingMode));
    return wrap(native.callOp(ops.div, this._h, h(other)));
  }
  div_(other: TensorOrScalar): this {
    native.callOp(ops.div_, this._h, h(other));
    return this;
  }
  neg(): Tensor {
    return wrap(native.callOp(ops.neg, this._h));
  }
  matmul(other: Tensor): Tensor {
    return wrap(native.callOp(ops.matmul, this._h, h(other)));
  }

  // ---- reductions ------------------------------------------------------------------------

  /** sum() of all elements, or over `dim` (an int or a list of ints). */
  sum(dim?: number | readonly number[] | null, options?: { keepdim?: boolean; dtype?: DType }): Tensor {
    if (dim === undefined || dim === null) {
      if (options?.keepdim) return wrap(native.callOp(ops.sumDim, this._h, null, true, options.dtype?.code));
      return wrap(native.callOp(ops.sum, this._h, options?.dtype?.code));
    }
    return wrap(native.callOp(ops.sumDim, this._h, typeof dim === 'number' ? [dim] : dim, options?.keepdim, options?.dtype?.code));
  }
  mean(dim?: number | readonly number[] | null, options?: { keepdim?: boolean; dtype?: DType }): Tensor {
    if (dim === undefined || dim === null) {
      if (options?.keepdim) return wrap(native.callOp(ops.meanDim, this._h, null, true, options.dtype?.code));
      return wrap(native.callOp(ops.mean, this._h, options?.dtype?.code));
    }
    return wrap(native.callOp(ops.meanDim, this._h, typeof dim === 'number' ? [dim] : dim, options?.keepdim, options?.dtype?.code));
  }

  // ---- shape -----------------------------------------------------------------------------

  reshape(...shape: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.reshape, this._h, sizeArgs(shape)));
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.view, this._h, sizeArgs(shape)));
  }
  /** Transpose of a tensor with at most 2 dimensions. */
  t(): Tensor {
    return wrap(native.callOp(ops.t, this._h));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(native.callOp(ops.transpose, this._h, dim0, dim1));
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return wrap(native.callOp(ops.permute, this._h, sizeArgs(dims)));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(native.callOp(ops.flatten, this._h, startDim, endDim));
  }
  squeeze(dim?: number): Tensor {
    return wrap(dim === undefined ? native.callOp(ops.squeeze, this._h) : native.callOp(ops.squeezeDim, this._h, dim));
  }
  unsqueeze(dim: number): Tensor {
    return wrap(native.callOp(ops.unsqueeze, this._h, dim));
  }
  contiguous(): Tensor {
    return wrap(native.callOp(ops.contiguous, this._h));
  }
  clone(): Tensor {
    return wrap(native.callOp(ops.clone, this._h));
  }

  // ---- autograd --------------------------------------------------------------------------

  /** Turns gradient recording on or off for this (leaf) tensor; returns it. */
  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') throw new TypeError('requires_grad_(): argument \'requires_grad\' must be bool');
    native.callOp(ops.requiresGrad_, this._h, requiresGrad);
    return this;
  }
  /** The accumulated gradient, or null. */
  get grad(): Tensor | null {
    const g = native.grad(this._h);
    return g === null ? null : wrap(g);
  }
  set grad(g: Tensor | null) {
    native.setGrad(this._h, g === null ? null : g._h);
  }
  get isLeaf(): boolean {
    return native.callOp(ops.isLeaf, this._h) as boolean;
  }
  /** Computes gradients of this tensor with respect to graph leaves (torch.Tensor.backward). */
  backward(gradient?: Tensor | null, options: { retainGraph?: boolean; createGraph?: boolean; inputs?: Tensor[] } = {}): void {
    native.callOp(ops.backward, this._h, (options.inputs ?? []).map((t) => t._h), gradient?._h ?? null, options.retainGraph ?? null, options.createGraph ?? false);
  }
  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    return wrap(native.callOp(ops.detach, this._h));
  }
  detach_(): this {
    native.callOp(ops.detach_, this._h);
    return this;
  }
  /** Keeps .grad for this non-leaf tensor after backward(). */
  retainGrad(): void {
    native.callOp(ops.retainGrad, this._h);
  }

  // ---- random fills (the default generator; see torch.manualSeed) -------------------------

  normal_(mean = 0, std = 1): this {
    native.callOp(ops.normal_, this._h, mean, std);
    return this;
  }
  uniform_(from = 0, to = 1): this {
    native.callOp(ops.uniform_, this._h, from, to);
    return this;
  }

  // ---- conversion ------------------------------------------------------------------------

  /** to(dtype) or to(device); returns this tensor itself when nothing changes, as PyTorch does. */
  to(target: DType | DeviceLike, options?: { copy?: boolean }): Tensor {
    const copy = options?.copy ?? false;
    if (target instanceof DType) {
      if (!copy && target.code === native.dtype(this._h)) return this;
      return wrap(native.callOp(ops.toDtype, this._h, target.code, false, copy));
    }
    const device = String(new Device(target));
    if (!copy && device === native.device(this._h)) return this;
    return wrap(native.callOp(ops.toDevice, this._h, device, native.dtype(this._h), false, copy));
  }

  /** The value of a one-element tensor as a JS number (or boolean). */
  item(): Scalar {
    return native.callOp(ops.item, this._h) as Scalar;
  }

  /** A copy of the elements, in row-major order, in the TypedArray of this dtype
   * (float16 and bfloat16 as their raw 16-bit patterns in a Uint16Array). */
  toTypedArray(): TypedArray {
    const d = this.dtype;
    return new d.ArrayType(native.toBytes(this._h));
  }

  /** The elements as nested JS arrays (int64 beyond 2^53 as bigint), like PyTorch's tolist(). */
  tolist(): NestedArray {
    const d = this.dtype;
    let flat: ArrayLike<unknown>;
    if (d.name === 'float16' || d.name === 'bfloat16') {
      flat = new Float32Array(native.toBytes(native.callOp(ops.toDtype, this._h, 6) as Handle));
    } else {
      flat = this.toTypedArray();
    }
    const convert =
      d.name === 'bool'
        ? (v: unknown) => v !== 0
        : d.name === 'int64'
          ? (v: unknown) => (BigInt(Number(v)) === v ? Number(v) : (v as bigint))
          : (v: unknown) => v as number;
    const shape = native.shape(this._h);
    let i = 0;
    const build = (k: number): NestedArray => {
      if (k === shape.length) return convert(flat[i++]) as Scalar;
      const out: NestedArray[] = new Array(shape[k]);
      for (let j = 0; j < shape[k]!; ++j) out[j] = build(k + 1);
      return out;
    };
    return build(0);
  }

  toString(): string {
    // Full PyTorch-style formatting comes with the printing work; this is a faithful minimum.
    const suffix = this.dtype.name === 'float32' || this.dtype.name === 'int64' || this.dtype.name === 'bool' ? '' : `, dtype=${this.dtype}`;
    return `tensor(${JSON.stringify(this.tolist(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}${suffix})`;
  }
  [inspect.custom](): string {
    return this.isDisposed ? 'tensor(<disposed>)' : this.toString();
  }
}

// Element-wise ops, one line each: the name of the ATen op is the method's name; those listed
// with an in-place twin also get `name_`. Python numbers are accepted wherever a tensor is.
const UNARY = ['abs', 'exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'relu', 'sin', 'cos', 'floor', 'ceil', 'round', 'reciprocal', 'sign', 'log1p', 'expm1', 'square'] as const;
const UNARY_INPLACE = ['abs', 'exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'relu', 'sin', 'cos', 'floor', 'ceil', 'round', 'reciprocal', 'sign', 'log1p', 'expm1', 'square'] as const;
const BINARY = { pow: 'aten::pow.Tensor_Tensor', eq: 'aten::eq.Tensor', ne: 'aten::ne.Tensor', lt: 'aten::lt.Tensor', le: 'aten::le.Tensor', gt: 'aten::gt.Tensor', ge: 'aten::ge.Tensor', maximum: 'aten::maximum', minimum: 'aten::minimum', remainder: 'aten::remainder.Tensor', fmod: 'aten::fmod.Tensor' } as const;

type UnaryMethods = { [K in (typeof UNARY)[number]]: () => Tensor } & { [K in `${(typeof UNARY_INPLACE)[number]}_`]: () => Tensor };
type BinaryMethods = { [K in keyof typeof BINARY]: (other: TensorOrScalar) => Tensor };
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends UnaryMethods, BinaryMethods {}

for (const name of UNARY) {
  const id = op(`aten::${name}`);
  Object.defineProperty(Tensor.prototype, name, { value: function (this: Tensor) { return wrap(native.callOp(id, this._h)); }, writable: true, configurable: true });
}
for (const name of UNARY_INPLACE) {
  const id = op(`aten::${name}_`);
  Object.defineProperty(Tensor.prototype, `${name}_`, { value: function (this: Tensor) { native.callOp(id, this._h); return this; }, writable: true, configurable: true });
}
for (const [name, schema] of Object.entries(BINARY)) {
  const id = op(schema);
  Object.defineProperty(Tensor.prototype, name, { value: function (this: Tensor, other: TensorOrScalar) { return wrap(native.callOp(id, this._h, h(other))); }, writable: true, configurable: true });
}
