// torch.save / torch.load (torch/serialization.py): PyTorch's zip format both ways, the legacy
// (pre-1.6) format and bare safetensors files for reading. Loading accepts what PyTorch's
// torch.load(weights_only=True) accepts, plus whole models whose classes are torch.nn built-ins or
// registered with registerModule (modules.ts); nothing in a file is ever executed.
import * as fs from 'fs';
import * as path from 'path';
import { Device } from '../device';
import { DType } from '../dtype';
import * as dtypes from '../dtype';
import { native, type Handle } from '../native';
import { Module } from '../nn/module';
import { camelToSnake } from '../nn/modules_utils';
import { Parameter } from '../nn/parameter';
import { op } from '../ops';
import { Size } from '../size';
import { Tensor } from '../tensor';
import { atomicWrite, atomicWriteAsync } from './atomic';
import { STORAGE_NAMES, StorageRef, chargedBases, StorageType, newMap, resolveGlobal } from './globals';
import { reduceModule, registerHint } from './modules';
import { loadSafetensorsFrom, looksLikeSafetensors } from './safetensors';
import { Pickler, PyGlobal, Tuple, Unpickler, UnpicklingError, safeName, scanPickle, type Reduced } from './pickle';
import { BufferSource, FileSource, ZipReader, ZipWriter, emptyBytes, type Source } from './zip';

export { Tuple, PY_CLASS, PY_FLOATS, PY_ATTRS, PY_REDUCE, PyGlobal, UnpicklingError, markFloat, type Reduced, type GlobalImpl } from './pickle';
export { registerGlobal, StorageType, Complex } from './globals';
export { saveSafetensors, loadSafetensors, type SafetensorsDict } from './safetensors';
export { atomicWrite, atomicWriteAsync } from './atomic';
export { registerModule } from './modules';

const ops = {
  view: op('aten::view'),
  flip: op('aten::flip'),
  copy_: op('aten::copy_'),
  toDevice: op('aten::to.device'),
  isConj: op('aten::is_conj'),
  isNeg: op('aten::is_neg'),
};

/** Where loaded storages go: a device for all, a map from saved location to device, or a function. */
export type MapLocation =
  | string
  | Device
  | Record<string, string>
  | ((storage: Tensor, location: string) => Tensor | null | undefined)
  | null;

export interface LoadOptions {
  /** Python's map_location. */
  mapLocation?: MapLocation;
  /** Only `true` (the default) exists: torchnode never runs code from a file. */
  weightsOnly?: true;
  /**
   * Python's mmap=True (zip-format and safetensors files, given by path): storages are mapped
   * from the file copy-on-write instead of read, so their pages load when first touched and
   * writes to the tensors never reach the file. The file must not be truncated while mapped.
   */
  mmap?: boolean;
}

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
const UNSAFE_MESSAGE =
  'torchnode loads only what PyTorch loads with weights_only=True, and whole models made of torch.nn modules and registered classes; it never runs code from a file.';

/** Python's torch.serialization wording for a refused pickle. */
function weightsOnlyError(e: UnpicklingError): Error {
  const unsupported = /GLOBAL (\S+) was not an allowed global by default/.exec(e.message);
  return new UnpicklingError(
    unsupported !== null
      ? `Weights only load failed. ${UNSAFE_MESSAGE}\n\tWeightsUnpickler error: ${e.message}${registerHint(unsupported[1]!)}`
      : `Weights only load failed. ${UNSAFE_MESSAGE}\n WeightsUnpickler error: ${e.message}`,
  );
}


/**
 * Reverses the byte order of each element of `dtype` in a 1-D uint8 tensor, in place; a complex
 * element's two parts are swapped each (torch.UntypedStorage.byteswap).
 */
