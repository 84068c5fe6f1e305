// torch.jit (torch/jit/_script.py, _serialization.py, _freeze.py): TorchScript modules saved by
// Python's torch.jit.save, run by libtorch's interpreter. A ScriptModule is Python's
// RecursiveScriptModule over a type-tagged native handle; method arguments are converted by the
// method's own schema types (native/jit.cc), so TorchScript's checks and messages are its own.
//
// Values: Tensor <-> Tensor; int <-> number (bigint beyond 2^53); float <-> number (torch.pyFloat
// for an integral float); bool, str, None <-> boolean, string, null; List[T] and Tuple <-> arrays
// (a NamedTuple comes back as an array whose elements also have the field names); Dict <-> Map
// (a plain object is accepted for Dict[str, T] and Dict[int, T]); torch.dtype, torch.device and
// torch.Generator <-> lib's DType, Device and Generator; a module <-> ScriptModule; an instance of
// a TorchScript class (`@torch.jit.script class Pair`) <-> ScriptObject.
import * as fs from 'fs';
import { inspect } from 'util';
import { Device, type DeviceLike } from '../device';
import * as dtypes from '../dtype';
import { DType, dtypeFromCode } from '../dtype';
import { keep } from '../memory';
import { native, type Handle, type ScriptModuleHandle } from '../native';
import { addIndent } from '../nn/module';
import { isOptions } from '../nn/modules_utils';
import { pySignature } from '../python_signature';
import { Generator as TorchGenerator } from '../random';
import { PyFloat } from '../scalar';
import { Complex } from '../complex';
import { atomicWrite } from '../serialization';
import { Tensor } from '../tensor';
import { validateArchive } from './validate';

