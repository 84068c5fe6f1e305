// The globals a pickle may name, as torch/_weights_only_unpickler.py's _get_allowed_globals():
// collections.OrderedDict / Counter, torch.nn.Parameter, torch.Size, torch.device, dtypes,
// storage types, the torch._utils._rebuild_* functions, _codecs.encode (bytes), set, bytearray,
// complex. Everything else is refused by name. registerGlobal() plugs more in (a TypeScript class
// for a Python qualified name; whole-model loading builds on it).
import { Device } from '../device';
import * as dtypes from '../dtype';
import { Complex } from '../complex';
import { DType } from '../dtype';
import { native, type Handle } from '../native';
import { Parameter } from '../nn/parameter';
import { op } from '../ops';
import { Size } from '../size';
import { Tensor } from '../tensor';
import { PY_FLOATS, PY_REDUCE, PyCallable, PyGlobal, Tuple, UnpicklingError, safeName, setPyClass, type GlobalImpl, type Reduced } from './pickle';

const ops = {
  requiresGrad_: op('aten::requires_grad_'),
  emptyStrided: op('aten::empty_strided'),
  conjView: op('aten::_conj'),
  negView: op('aten::_neg_view'),
};

const registry = new Map<string, GlobalImpl>();

/** Allows `fullName` (`module.qualname`) in pickles and says what it does. */
export function registerGlobal(fullName: string, impl: GlobalImpl): void {
  registry.set(fullName, impl);
}

export function resolveGlobal(fullName: string): GlobalImpl | undefined {
  return registry.get(fullName);
}

/** A storage class named in a pickle (torch.FloatStorage): only its dtype matters. */
export class StorageType {
  constructor(readonly name: string, readonly dtype: DType) {}
}

/**
 * A storage from the file: `nbytes` bytes at `byteOffset` in `base` (a 1-D uint8 tensor, already
 * on the target device), seen as elements of `dtype`.
 */
export class StorageRef {
  constructor(
    readonly base: Tensor,
    readonly dtype: DType,
    readonly byteOffset: number,
    readonly nbytes: number,
  ) {}
}

// Python's complex number (builtins.complex, lib/complex.ts) pickles as `complex(real, imag)`.
export { Complex };
Object.defineProperty(Complex.prototype, PY_REDUCE, {
  value: function (this: Complex): Reduced {
    const args = new Tuple<unknown>(this.real, this.imag);
    Object.defineProperty(args, PY_FLOATS, { value: new Set([0, 1]) });
    return { func: new PyGlobal('builtins', 'complex'), args };
  },
});

// ---- argument checks (a file may put anything anywhere) -----------------------------------

function bad(what: string): never {
  throw new UnpicklingError(what);
}

function intArg(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) bad(`${what} must be a non-negative integer`);
  return x;
}

function intTuple(x: unknown, what: string): number[] {
  if (!Array.isArray(x) || x.length > 64) bad(`${what} must be a tuple of at most 64 ints`);
  return x.map((v) => intArg(v, what));
}

function boolArg(x: unknown, what: string): boolean {
  if (typeof x !== 'boolean') bad(`${what} must be a bool`);
  return x;
}

function dtypeArg(x: unknown): DType {
  if (!(x instanceof DType)) bad('expected a torch.dtype');
  return x;
}

/** A new Map that pickles as the Python class `cls` (a plain dict when undefined). */
export function newMap(cls: string | undefined): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  if (cls !== undefined) setPyClass(m, cls);
  return m;
}

// ---- tensors ---------------------------------------------------------------------------------

/**
 * The tensor a _rebuild_* function describes, over the storage `s` — after checking that every
 * element it can reach lies inside the storage.
 */