function byteswap(bytes: Tensor, dtype: DType): void {
  const width = dtype.isComplex ? dtype.itemsize / 2 : dtype.itemsize;
  const n = bytes.numel();
  if (width <= 1 || n === 0) return;
  const grid = native.callOp(ops.view, bytes._h, [n / width, width]) as Handle;
  const flipped = native.callOp(ops.flip, grid, [1]) as Handle;
  native.callOp(ops.copy_, grid, flipped, false);
  native.dispose(flipped);
  native.dispose(grid);
}

// torch/serialization.py default_restore_location + _get_restore_location.
function restoreLocation(mapLocation: MapLocation | undefined, location: string): string | ((t: Tensor) => Tensor) {
  let target = location;
  if (typeof mapLocation === 'function') {
    return (t: Tensor) => {
      const r = mapLocation(t, location);
      return r === null || r === undefined ? placeOn(t, location) : r;
    };
  }
  if (typeof mapLocation === 'string') target = mapLocation;
  else if (mapLocation instanceof Device) target = String(mapLocation);
  else if (mapLocation !== null && mapLocation !== undefined && typeof mapLocation === 'object') {
    target = Object.prototype.hasOwnProperty.call(mapLocation, location) ? mapLocation[location]! : location;
  }
  return target;
}

function placeOn(t: Tensor, location: string): Tensor {
  let d: Device;
  try {
    d = new Device(location);
  } catch {
    throw new Error(`don't know how to restore data location of torch.storage.UntypedStorage (tagged with ${safeName(location)})`);
  }
  if (d.type === 'cpu') return t;
  if (d.type === 'cuda') {
    const count = native.cudaDeviceCount();
    if (count <= 0) {
      throw new Error(
        "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running on a CPU-only machine, please use torch.load with mapLocation: 'cpu' to map your storages to the CPU.",
      );
    }
    if (d.index !== null && d.index >= count) {
      throw new Error(`Attempting to deserialize object on CUDA device ${d.index} but torch.cuda.device_count() is ${count}. Please use torch.load with mapLocation to map your storages to an existing device.`);
    }
    return new Tensor(native.callOp(ops.toDevice, t._h, String(d), dtypes.uint8.code, false, false) as Handle);
  }
  if (d.type === 'meta') return new Tensor(native.callOp(ops.toDevice, t._h, 'meta', dtypes.uint8.code, false, false) as Handle);
  throw new Error(`don't know how to restore data location of torch.storage.UntypedStorage (tagged with ${String(d)})`);
}

function place(bytes: Tensor, mapLocation: MapLocation | undefined, location: string): Tensor {
  const target = restoreLocation(mapLocation, location);
  const moved = typeof target === 'function' ? target(bytes) : placeOn(bytes, target);
  if (!(moved instanceof Tensor)) throw new TypeError('mapLocation must return a Tensor, null or undefined');
  return moved;
}

function storagePid(pid: unknown, length: number): [StorageType, string, string, number] {
  if (!(pid instanceof Tuple) || pid.length !== length || pid[0] !== 'storage') throw new UnpicklingError('invalid storage persistent id');
  const [, type, key, location, numel] = pid;
  if (!(type instanceof StorageType)) throw new UnpicklingError('a storage persistent id needs a storage type');
  if (typeof key !== 'string' || key.length > 256) throw new UnpicklingError('a storage key must be a short str');
  if (typeof location !== 'string' || location.length > 64) throw new UnpicklingError('a storage location must be a short str');
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw new UnpicklingError('a storage size must be a non-negative int');
  return [type, key, location, numel];
}

/** One pickle from `start`; without `persistentLoad`, one that may name no globals and no storages. */
function unpickle(data: Uint8Array, start: number, persistentLoad?: (pid: unknown) => unknown): unknown {
  const u = new Unpickler(data, {
    resolveGlobal: persistentLoad === undefined ? () => undefined : resolveGlobal,
    persistentLoad: persistentLoad ?? (() => { throw new UnpicklingError('unsupported persistent id encountered'); }),
  }, start);
  return u.load();
}

