// torch/_tensor.py: the Tensor methods PyTorch writes in Python (split, norm, unique, stft, lu,
// unflatten, ...), plus the hand-written properties of python_variable.cpp (T, mT, H, mH, real,
// imag) and python_variable_methods.cpp's new_tensor. Installed on Tensor.prototype when this
// module loads (lib/index.ts imports it); declared on the class by module augmentation below.
import { bindMethod } from './arg_parser';
import { type DType, type TypedArray } from './dtype';
import { type DeviceLike } from './device';
import { tensor, type TensorData } from './creation';
import {
  istftImpl, luImpl, normImpl, stftImpl, tensorSplit, uniqueConsecutiveImpl, uniqueImpl,
  type IstftOptions, type LuResult, type LuWithInfo, type NormOptions, type StftOptions,
} from './functional';
import { pySignature } from './python_signature';
import { native, type Handle } from './native';
import { op } from './ops';
import { RemovableHandle } from './nn/module';
import { Tensor, wrap } from './tensor';

type IntLike = number | bigint;
type UniqueResult = Tensor | [Tensor, Tensor] | [Tensor, Tensor, Tensor];
type UniqueOptions = { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number | null };
type UniqueConsecutiveOptions = { returnInverse?: boolean; returnCounts?: boolean; dim?: number | null };

declare module './tensor' {
  interface Tensor {
    /** Pieces of `splitSize` along `dim` (the last one smaller), or pieces of the listed sizes; views. */
    split(splitSize: IntLike | Tensor | readonly IntLike[], dim?: IntLike): Tensor[];
    split(splitSize: IntLike | Tensor | readonly IntLike[], options?: { dim?: IntLike }): Tensor[];
    split(options: { splitSize: IntLike | Tensor | readonly IntLike[]; dim?: IntLike }): Tensor[];
    /** torch.norm(self, p, dim, keepdim, dtype): see torch.norm. */
    norm(p?: NormOptions['p'], dim?: NormOptions['dim'], keepdim?: boolean, options?: NormOptions): Tensor;
    norm(options?: NormOptions): Tensor;
    /** torch.unique(self, ...): the unique elements, with [output, inverse?, counts?] when asked. */
    unique(sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: UniqueOptions): UniqueResult;
    unique(options?: UniqueOptions): UniqueResult;
    /** torch.unique_consecutive(self, ...). */
    uniqueConsecutive(returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: UniqueConsecutiveOptions): UniqueResult;
    uniqueConsecutive(options?: UniqueConsecutiveOptions): UniqueResult;
    /** torch.stft(self, nFft, ...). */
    stft(nFft: IntLike, options?: StftOptions): Tensor;
    stft(nFft: IntLike, hopLength?: IntLike | null, winLength?: IntLike | null, window?: Tensor | null, center?: boolean, padMode?: string, normalized?: boolean, onesided?: boolean | null, returnComplex?: boolean | null, options?: StftOptions): Tensor;
    /** torch.istft(self, nFft, ...). */
    istft(nFft: IntLike, options?: IstftOptions): Tensor;
    istft(nFft: IntLike, hopLength?: IntLike | null, winLength?: IntLike | null, window?: Tensor | null, center?: boolean, normalized?: boolean, onesided?: boolean | null, length?: IntLike | null, returnComplex?: boolean, options?: IstftOptions): Tensor;
    /** Splits dimension `dim` into `sizes` (one may be -1). */
    unflatten(dim: IntLike, sizes: readonly IntLike[], options?: { dim?: IntLike; sizes?: readonly IntLike[] }): Tensor;
    unflatten(options: { dim: IntLike; sizes: readonly IntLike[] }): Tensor;
    /** torch.lu(self, pivot, getInfos) (deprecated in PyTorch for linalg.luFactor). */
    lu(pivot?: boolean, getInfos?: false, options?: { pivot?: boolean; getInfos?: false }): LuResult;
    lu(pivot: boolean, getInfos: true): LuWithInfo;
    lu(options: { pivot?: boolean; getInfos: true }): LuWithInfo;
    lu(options?: { pivot?: boolean; getInfos?: boolean }): LuResult | LuWithInfo;
    /** The indices of the nonzero elements: an (n, ndim) tensor, or one tensor per dimension with asTuple. */
    nonzero(options?: { asTuple?: false }): Tensor;
    nonzero(options: { asTuple: true }): Tensor[];
    /** A sparse COO copy (Tensor.to_sparse()). */
    toSparseCoo(): Tensor;
    /**
     * Runs `hook(grad)` each time this tensor's gradient is computed (during backward, on the
     * calling thread); a tensor it returns replaces the gradient. `.remove()` on the handle undoes it.
     */
    registerHook(hook: (grad: Tensor) => Tensor | void | null): RemovableHandle;
    /** Whether the storage is in shared memory (CUDA storages always are). */
    isShared(): boolean;
    /** Moves the storage into shared memory in place (a no-op when already shared or on CUDA); returns this tensor. */
    shareMemory_(): this;
    /** A new tensor holding a copy of `data`, with this tensor's dtype and device unless given. */
    newTensor(data: TensorData | TypedArray | Tensor, options?: { dtype?: DType | null; device?: DeviceLike | null; requiresGrad?: boolean }): Tensor;
    /** The dimensions reversed (a view; PyTorch warns for other than 2-D). */
    readonly T: Tensor;
    /** The last two dimensions transposed (a view). */
    readonly mT: Tensor;
    /** The conjugate transpose of a matrix (a view). */
    readonly H: Tensor;
    /** The last two dimensions transposed and conjugated (a view). */
    readonly mH: Tensor;
    /** The real part (a view; the tensor itself for real dtypes). Assigning copies into it. */
    get real(): Tensor;
    set real(value: Tensor | number | bigint | boolean);
    /** The imaginary part of a complex tensor (a view). Assigning copies into it. */
    get imag(): Tensor;
    set imag(value: Tensor | number | bigint | boolean);
  }
}