// Python's repr of an argument, as TorchScript's type-mismatch messages show it.
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  if (v instanceof Tensor || v instanceof DType || v instanceof PyFloat) return String(v);
  if (v instanceof Device || v instanceof ScriptObject) return inspect(v);
  if (isOptions(v)) {
    return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

type Cache = Map<string, Tensor>;

enum AttrKind {
  Attribute = 0,
  Parameter = 1,
  Buffer = 2,
  Module = 3,
}

/**
 * torch.jit.ScriptObject: an instance of a TorchScript class (`@torch.jit.script class Pair`;
 * Python's torch.ScriptObject, or its own Pair where the class is defined), as TorchScript
 * methods and attributes return it and as methods taking that class accept it. Its
 * attributes are properties under their TorchScript names (assigning one sets it, converted by
 * its declared type); `runMethod(name, ...args)` calls its methods. ScriptModule derives from it,
 * as Python's torch._C.ScriptModule derives from torch._C.ScriptObject.
 */
export class ScriptObject {
  [attribute: string]: any;
  /** @internal */
  readonly _h: ScriptModuleHandle;
  protected _disposed = false;

  /** @internal */
  constructor(handle: ScriptModuleHandle) {
    this._h = handle;
    for (const [name, kind] of native.jitAttributes(handle)) {
      if (name in this) continue;  // forward, code, training...: the class's own, as in Python
      Object.defineProperty(this, name, {
        enumerable: true,
        get: () => this.attribute(name, kind),
        set: (v: unknown) => native.jitSetAttr(this._h, name, v),
      });
    }
  }

  protected attribute(name: string, _kind: AttrKind): unknown {
    return native.jitGetAttr(this._h, name);
  }

  /** Runs the method `name` (Python's `obj.name(...)`): positional arguments, then optionally one plain object of keyword arguments. */
  runMethod(name: string, ...args: unknown[]): any {
    if (typeof name !== 'string') throw new TypeError(`runMethod(): method name must be str, not ${typeof name}`);
    return native.jitRun(this._h, name, args);
  }

  /** runMethod on a thread of libuv's pool; the caller's grad mode (and the rest of its thread-local state) applies. */
  runMethodAsync(name: string, ...args: unknown[]): Promise<any> {
    if (typeof name !== 'string') return Promise.reject(new TypeError(`runMethodAsync(): method name must be str, not ${typeof name}`));
    try {
      return native.jitRunAsync(this._h, name, args);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  hasMethod(name: string): boolean {
    return native.jitHasMethod(this._h, name);
  }

  /** The names of the methods. */
  methodNames(): string[] {
    return native.jitMethodNames(this._h);
  }

  /**
   * Drops this object's reference to the native object now (what TorchScript still holds stays);
   * using it afterwards is an Error. Calls in flight finish with their own references. Safe to call twice.
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    native.jitDispose(this._h);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Python's str(): the class's `__str__` if it has one, else its repr. */
  toString(): string {
    return this.hasMethod('__str__') ? this.runMethod('__str__') : this[inspect.custom]();
  }

  /** Python's repr(): the class's `__repr__` if it has one, else `<__main__.Pair object at 0x...>`. */
  [inspect.custom](): string {
    return this.hasMethod('__repr__') ? this.runMethod('__repr__') : native.jitDefaultRepr(this._h);
  }
}

/**
 * torch.jit.ScriptModule (Python's RecursiveScriptModule): a TorchScript module. Its submodules,
 * parameters, buffers and other attributes are properties under their TorchScript names
 * (`m.head.weight`, `m.features`); assigning one sets the module's attribute, converted by its type.
 */
export class ScriptModule extends ScriptObject {
  // One JS Tensor per native tensor of the module tree (shared by the tree), kept: the module owns them.
  private readonly _tensors: Cache;
  private readonly _children = new Map<string, ScriptModule>();

  /** @internal */
  constructor(handle: ScriptModuleHandle, cache: Cache = new Map()) {
    super(handle);
    this._tensors = cache;
  }

  protected override attribute(name: string, kind: AttrKind): unknown {
    switch (kind) {
      case AttrKind.Module:
        for (const [n, m] of this.namedChildren()) if (n === name) return m;
        return null;
      case AttrKind.Parameter:
      case AttrKind.Buffer:
        for (const [n, t] of this.ownTensors(kind === AttrKind.Buffer)) if (n === name) return t;
        return native.jitGetAttr(this._h, name);  // None
      default:
        return native.jitGetAttr(this._h, name);
    }
  }

  /** Runs `forward`: positional arguments, then optionally one plain object of keyword arguments. */
  forward(...args: unknown[]): any {
    return native.jitRun(this._h, 'forward', args);
  }

  /** The same as forward (Python's `module(...)`). */
  call(...args: unknown[]): any {
    return native.jitRun(this._h, 'forward', args);
  }

  /** forward on a thread of libuv's pool; the caller's grad mode (and the rest of its thread-local state) applies. */
  forwardAsync(...args: unknown[]): Promise<any> {
    return this.runMethodAsync('forward', ...args);
  }

  /** The class name of the scripted module (`Net`, `Conv2d`). */
  get originalName(): string {
    return native.jitTypeName(this._h);
  }

  get training(): boolean {
    const t = native.jitTraining(this._h);
    if (t === undefined) throw new Error("'RecursiveScriptModule' object has no attribute 'training'");
    return t;
  }

  /** Sets training mode on this module and every submodule; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    native.jitTrain(this._h, mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  private ownTensors(buffers: boolean): [string, Tensor, string][] {
    return native.jitTensors(this._h, buffers).map(([name, h, id]) => [name, this.tensorFor(h, id), id]);
  }

  private tensorFor(h: Handle, id: string): Tensor {
    const known = this._tensors.get(id);
    if (known !== undefined && !known.isDisposed) {
      native.dispose(h);
      return known;
    }
    const t = keep(new Tensor(h));
    this._tensors.set(id, t);
    return t;
  }

  /** The direct submodules, by name. */
  *namedChildren(): Generator<[string, ScriptModule]> {
    for (const [name, h] of native.jitChildren(this._h)) {
      let child = this._children.get(name);
      if (child === undefined || !native.jitSame(child._h, h)) {
        child = new ScriptModule(h, this._tensors);
        this._children.set(name, child);
      }
      yield [name, child];
    }
  }

  *children(): Generator<ScriptModule> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every submodule, depth first, with dotted names ('' for this one). */
  *namedModules(memo: Set<ScriptModule> = new Set(), prefix = '', removeDuplicate = true): Generator<[string, ScriptModule]> {
    if (removeDuplicate && memo.has(this)) return;
    if (removeDuplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, m] of this.namedChildren()) {
      yield* m.namedModules(memo, prefix === '' ? name : `${prefix}.${name}`, removeDuplicate);
    }
  }

  *modules(): Generator<ScriptModule> {
    for (const [, m] of this.namedModules()) yield m;
  }

  private *namedMembers(buffers: boolean, prefix: string, recurse: boolean, removeDuplicate: boolean): Generator<[string, Tensor]> {
    const seen = new Set<string>();
    const mods: [string, ScriptModule][] = recurse ? [...this.namedModules(new Set(), prefix, removeDuplicate)] : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, t, id] of m.ownTensors(buffers)) {
        if (removeDuplicate && seen.has(id)) continue;
        seen.add(id);
        yield [modPrefix === '' ? name : `${modPrefix}.${name}`, t];
      }
    }
  }

  namedParameters(prefix = '', recurse = true, removeDuplicate = true): Generator<[string, Tensor]> {
    return this.namedMembers(false, prefix, recurse, removeDuplicate);
  }

  *parameters(recurse = true): Generator<Tensor> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  namedBuffers(prefix = '', recurse = true, removeDuplicate = true): Generator<[string, Tensor]> {
    return this.namedMembers(true, prefix, recurse, removeDuplicate);
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  /**
   * PyTorch's state_dict: per module, its parameters then its buffers, then its submodules'.
   * Tensors are detached (`keepVars: true` gives the module's own) and share storage with the module.
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): Map<string, Tensor> {
    const prefix = options.prefix ?? '';
    const keepVars = options.keepVars ?? false;
    const out = new Map<string, Tensor>();
    for (const [modName, m] of this.namedModules()) {
      const p = modName === '' ? prefix : `${prefix}${modName}.`;
      for (const buffers of [false, true]) {
        for (const [name, t] of m.ownTensors(buffers)) out.set(p + name, keepVars ? t : t.detach());
      }
    }
    return out;
  }

  /**
   * Moves and/or casts parameters (in place, as Python's `param.data = ...`) and buffers
   * (replaced): `to('cpu')`, `to(torch.float64)`, `to('cpu', torch.float64)`, `to({ device, dtype, nonBlocking })`,
   * `to(tensor)`. A dtype applies to floating point and complex tensors only.
   */
  to(...args: unknown[]): this {
    let device: DeviceLike | null = null;
    let dtype: DType | null = null;
    let nonBlocking = false;
    const last = args[args.length - 1];
    if (isOptions(last)) {
      const o = args.pop() as { device?: DeviceLike | null; dtype?: DType | null; nonBlocking?: boolean };
      for (const k of Object.keys(o)) if (!['device', 'dtype', 'nonBlocking'].includes(k)) throw new TypeError(`to() got an unexpected keyword argument '${k}'`);
      device = o.device ?? null;
      dtype = o.dtype ?? null;
      nonBlocking = o.nonBlocking ?? false;
    }
    for (const a of args) {
      if (a instanceof Tensor) [device, dtype] = [a.device, a.dtype];
      else if (a instanceof DType) dtype = a;
      else if (typeof a === 'string' || a instanceof Device) device = a;
      else if (typeof a === 'boolean') nonBlocking = a;
      else throw new TypeError(`to() received an invalid combination of arguments - got (${args.map((x) => typeof x).join(', ')})`);
    }
    if (dtype !== null && !(dtype.isFloatingPoint || dtype.isComplex)) {
      throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dtype}`);
    }
    native.jitTo(this._h, device === null ? null : String(new Device(device)), dtype === null ? null : dtype.code, nonBlocking);
    return this;
  }

  cpu(): this {
    return this.to('cpu');
  }
  cuda(device?: number): this {
    return this.to(device === undefined ? 'cuda' : `cuda:${device}`);
  }
  float(): this {
    return this.to(dtypes.float32);
  }
  double(): this {
    return this.to(dtypes.float64);
  }
  half(): this {
    return this.to(dtypes.float16);
  }
  bfloat16(): this {
    return this.to(dtypes.bfloat16);
  }

  /**
   * Frees the tensors of this module tree now (parameters, buffers and their gradients, the
   * objects this module returned for them) and drops its native module; using it afterwards is an
   * Error. Calls in flight finish with their own references. Safe to call twice.
   */
  override dispose(): void {
    if (this._disposed) return;
    const mods = [...this.modules()];
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) {
      t.grad?.dispose();
      t.dispose();
    }
    for (const m of mods) {
      m._disposed = true;
      native.jitDispose(m._h);
    }
  }

  /** The TorchScript source of forward, as Python's `module.code` prints it. */
  get code(): string {
    return native.jitCode(this._h, 'forward');
  }

  /** The TorchScript source of any method (Python's `module.<name>.code`). */
  methodCode(name: string): string {
    return native.jitCode(this._h, name);
  }

  /** forward's graph as text: Python's `str(module.graph)`. */
  get graph(): string {
    return native.jitGraph(this._h, 'forward');
  }

  /** Any method's graph as text (Python's `str(module.<name>.graph)`). */
  methodGraph(name: string): string {
    return native.jitGraph(this._h, name);
  }

  /** torch.jit.save(this, f). */
  save(f: string): void {
    save(this, f);
  }

  /** What print(module) prints in Python. */
  override toString(): string {
    const extra = [`original_name=${this.originalName}`];
    const childLines = [...this.namedChildren()].map(([key, m]) => `(${key}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extra, ...childLines];
    if (childLines.length === 0) return `RecursiveScriptModule(${extra[0]})`;
    return `RecursiveScriptModule(\n  ${lines.join('\n  ')}\n)`;
  }

  override [inspect.custom](): string {
    return this.toString();
  }
}