function loadZip(source: Source, options: LoadOptions): unknown {
  const zip = new ZipReader(source);
  if (zip.names.length === 0) throw new Error('PytorchStreamReader failed reading zip archive: archive does not contain any files');
  const first = zip.names[0]!;
  const slash = first.indexOf('/');
  if (slash < 0) throw new Error(`PytorchStreamReader failed reading zip archive: file in archive is not in a subdirectory: ${JSON.stringify(safeName(first))}`);
  const prefix = first.slice(0, slash + 1);
  const record = (name: string) => zip.get(prefix + name);
  if (record('constants.pkl') !== undefined || zip.names.some((n) => n.startsWith(`${prefix}code/`))) {
    throw new Error(
      "Cannot use ``weights_only=True`` with TorchScript archives passed to ``torch.load``. This file is a TorchScript archive (it has constants.pkl and code/): load it with torch.jit.load.",
    );
  }
  const versionRecord = record('.data/version') ?? record('version');
  if (versionRecord === undefined) throw new Error('PytorchStreamReader failed locating file version: file not found');
  const versionText = zip.read(versionRecord, 64).toString('latin1').trim();
  if (!/^\d{1,3}$/.test(versionText) || Number(versionText) < 1) {
    throw new Error(`PytorchStreamReader failed reading file version: Couldn't parse the version ${JSON.stringify(safeName(versionText))} as Long Long.`);
  }
  let bigEndian = false;
  const byteorder = record('byteorder');
  if (byteorder !== undefined) {
    const text = zip.read(byteorder, 16).toString('latin1');
    if (text !== 'little' && text !== 'big') throw new Error(`Unknown endianness type: ${JSON.stringify(safeName(text))}`);
    bigEndian = text === 'big';
  }
  const pkl = record('data.pkl');
  if (pkl === undefined) throw new Error('PytorchStreamReader failed locating file data.pkl: file not found');
  const data = zip.read(pkl);

  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: unknown): StorageRef => {
    const [type, key, location, numel] = storagePid(pid, 5);
    const cached = storages.get(key);
    if (cached !== undefined) {
      if (cached.dtype !== type.dtype) throw new UnpicklingError(`storage ${JSON.stringify(safeName(key))} is used with two dtypes`);
      return cached;
    }
    const nbytes = numel * type.dtype.itemsize;
    const rec = record(`data/${key}`);
    if (rec === undefined) throw new Error(`PytorchStreamReader failed locating file data/${safeName(key)}: file not found`);
    if (rec.size !== nbytes) throw new Error(`record size (${rec.size} bytes) does not match expected size (${nbytes} bytes = ${numel} elements * ${type.dtype.itemsize} bytes/element)`);
    const bytes = zip.bytes(rec, type.dtype.itemsize);
    if (bigEndian) byteswap(bytes, type.dtype);
    const placed = place(bytes, options.mapLocation, location);
    if (placed !== bytes) bytes.dispose();
    const ref = new StorageRef(placed, type.dtype, 0, nbytes);
    storages.set(key, ref);
    return ref;
  };
  const value = unpickle(data, 0, persistentLoad);
  releaseBases(storages.values());
  return value;
}

/** Frees the loader's own handles on storages whose tensors now hold them. */
function releaseBases(refs: Iterable<StorageRef>): void {
  for (const r of refs) if (chargedBases.has(r.base)) r.base.dispose();
}