const ops = {
  numpyT: op('aten::numpy_T'),
  mT: op('aten::mT'),
  matrixH: op('aten::matrix_H'),
  mH: op('aten::mH'),
  real: op('aten::real'),
  imag: op('aten::imag'),
  detach: op('aten::detach'),
  nonzero: op('aten::nonzero'),
  nonzeroNumpy: op('aten::nonzero_numpy'),
};

// torch/_tensor.py's defs (new_tensor and nonzero are C-bound: python_variable_methods.cpp).
const SPLIT = pySignature('Tensor.split', 'self, split_size, dim=0');
const REGISTER_HOOK = pySignature<{ hook: unknown }>('Tensor.register_hook', 'self, hook');
const NORM = pySignature('Tensor.norm', 'self, p="fro", dim=None, keepdim=False, dtype=None');
const UNIQUE = pySignature('Tensor.unique', 'self, sorted=True, return_inverse=False, return_counts=False, dim=None');
const UNIQUE_CONSECUTIVE = pySignature('Tensor.unique_consecutive', 'self, return_inverse=False, return_counts=False, dim=None');
const STFT = pySignature(
  'Tensor.stft',
  'self, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect", normalized=False, onesided=None, return_complex=None, align_to_window=None',
);
const ISTFT = pySignature(
  'Tensor.istft',
  'self, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False, onesided=None, length=None, return_complex=False',
);
const UNFLATTEN = pySignature('Tensor.unflatten', 'self, dim, sizes');
const LU = pySignature('Tensor.lu', 'self, pivot=True, get_infos=False');
const NEW_TENSOR = pySignature('new_tensor', 'data, *, dtype=None, device=None, requires_grad=False');
const IS_SHARED = pySignature('Tensor.is_shared', 'self');
const SHARE_MEMORY = pySignature('Tensor.share_memory_', 'self');
const TO_SPARSE_COO = pySignature('Tensor.to_sparse_coo', 'self');
const NONZERO = pySignature('Tensor.nonzero', 'self, *, as_tuple=False');

/** torch.nonzero / Tensor.nonzero (bound by hand in PyTorch for `as_tuple`). */
export function nonzeroOf(t: Tensor, asTuple: unknown): Tensor | Tensor[] {
  if (asTuple === undefined || asTuple === false) return wrap(native.callOp(ops.nonzero, t._h));
  if (asTuple !== true) throw new TypeError(`nonzero(): argument 'as_tuple' must be bool, not ${typeof asTuple}`);
  return (native.callOp(ops.nonzeroNumpy, t._h) as Handle[]).map((h) => wrap(h));
}

const unflattenNative = bindMethod<(this: Tensor, dim: unknown, sizes: unknown) => Tensor>('unflatten');
const setNative = bindMethod<(this: Tensor, ...args: unknown[]) => Tensor>('set_');

function isEmptySizes(sizes: unknown): boolean {
  if (Array.isArray(sizes)) return sizes.length === 0;
  return sizes === 0 || sizes === 0n || sizes === null || sizes === false;
}

// Python's truth value of a flag, as `if get_infos:` reads it.
function flag(v: unknown): boolean {
  if (v instanceof Tensor) return Boolean(v.item());
  return Boolean(v);
}

function valueToTensor(like: Tensor, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  return tensor(v as TensorData, { dtype: like.dtype, device: like.device });
}