function tensorOver(s: unknown, dtype: DType | null, offset: unknown, size: unknown, stride: unknown): Tensor {
  if (!(s instanceof StorageRef)) bad('a tensor must be rebuilt from a storage');
  const dt = dtype ?? s.dtype;
  const off = intArg(offset, 'storage_offset');
  const sizes = intTuple(size, 'size');
  const strides = intTuple(stride, 'stride');
  if (sizes.length !== strides.length) bad(`size and stride have different lengths (${sizes.length} and ${strides.length})`);
  if (s.byteOffset % dt.itemsize !== 0) bad('a storage view is not aligned to its element size');
  const available = BigInt(Math.floor(s.nbytes / dt.itemsize));
  let numel = 1n;
  let last = BigInt(off);
  for (let i = 0; i < sizes.length; i++) {
    numel *= BigInt(sizes[i]!);
    if (sizes[i]! > 0) last += BigInt(sizes[i]! - 1) * BigInt(strides[i]!);
  }
  if (numel > 0n ? last >= available : BigInt(off) > available) {
    bad(`setStorage: sizes ${JSON.stringify(sizes)}, strides ${JSON.stringify(strides)}, storage offset ${off} and itemsize ${dt.itemsize} need more than the storage's ${s.nbytes} bytes`);
  }
  const t = new Tensor(native.fromStorage(s.base._h, dt.code, s.byteOffset / dt.itemsize + off, sizes, strides));
  // The storage is counted once while any handle over it lives; the loader frees the base handle
  // (see chargedBases).
  chargedBases.add(s.base);
  return t;
}

/** Bases whose storage a tensor holds: the loader disposes them when it is done. */
export const chargedBases = new WeakSet<Tensor>();

function parameter(data: Tensor, requiresGrad: boolean): Parameter {
  return new Parameter(data, requiresGrad);
}

/**
 * torch._utils.set_tensor_metadata: a saved view's lazy negative and conjugate bits
 * (`x.conj().imag`, `x.conj()`; the storage holds the values before them). Other keys are
 * ignored, as PyTorch ignores them.
 */
function withMetadata(t: Tensor, metadata: unknown): Tensor {
  if (metadata === undefined || metadata === null) return t;
  if (!(metadata instanceof Map)) bad('tensor metadata must be a dict');
  let out = t;
  for (const key of ['neg', 'conj']) {
    const on = metadata.get(key);
    if (on === undefined || on === false) continue;
    if (on !== true) bad(`tensor metadata ${key} must be a bool`);
    if (key === 'conj' && !out.dtype.isComplex) bad(`the conj bit is only for complex tensors, not ${out.dtype}`);
    const view = new Tensor(native.callOp(key === 'conj' ? ops.conjView : ops.negView, out._h) as Handle);
    if (out !== t) out.dispose();
    out = view;
  }
  if (out !== t) t.dispose();
  return out;
}

function withGrad(t: Tensor, requiresGrad: boolean): Tensor {
  if (requiresGrad) {
    if (!t.dtype.isFloatingPoint && !t.dtype.isComplex) bad(`only Tensors of floating point and complex dtype can require gradients, not ${t.dtype}`);
    native.callOp(ops.requiresGrad_, t._h, true);
  }
  return t;
}

function hooksArg(x: unknown): void {
  if (x !== null && x !== undefined && !(x instanceof Map)) bad('backward_hooks must be an OrderedDict');
}

const TENSOR_CLASS: GlobalImpl = {};