/** Legacy format: five pickles (magic, protocol, sys info, object, storage keys), then the storages. */
function loadLegacy(source: Source, options: LoadOptions): unknown {
  // The pickles come first; read as much of the file as they need.
  let chunk = source.read(0, Math.min(source.size, 1 << 20));
  const ends: number[] = [];
  for (;;) {
    ends.length = 0;
    try {
      let p = 0;
      for (let i = 0; i < 5; i++) {
        p = scanPickle(chunk, p).end;
        ends.push(p);
      }
      break;
    } catch (e) {
      if (e instanceof UnpicklingError && /truncated/.test(e.message) && chunk.length < source.size) {
        chunk = source.read(0, Math.min(source.size, chunk.length * 4));
        continue;
      }
      throw e;
    }
  }
  const magic = unpickle(chunk, 0);
  if (BigInt(typeof magic === 'number' || typeof magic === 'bigint' ? magic : -1) !== MAGIC_NUMBER) throw new Error('Invalid magic number; corrupt file?');
  const protocol = unpickle(chunk, ends[0]!);
  if (protocol !== PROTOCOL_VERSION) throw new Error(`Invalid protocol version: ${typeof protocol === 'number' ? protocol : typeof protocol}`);
  const sysInfo = unpickle(chunk, ends[1]!);
  const littleEndian = !(sysInfo instanceof Map) || sysInfo.get('little_endian') !== false;
  const dataStart = ends[4]!;
  const budget = source.size - dataStart;
  let allocated = 0;
  const roots = new Map<string, StorageRef>();
  const views = new Map<string, StorageRef>();
  const persistentLoad = (pid: unknown): StorageRef => {
    const [type, rootKey, location, numel] = storagePid(pid, 6);
    const viewMetadata = (pid as Tuple<unknown>)[5];
    // The data comes after the pickle, so views are made over CPU storages filled later.
    const target = restoreLocation(options.mapLocation, location);
    if (typeof target === 'function' || target.replace(/:.*/, '') !== 'cpu') {
      throw new Error(`torch.load: torchnode loads legacy-format files onto the CPU only (this storage is tagged ${JSON.stringify(safeName(location))}); pass mapLocation: 'cpu' and move the tensors afterwards`);
    }
    const nbytes = numel * type.dtype.itemsize;
    let root = roots.get(rootKey);
    if (root === undefined) {
      allocated += nbytes + 8;
      if (!Number.isSafeInteger(nbytes) || allocated > budget) throw new Error('the storages declared in the file are larger than the file');
      root = new StorageRef(emptyBytes(nbytes), type.dtype, 0, nbytes);
      roots.set(rootKey, root);
    } else if (root.dtype !== type.dtype) {
      throw new UnpicklingError('a storage is used with two dtypes');
    }
    if (viewMetadata === null || viewMetadata === undefined) return root;
    if (!(viewMetadata instanceof Tuple) || viewMetadata.length !== 3) throw new UnpicklingError('invalid storage view metadata');
    const [viewKey, offset, viewSize] = viewMetadata;
    if (typeof viewKey !== 'string' || typeof offset !== 'number' || typeof viewSize !== 'number' || !Number.isSafeInteger(offset) || !Number.isSafeInteger(viewSize) || offset < 0 || viewSize < 0) {
      throw new UnpicklingError('invalid storage view metadata');
    }
    const existing = views.get(viewKey);
    if (existing !== undefined) return existing;
    const byteOffset = offset * type.dtype.itemsize;
    const viewBytes = viewSize * type.dtype.itemsize;
    if (byteOffset + viewBytes > root.nbytes) throw new UnpicklingError('a storage view lies outside its storage');
    const view = new StorageRef(root.base, type.dtype, byteOffset, viewBytes);
    views.set(viewKey, view);
    return view;
  };
  const value = unpickle(chunk, ends[2]!, persistentLoad);
  const keys = unpickle(chunk, ends[3]!);
  if (!Array.isArray(keys)) throw new Error('the legacy storage key list is not a list');
  let pos = dataStart;
  const filled = new Set<string>();
  for (const key of keys) {
    if (typeof key !== 'string') throw new Error('a legacy storage key is not a str');
    const root = roots.get(key);
    if (root === undefined) throw new Error(`storage key ${JSON.stringify(safeName(key))} not found in deserialized_objects`);
    if (filled.has(key)) throw new Error('a legacy storage key is listed twice');
    filled.add(key);
    const head = source.read(pos, 8);
    const count = littleEndian ? head.readBigInt64LE(0) : head.readBigInt64BE(0);
    if (count * BigInt(root.dtype.itemsize) !== BigInt(root.nbytes)) {
      throw new Error(`storage has wrong byte size: expected ${root.nbytes} got ${count * BigInt(root.dtype.itemsize)}`);
    }
    source.readInto(root.base._h, pos + 8, root.nbytes);
    if (!littleEndian) byteswap(root.base, root.dtype);
    pos += 8 + root.nbytes;
  }
  for (const key of roots.keys()) if (!filled.has(key)) throw new Error('a storage has no data in the file');
  releaseBases(roots.values());
  return value;
}