native.jitInit({
  Tensor,
  DType,
  Device,
  Generator: TorchGenerator,
  ScriptModule,
  ScriptObject,
  PyFloat,
  Complex,
  wrapTensor: (h) => new Tensor(h),
  wrapDtype: (code) => dtypeFromCode(code),
  wrapDevice: (d) => new Device(d),
  wrapGenerator: (h) => TorchGenerator._wrap(h),
  wrapModule: (h) => new ScriptModule(h),
  wrapObject: (h) => new ScriptObject(h),
  repr: pyRepr,
  isOptions,
  isMap: (v) => v instanceof Map,
  newMap: () => new Map(),
});

// torch.jit.load's checks of a path and a map_location (torch/jit/_serialization.py).
function checkSource(f: unknown): void {
  if (typeof f === 'string') {
    if (!fs.existsSync(f)) throw new RangeError(`The provided filename ${f} does not exist`);
    if (fs.statSync(f).isDirectory()) throw new RangeError(`The provided filename ${f} is a directory`);
  } else if (!(f instanceof Uint8Array)) {
    throw new TypeError(`torch.jit.load(): f must be a path or a Uint8Array, not ${typeof f}`);
  }
}

function mapLocationOf(mapLocation: unknown): string | null {
  if (mapLocation === null || mapLocation === undefined) return null;
  if (typeof mapLocation === 'string' || mapLocation instanceof Device) return String(new Device(mapLocation));
  throw new RangeError(`map_location should be either None, string or torch.device, but got type: ${typeof mapLocation}`);
}