const rebuild: Record<string, (a: Tuple<unknown>) => unknown> = {
  // (storage, storage_offset, size, stride)
  _rebuild_tensor: (a) => tensorOver(a[0], null, a[1], a[2], a[3]),
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None)
  _rebuild_tensor_v2: (a) => {
    if (a.length < 6 || a.length > 7) bad('_rebuild_tensor_v2 takes 6 or 7 arguments');
    hooksArg(a[5]);
    return withGrad(withMetadata(tensorOver(a[0], null, a[1], a[2], a[3]), a[6]), boolArg(a[4], 'requires_grad'));
  },
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None)
  _rebuild_tensor_v3: (a) => {
    if (a.length < 7 || a.length > 8) bad('_rebuild_tensor_v3 takes 7 or 8 arguments');
    hooksArg(a[5]);
    return withGrad(withMetadata(tensorOver(a[0], dtypeArg(a[6]), a[1], a[2], a[3]), a[7]), boolArg(a[4], 'requires_grad'));
  },
  // (data, requires_grad, backward_hooks)
  _rebuild_parameter: (a) => {
    if (a.length !== 3) bad('_rebuild_parameter takes 3 arguments');
    if (!(a[0] instanceof Tensor)) bad('_rebuild_parameter needs a tensor');
    hooksArg(a[2]);
    return parameter(a[0], boolArg(a[1], 'requires_grad'));
  },
  // (data, requires_grad, backward_hooks, state)
  _rebuild_parameter_with_state: (a) => {
    if (a.length !== 4) bad('_rebuild_parameter_with_state takes 4 arguments');
    if (!(a[0] instanceof Tensor)) bad('_rebuild_parameter_with_state needs a tensor');
    hooksArg(a[2]);
    return parameter(a[0], boolArg(a[1], 'requires_grad'));
  },
  // (data, dtype, device, requires_grad)
  _rebuild_device_tensor_from_cpu_tensor: (a) => {
    if (a.length !== 4 || !(a[0] instanceof Tensor)) bad('_rebuild_device_tensor_from_cpu_tensor takes (tensor, dtype, device, requires_grad)');
    const device = typeof a[2] === 'string' ? a[2] : a[2] instanceof Device ? String(a[2]) : bad('device must be a string');
    return withGrad(a[0].to({ dtype: dtypeArg(a[1]), device }), boolArg(a[3], 'requires_grad'));
  },
  // (dtype, size, stride, requires_grad)
  _rebuild_meta_tensor_no_storage: (a) => {
    if (a.length !== 4) bad('_rebuild_meta_tensor_no_storage takes 4 arguments');
    const sizes = intTuple(a[1], 'size');
    const strides = intTuple(a[2], 'stride');
    if (sizes.length !== strides.length) bad('size and stride have different lengths');
    const t = new Tensor(native.callOp(ops.emptyStrided, sizes, strides, dtypeArg(a[0]).code, undefined, 'meta', undefined) as Handle);
    return withGrad(t, boolArg(a[3], 'requires_grad'));
  },
};

const unsupportedRebuild = ['_rebuild_qtensor', '_rebuild_sparse_tensor', '_rebuild_wrapper_subclass', '_rebuild_device_tensor_from_numpy'];

for (const [name, fn] of Object.entries(rebuild)) registerGlobal(`torch._utils.${name}`, { call: fn });
for (const name of unsupportedRebuild) {
  registerGlobal(`torch._utils.${name}`, {
    call: () => {
      throw new Error(`torch.load: torch._utils.${name} (quantized, sparse, subclass or numpy tensors) is not supported by torchnode yet`);
    },
  });
}

// (func, new_type, args, state): a tensor rebuilt by func(*args), then given new_type's class.
registerGlobal('torch._tensor._rebuild_from_type_v2', {
  call: (a) => {
    if (a.length !== 4) bad('_rebuild_from_type_v2 takes 4 arguments');
    const [func, newType, args] = a;
    if (!(func instanceof PyCallable) || func.impl.call === undefined) bad('_rebuild_from_type_v2 needs a rebuild function');
    if (!(args instanceof Tuple)) bad('_rebuild_from_type_v2 needs a tuple of arguments');
    const t = func.impl.call(args);
    if (!(t instanceof Tensor)) bad('_rebuild_from_type_v2 did not rebuild a tensor');
    if (newType instanceof PyCallable && newType.fullName === 'torch.nn.parameter.Parameter') return t instanceof Parameter ? t : parameter(t, t.requiresGrad);
    if (newType instanceof PyCallable && (newType.impl === TENSOR_CLASS || newType.fullName === 'torch.Tensor')) return t;
    throw new Error('torch.load: tensor subclasses are not supported by torchnode yet');
  },
});