const LOAD_OPTIONS = new Set(['mapLocation', 'weightsOnly', 'mmap']);

function checkLoadOptions(options: LoadOptions): void {
  for (const key of Object.keys(options)) {
    if (!LOAD_OPTIONS.has(key)) throw new TypeError(`load() got an unexpected keyword argument '${camelToSnake(key)}'`);
  }
  if ((options as { weightsOnly?: unknown }).weightsOnly === false) {
    throw new Error('torch.load: weightsOnly: false is not supported; torchnode never runs code from a file');
  }
}

// torch.save takes no options here (Python's pickle_module/pickle_protocol/... have one value).
function checkSaveArgs(extra: unknown[]): void {
  if (extra.length === 0) return;
  const last = extra[extra.length - 1];
  if (extra.length === 1 && last !== null && typeof last === 'object' && Object.getPrototypeOf(last) === Object.prototype) {
    const key = Object.keys(last)[0];
    if (key === undefined) return;
    throw new TypeError(`save() got an unexpected keyword argument '${camelToSnake(key)}'`);
  }
  throw new TypeError(`save() takes 2 positional arguments but ${2 + extra.length} were given`);
}

/** torch.load over an open source; `fileName` is the path it was read from, if any. */
function loadFrom(source: Source, fileName: string | null, options: LoadOptions): unknown {
  const mmap = options.mmap ?? false;
  if (source.size === 0) throw new Error('EOFError: Ran out of input (the file is empty)');
  const head = source.read(0, Math.min(source.size, 512));
  try {
    if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return loadZip(source, options);
    if (head[0] === 0x80 && head.length >= 2 && head[1] === 2) {
      if (mmap) {
        throw new Error(
          'mmap can only be used with files saved with `torch.save(_use_new_zipfile_serialization=True), please torch.save your checkpoint with this option in order to use mmap.',
        );
      }
      return loadLegacy(source, options);
    }
    if ((fileName !== null && fileName.endsWith('.safetensors')) || looksLikeSafetensors(head, source.size)) {
      if (typeof options.mapLocation === 'function' || (options.mapLocation !== null && typeof options.mapLocation === 'object' && !(options.mapLocation instanceof Device))) {
        throw new Error('Loading safetensors file with dict or callable map_location is not supported. Use a device string or torch.device instead.');
      }
      const loaded = loadSafetensorsFrom(source);
      const device = options.mapLocation === undefined || options.mapLocation === null ? 'cpu' : String(options.mapLocation);
      if (device !== 'cpu') {
        for (const [k, t] of loaded) {
          loaded.set(k, new Tensor(native.callOp(ops.toDevice, t._h, device, t.dtype.code, false, false) as Handle));
          t.dispose();
        }
      }
      return loaded;
    }
    if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') {
      throw new Error(`Cannot use \`\`weights_only=True\`\` with files saved in the legacy .tar format. ${UNSAFE_MESSAGE}`);
    }
    throw new UnpicklingError(`invalid load key, '\\x${head[0]!.toString(16).padStart(2, '0')}'.`);
  } catch (e) {
    if (e instanceof UnpicklingError) throw weightsOnlyError(e);
    throw e;
  }
}

/**
 * torch.load: reads what torch.save wrote (zip or legacy format) or a safetensors file, from a
 * path or from bytes in memory. Tensors keep dtype, shape, strides and storage offset; tensors
 * that shared a storage in the file share one after loading.
 */