const methods: Record<string, (this: Tensor, ...args: unknown[]) => unknown> = {
  registerHook(...args) {
    const { hook } = REGISTER_HOOK(args);
    if (typeof hook !== 'function') throw new TypeError(`register_hook(): the hook must be a function, not ${typeof hook}`);
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    const h = this._h;
    const id = native.registerHook(h, (grad) => {
      const out = (hook as (g: Tensor) => unknown)(wrap(grad));
      if (out === undefined || out === null) return undefined;
      if (!(out instanceof Tensor)) throw new TypeError(`hook returned an object of type ${typeof out}, expected a Tensor or None`);
      return out._h;
    });
    return new RemovableHandle(() => native.removeHook(h, id), id);
  },
  nonzero(...args) {
    return nonzeroOf(this, NONZERO(args).asTuple);
  },
  split(...args) {
    const a = SPLIT(args);
    return tensorSplit(this, a.splitSize, a.dim ?? 0);
  },
  norm(...args) {
    return normImpl({ input: this, ...NORM(args) });
  },
  unique(...args) {
    const a = UNIQUE(args);
    return uniqueImpl({ input: this, ...a }, flag(a.returnInverse ?? false), flag(a.returnCounts ?? false));
  },
  uniqueConsecutive(...args) {
    const a = UNIQUE_CONSECUTIVE(args);
    return uniqueConsecutiveImpl({ input: this, ...a }, flag(a.returnInverse ?? false), flag(a.returnCounts ?? false));
  },
  stft(...args) {
    return stftImpl({ input: this, ...STFT(args) });
  },
  istft(...args) {
    return istftImpl(this, ISTFT(args));
  },
  unflatten(...args) {
    const a = UNFLATTEN(args);
    if (isEmptySizes(a.sizes)) throw new Error('unflatten: sizes must be non-empty');
    return unflattenNative.call(this, a.dim, a.sizes);
  },
  lu(...args) {
    const a = LU(args);
    return luImpl({ A: this, ...a }, flag(a.getInfos ?? false));
  },
  toSparseCoo(...args) {
    TO_SPARSE_COO(args);
    return this.toSparse();
  },
  isShared(...args) {
    IS_SHARED(args);
    return native.isShared(this._h);
  },
  shareMemory_(...args) {
    SHARE_MEMORY(args);
    native.shareMemory(this._h);
    return this;
  },
  // python_variable_methods.cpp's set_: ATen's overloads, with the dtype check it adds to set_(source).
  set_(...args) {
    const only = args.length === 1 ? args[0] : undefined;
    const keys = only !== null && typeof only === 'object' && !(only instanceof Tensor) ? Object.keys(only) : [];
    const source = only instanceof Tensor ? only : keys.length === 1 && keys[0] === 'source' ? (only as { source: unknown }).source : undefined;
    if (source instanceof Tensor) native.checkSetSource(this._h, source._h);
    return setNative.apply(this, args);
  },
  newTensor(...args) {
    const a = NEW_TENSOR(args);
    const dtype = (a.dtype ?? this.dtype) as DType;
    const device = (a.device ?? this.device) as DeviceLike;
    const requiresGrad = a.requiresGrad ?? false;
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`new_tensor(): argument 'requires_grad' must be bool, not ${typeof requiresGrad}`);
    const data = a.data;
    if (data instanceof Tensor) {
      process.emitWarning(
        'To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).',
        'UserWarning',
      );
      const detached = wrap(native.callOp(ops.detach, data._h));
      const out = detached.to({ dtype, device, copy: true });
      if (out !== detached) detached.dispose();
      return requiresGrad ? out.requiresGrad_(true) : out;
    }
    return tensor(data as TensorData, { dtype, device, requiresGrad });
  },
};

const getters: Record<string, { get(this: Tensor): Tensor; set?(this: Tensor, v: unknown): void }> = {
  T: { get() { return wrap(native.callOp(ops.numpyT, this._h)); } },
  mT: { get() { return wrap(native.callOp(ops.mT, this._h)); } },
  H: { get() { return wrap(native.callOp(ops.matrixH, this._h)); } },
  mH: { get() { return wrap(native.callOp(ops.mH, this._h)); } },
  real: {
    get() { return wrap(native.callOp(ops.real, this._h)); },
    set(v) {
      const part = wrap(native.callOp(ops.real, this._h));
      const src = valueToTensor(part, v);
      part.copy_(src);
      if (src !== v) src.dispose();
      part.dispose();
    },
  },
  imag: {
    get() { return wrap(native.callOp(ops.imag, this._h)); },
    set(v) {
      const part = wrap(native.callOp(ops.imag, this._h));
      const src = valueToTensor(part, v);
      part.copy_(src);
      if (src !== v) src.dispose();
      part.dispose();
    },
  },
};

/** Installs the methods and properties above on Tensor.prototype (once). */
export function installPythonTensorMethods(proto: object = Tensor.prototype): void {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  }
  for (const [name, accessor] of Object.entries(getters)) {
    Object.defineProperty(proto, name, { get: accessor.get, set: accessor.set, configurable: true });
  }
}
installPythonTensorMethods();