// Parameter(data=None, requires_grad=True), called or made with NEWOBJ.
function newParameter(a: Tuple<unknown>): Parameter {
  const data = a[0] ?? null;
  if (data !== null && !(data instanceof Tensor)) bad('Parameter needs a tensor');
  return new Parameter(data ?? undefined, a.length > 1 ? boolArg(a[1], 'requires_grad') : true);
}
registerGlobal('torch.nn.parameter.Parameter', { newobj: newParameter, call: newParameter });
registerGlobal('torch.Tensor', TENSOR_CLASS);

// ---- containers and plain values ---------------------------------------------------------------

function fillFrom(m: Map<unknown, unknown>, src: unknown): Map<unknown, unknown> {
  if (src === undefined) return m;
  if (src instanceof Map) {
    for (const [k, v] of src) m.set(k, v);
    const floats = (src as { [PY_FLOATS]?: Set<unknown> })[PY_FLOATS];
    if (floats) Object.defineProperty(m, PY_FLOATS, { value: new Set(floats), writable: true, configurable: true });
    return m;
  }
  if (Array.isArray(src)) {
    for (const pair of src) {
      if (!Array.isArray(pair) || pair.length !== 2) bad('dict items must be (key, value) pairs');
      m.set(pair[0], pair[1]);
    }
    return m;
  }
  return bad('a dict can only be made from a dict or a list of pairs');
}

const orderedDict: GlobalImpl = {
  call: (a) => {
    if (a.length > 1) bad('OrderedDict takes at most one argument');
    return fillFrom(newMap('collections.OrderedDict'), a[0]);
  },
  newobj: () => newMap('collections.OrderedDict'),
};
registerGlobal('collections.OrderedDict', orderedDict);
registerGlobal('collections.Counter', {
  call: (a) => {
    if (a.length > 1) bad('Counter takes at most one argument');
    return fillFrom(newMap('collections.Counter'), a[0]);
  },
  newobj: () => newMap('collections.Counter'),
});

registerGlobal('torch.Size', {
  call: (a) => {
    if (a.length > 1) bad('torch.Size takes one argument');
    return Size.fromDims(a.length === 0 ? [] : intTuple(a[0], 'torch.Size'));
  },
});

registerGlobal('torch.device', {
  call: (a) => {
    if (typeof a[0] !== 'string' || a.length > 2) bad('torch.device takes (type[, index])');
    try {
      return a.length === 2 && a[1] !== null ? new Device(a[0], intArg(a[1], 'device index')) : new Device(a[0]);
    } catch (e) {
      return bad(`invalid device: ${safeName((e as Error).message)}`);
    }
  },
});

function encode(text: unknown, encoding: unknown): Buffer {
  if (typeof text !== 'string') bad('_codecs.encode needs a str');
  const enc = typeof encoding === 'string' ? encoding.toLowerCase().replace(/[-_]/g, '') : 'utf8';
  if (enc === 'latin1' || enc === 'iso88591') {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) bad("'latin-1' codec can't encode a character");
    return Buffer.from(text, 'latin1');
  }
  if (enc === 'utf8') return Buffer.from(text, 'utf8');
  if (enc === 'ascii') {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) bad("'ascii' codec can't encode a character");
    return Buffer.from(text, 'latin1');
  }
  return bad('_codecs.encode: unsupported encoding');
}