export function load(f: string | Uint8Array, options: LoadOptions = {}): unknown {
  checkLoadOptions(options);
  if (typeof f === 'string') {
    const fd = fs.openSync(f, 'r');
    try {
      return loadFrom(new FileSource(fd, options.mmap ?? false), f, options);
    } finally {
      fs.closeSync(fd);
    }
  }
  if (!(f instanceof Uint8Array)) throw new TypeError('torch.load expects a path or a Buffer');
  if (options.mmap) throw new Error('f must be a file path in order to use the mmap argument');
  return loadFrom(new BufferSource(f), null, options);
}

/**
 * torch.load with the file read off the event loop (fs.promises), then parsed as `load` parses
 * it: the same options, results and errors, as a Promise. With `mmap: true` the storages are
 * mapped, not read, so the file is opened and its records read as `load` does.
 */
export async function loadAsync(f: string | Uint8Array, options: LoadOptions = {}): Promise<unknown> {
  checkLoadOptions(options);
  if (typeof f !== 'string' || options.mmap) return load(f, options);
  return loadFrom(new BufferSource(await fs.promises.readFile(f)), f, options);
}

// ---- save ---------------------------------------------------------------------------------------

interface SavedStorage {
  key: string;
  bytes: Tensor; // 1-D uint8 over the whole storage, on the CPU
  dtype: DType;
}

/** A storage while pickling: written with BINPERSID as ('storage', type, key, location, numel). */
class StorageToken {
  constructor(readonly pid: Tuple<unknown>) {}
}

/** Tensor data written as a plain tensor (what Parameter's __reduce_ex__ pickles as `self.data`). */
class TensorData {
  constructor(readonly tensor: Tensor) {}
}

class SaveContext {
  readonly storages = new Map<string, SavedStorage>();
  private readonly tokens = new Map<string, StorageToken>();
  readonly temporaries: Tensor[] = [];

  storageOf(t: Tensor): StorageToken {
    // A dtype without a storage class is saved as an untyped (byte) storage, as torch.save does.
    const storageName = STORAGE_NAMES[t.dtype.name];
    const dtype = storageName === undefined ? dtypes.uint8 : t.dtype;
    const [id, nbytes, device] = native.storageInfo(t._h);
    let saved = this.storages.get(id);
    if (saved === undefined) {
      if (nbytes % dtype.itemsize !== 0) throw new Error(`torch.save: a storage of ${nbytes} bytes does not hold whole ${dtype} elements`);
      let bytes = new Tensor(native.storageBytes(t._h));
      this.temporaries.push(bytes);
      if (device !== 'cpu') {
        bytes = new Tensor(native.callOp(ops.toDevice, bytes._h, 'cpu', dtypes.uint8.code, false, false) as Handle);
        this.temporaries.push(bytes);
      }
      saved = { key: String(this.storages.size), bytes, dtype };
      this.storages.set(id, saved);
      const type = storageName === undefined ? new PyGlobal('torch.storage', 'UntypedStorage') : new PyGlobal('torch', storageName);
      this.tokens.set(id, new StorageToken(new Tuple<unknown>('storage', type, saved.key, device, nbytes / dtype.itemsize)));
    } else if (saved.dtype !== dtype) {
      throw new Error('Cannot save multiple tensors or storages that view the same data as different types');
    }
    return this.tokens.get(id)!;
  }

  tensorReduce(t: Tensor, requiresGrad: boolean): Reduced {
    if (t.isDisposed) throw new Error('torch.save: a tensor has been disposed');
    const args = new Tuple<unknown>(this.storageOf(t), t.storageOffset(), new Tuple(...t.shape), new Tuple(...t.stride()), requiresGrad, newMap('collections.OrderedDict'));
    // Over an untyped storage, the tensor's dtype follows (_rebuild_tensor_v3).
    const v3 = STORAGE_NAMES[t.dtype.name] === undefined;
    if (v3) args.push(t.dtype);
    // torch._utils.get_tensor_metadata: the lazy negative / conjugate bits of a view, whose
    // storage holds the values before them.
    const metadata = newMap(undefined);
    if (native.callOp(ops.isNeg, t._h)) metadata.set('neg', true);
    if (native.callOp(ops.isConj, t._h)) metadata.set('conj', true);
    if (metadata.size > 0) args.push(metadata);
    return { func: new PyGlobal('torch._utils', v3 ? '_rebuild_tensor_v3' : '_rebuild_tensor_v2'), args };
  }