type LoadOptions = { mapLocation?: DeviceLike | null };
const LOAD = pySignature<{ f: string | Uint8Array; mapLocation: DeviceLike | null }>('load', 'f, map_location=None');

/**
 * torch.jit.load(f, { mapLocation }): a module saved by torch.jit.save (Python's or this one), from a
 * path or bytes. The archive is checked first (lib/jit/validate.ts) and libtorch reads the bytes
 * that were checked; a TorchScript archive is code: load only files from trusted sources.
 */
export function load(f: string | Uint8Array, options?: LoadOptions): ScriptModule;
export function load(...args: unknown[]): ScriptModule {
  const { f, mapLocation } = LOAD(args);
  checkSource(f);
  const device = mapLocationOf(mapLocation);
  const bytes = typeof f === 'string' ? fs.readFileSync(f) : f;
  validateArchive(bytes, typeof f === 'string' ? f : '<buffer>');
  return new ScriptModule(native.jitLoad(bytes, device));
}

/**
 * torch.jit.load off the event loop: the file is read with fs.promises and checked, and libtorch
 * deserialises those same bytes on a thread of libuv's pool.
 */
export function loadAsync(f: string | Uint8Array, options?: LoadOptions): Promise<ScriptModule>;
export async function loadAsync(...args: unknown[]): Promise<ScriptModule> {
  const { f, mapLocation } = LOAD(args);
  checkSource(f);
  const device = mapLocationOf(mapLocation);
  const bytes = typeof f === 'string' ? await fs.promises.readFile(f) : f;
  validateArchive(bytes, typeof f === 'string' ? f : '<buffer>');
  return new ScriptModule(await native.jitLoadAsync(bytes, device));
}