registerGlobal('_codecs.encode', {
  call: (a) => {
    if (a.length < 1 || a.length > 3) bad('_codecs.encode takes 1 to 3 arguments');
    return encode(a[0], a[1]);
  },
});
registerGlobal('builtins.bytearray', {
  call: (a) => {
    if (a.length === 0) return Buffer.alloc(0);
    if (Buffer.isBuffer(a[0])) return Buffer.from(a[0]);
    if (typeof a[0] === 'string') return encode(a[0], a[1]);
    if (Array.isArray(a[0])) {
      return Buffer.from(a[0].map((v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 256 ? v : bad('byte must be in range(0, 256)'))));
    }
    return bad('bytearray: unsupported argument');
  },
});
registerGlobal('builtins.set', {
  call: (a) => {
    if (a.length === 0) return new Set();
    if (!Array.isArray(a[0])) bad('set() needs a list');
    return new Set(a[0]);
  },
});
registerGlobal('builtins.complex', {
  call: (a) => {
    const num = (x: unknown): number => (x === undefined ? 0 : typeof x === 'number' ? x : bad('complex() takes numbers'));
    return new Complex(num(a[0]), num(a[1]));
  },
});
registerGlobal('torch.serialization._get_layout', {
  call: () => {
    throw new Error('torch.load: sparse layouts are not supported by torchnode yet');
  },
});

// ---- dtypes, storage types, tensor types -------------------------------------------------------

// Every dtype torchnode models loads; the rest (quantized, bits, sub-byte ints) is refused by name.
const dtypeByName = new Map(dtypes.ALL_DTYPES.map((d) => [d.name, d]));

function unsupportedDtype(name: string): GlobalImpl {
  return {
    get value(): never {
      throw new Error(`torch.load: torchnode does not support ${name} tensors yet`);
    },
  };
}

for (const d of dtypes.ALL_DTYPES) registerGlobal(`torch.${d.name}`, { value: d });
for (const name of ['qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'bits1x8', 'bits2x4', 'bits4x2', 'bits8', 'bits16', 'uint1', 'uint2', 'uint3', 'uint4', 'uint5', 'uint6', 'uint7', 'int1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7']) {
  registerGlobal(`torch.${name}`, unsupportedDtype(`torch.${name}`));
}

/**
 * Storage class name (torch.FloatStorage) of each dtype that has one (torch.storage's
 * _dtype_to_storage_type_map). The dtypes added since (uint16/32/64, complex32, the float8 and
 * float4 types) have none: torch.save writes their storages as torch.storage.UntypedStorage (bytes)
 * and passes the dtype to torch._utils._rebuild_tensor_v3.
 */
export const STORAGE_NAMES: Record<string, string> = {
  uint8: 'ByteStorage', int8: 'CharStorage', int16: 'ShortStorage', int32: 'IntStorage', int64: 'LongStorage',
  float16: 'HalfStorage', float32: 'FloatStorage', float64: 'DoubleStorage', bool: 'BoolStorage', bfloat16: 'BFloat16Storage',
  complex64: 'ComplexFloatStorage', complex128: 'ComplexDoubleStorage',
};
const TENSOR_NAMES: Record<string, string> = {
  uint8: 'ByteTensor', int8: 'CharTensor', int16: 'ShortTensor', int32: 'IntTensor', int64: 'LongTensor',
  float16: 'HalfTensor', float32: 'FloatTensor', float64: 'DoubleTensor', bool: 'BoolTensor', bfloat16: 'BFloat16Tensor',
};
for (const [dt, name] of Object.entries(STORAGE_NAMES)) registerGlobal(`torch.${name}`, { value: new StorageType(name, dtypeByName.get(dt)!) });
for (const name of ['QInt8Storage', 'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage']) {
  registerGlobal(`torch.${name}`, unsupportedDtype(`torch.${name}`));
}
registerGlobal('torch.storage.UntypedStorage', { value: new StorageType('UntypedStorage', dtypes.uint8) });
registerGlobal('torch.storage.TypedStorage', { value: new StorageType('TypedStorage', dtypes.uint8) });
for (const name of Object.values(TENSOR_NAMES)) registerGlobal(`torch.${name}`, {});
for (const q of ['per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams']) {
  registerGlobal(`torch.${q}`, { value: `torch.${q}` });
}