  reducerFor(obj: unknown): Reduced | undefined {
    if (obj instanceof Module) return reduceModule(obj);
    if (obj instanceof Parameter) {
      return { func: new PyGlobal('torch._utils', '_rebuild_parameter'), args: new Tuple<unknown>(new TensorData(obj), obj.requiresGrad, newMap('collections.OrderedDict')) };
    }
    if (obj instanceof TensorData) return this.tensorReduce(obj.tensor, false);
    if (obj instanceof Tensor) return this.tensorReduce(obj, obj.requiresGrad);
    if (obj instanceof Size) return { func: new PyGlobal('torch', 'Size'), args: new Tuple<unknown>(new Tuple(...obj)) };
    if (obj instanceof Device) {
      return { func: new PyGlobal('torch', 'device'), args: obj.index === null ? new Tuple<unknown>(obj.type) : new Tuple<unknown>(obj.type, obj.index) };
    }
    return undefined;
  }
}

/** The zip records of torch.save(obj), written to an open file or handed to `out` in order. */
function writeZip(obj: unknown, out: number | ((bytes: Uint8Array) => void), archiveName: string): void {
  const ctx = new SaveContext();
  try {
    const pickler = new Pickler({
      persistentId: (o) => (o instanceof StorageToken ? o.pid : undefined),
      reducerFor: (o) => (o instanceof DType ? undefined : ctx.reducerFor(o)),
      globalFor: (o) => (o instanceof DType ? new PyGlobal('torch', o.name) : undefined),
    });
    const data = pickler.dump(obj);
    const zip = new ZipWriter(out, archiveName);
    zip.writeRecord('data.pkl', data);
    zip.writeRecord('.format_version', '1');
    zip.writeRecord('.storage_alignment', String(ZipWriter.ALIGNMENT));
    zip.writeRecord('byteorder', 'little');
    for (const s of ctx.storages.values()) zip.writeRecord(`data/${s.key}`, { tensor: s.bytes._h, nbytes: s.bytes.numel() });
    zip.writeRecord('version', '3\n');
    zip.finish();
  } finally {
    for (const t of ctx.temporaries) t.dispose();
  }
}

// PyTorchStreamWriter names the archive folder after the file (without its extension).
function archiveNameOf(f: string): string {
  const base = path.basename(f);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return /^[\x20-\x7e]+$/.test(stem) ? stem : 'archive';
}

/**
 * torch.save: writes `obj` in PyTorch's zip format, readable by Python's torch.load with the
 * default weights_only=True. The file is replaced atomically (see atomicWrite).
 */
export function save(obj: unknown, f: string, ...extra: never[]): void {
  checkSaveArgs(extra);
  if (typeof f !== 'string') throw new TypeError('torch.save expects a file path');
  atomicWrite(f, (fd) => writeZip(obj, fd, archiveNameOf(f)));
}

/**
 * torch.save off the event loop: `obj` is pickled and its tensors' bytes copied now (a snapshot:
 * changes made after the call do not reach the file), then the file is written with fs.promises
 * and replaced atomically, as `save` replaces it. The archive is held in memory until written.
 */
export async function saveAsync(obj: unknown, f: string, ...extra: never[]): Promise<void> {
  checkSaveArgs(extra);
  if (typeof f !== 'string') throw new TypeError('torch.save expects a file path');
  const chunks: Uint8Array[] = [];
  writeZip(obj, (bytes) => chunks.push(bytes), archiveNameOf(f));
  await atomicWriteAsync(f, chunks);
}