function checkScriptModule(m: unknown, what: string): asserts m is ScriptModule {
  if (!(m instanceof ScriptModule)) {
    throw new Error(`${what} expects a ScriptModule as input. Please use torch.jit.script or torch.jit.trace to script your 'nn.Module'.`);
  }
}

/** torch.jit.save(m, f): the archive Python's torch.jit.load reads, written atomically (temporary file, then rename). */
export function save(m: ScriptModule, f: string): void {
  if (!(m instanceof ScriptModule)) throw new TypeError(`torch.jit.save(): m must be a ScriptModule, not ${typeof m}`);
  if (typeof f !== 'string') throw new TypeError(`torch.jit.save(): f must be a path string, not ${typeof f}`);
  const bytes = native.jitSave(m._h);
  atomicWrite(f, (fd) => {
    for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
  });
}

const FREEZE = pySignature<{ mod: ScriptModule; preservedAttrs: string[] | null; optimizeNumerics: boolean }>(
  'freeze',
  'mod, preserved_attrs=None, optimize_numerics=True',
);

/**
 * torch.jit.freeze(mod, { preservedAttrs, optimizeNumerics }): a copy with parameters and
 * attributes inlined as constants and the frozen-graph optimisations run. The module must be in eval mode.
 */
export function freeze(mod: ScriptModule, options?: { preservedAttrs?: string[] | null; optimizeNumerics?: boolean }): ScriptModule;
export function freeze(...args: unknown[]): ScriptModule {
  const { mod, preservedAttrs, optimizeNumerics } = FREEZE(args);
  checkScriptModule(mod, 'Freezing');
  if (mod.training) {
    throw new Error('Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.');
  }
  return new ScriptModule(native.jitFreeze(mod._h, preservedAttrs ?? [], optimizeNumerics));
}

const OPTIMIZE = pySignature<{ mod: ScriptModule; otherMethods: string[] | null }>('optimize_for_inference', 'mod, other_methods=None');

/** torch.jit.optimize_for_inference(mod, { otherMethods }): freezes (in eval mode) and runs the inference passes. */
export function optimizeForInference(mod: ScriptModule, options?: { otherMethods?: string[] | null }): ScriptModule;
export function optimizeForInference(...args: unknown[]): ScriptModule {
  const { mod, otherMethods } = OPTIMIZE(args);
  checkScriptModule(mod, 'optimize_for_inference');
  const others = otherMethods ?? [];
  const out = native.jitHasAttr(mod._h, 'training') ? freeze(mod.eval(), { preservedAttrs: others }) : mod;
  native.jitOptimizeForInference(out._h, others);
  return out;
}

export { isTracing, trace, traceModule, TracerWarning, TracingCheckError } from './trace';
