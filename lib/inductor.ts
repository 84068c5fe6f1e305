// torch._inductor's AOTInductor loading (torch/_inductor/__init__.py aoti_load_package,
// torch/_inductor/package/package.py load_package, torch/export/pt2_archive/_package.py
// AOTICompiledModel): a .pt2 package that Python compiled with torch._inductor.aoti_compile_and_package
// runs here through libtorch's AOTIModelPackageLoader (native/aoti.cc); no compiler is needed.
//
// A call flattens its arguments by the package's input spec (the pytree of `(args, kwargs)` that
// torch.export recorded), keeps the tensors, runs the compiled model on them and rebuilds the
// output spec's tree: a Tensor for a model that returned one tensor, arrays for tuples and lists,
// Maps for dicts. AOTInductor itself checks only the number of inputs (its other checks run only
// under AOTI_RUNTIME_CHECK_INPUTS=1, and refuse dynamic sizes below 2 by default), so the dtype,
// device, rank, static sizes and strides each input was compiled for, and the dynamic sizes inputs
// share, are read from the package's generated wrapper source and checked here: a wrong input is
// an Error, never an out-of-bounds read.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { native, type Handle } from './native';
import { isOptions, snakeToCamel } from './nn/modules_utils';
import { pySignature } from './python_signature';
import { BufferSource, FileSource, ZipReader, type Source } from './serialization/zip';
import { Tensor } from './tensor';

type AotiHandle = { readonly __brand: 'AotiPackageHandle' };

// The addon's AOTInductor functions (native/aoti.cc).
interface AotiNative {
  aotiLoad(path: string, modelName: string, runSingleThreaded: boolean, numRunners: number, deviceIndex: number): AotiHandle;
  aotiRun(h: AotiHandle, inputs: Handle[]): Handle[];
  aotiRunAsync(h: AotiHandle, inputs: Handle[]): Promise<Handle[]>;
  aotiMetadata(h: AotiHandle): Record<string, string>;
  aotiCallSpec(h: AotiHandle): [string, string];
  aotiConstantFqns(h: AotiHandle): string[];
  aotiLoadConstants(h: AotiHandle, fqns: string[], tensors: Handle[], checkFullUpdate: boolean, userManaged: boolean, allowH2dCopy: boolean): void;
  aotiDispose(h: AotiHandle): void;
}
const aoti = native as unknown as AotiNative;

// ---- pytree specs (torch/utils/_pytree.py treespec_dumps, protocol 1) ----------------------------

interface TreeSpec {
  type: string | null;  // null: a leaf
  context: string | null;  // JSON: a dict's keys, a namedtuple's type name
  children_spec: TreeSpec[];
}

const SEQUENCES = new Set(['builtins.tuple', 'builtins.list', 'collections.namedtuple', 'collections.deque']);
const DICTS = new Set(['builtins.dict', 'collections.OrderedDict']);

function parseSpec(text: string): TreeSpec {
  const parsed = JSON.parse(text) as [number, TreeSpec];
  if (!Array.isArray(parsed) || parsed[0] !== 1) throw new Error(`AOTInductor package: unsupported pytree spec protocol in ${text}`);
  return parsed[1];
}

function dictKeys(spec: TreeSpec): unknown[] {
  return JSON.parse(spec.context ?? '[]') as unknown[];
}

function leafCount(spec: TreeSpec): number {
  return spec.type === null ? 1 : spec.children_spec.reduce((n, c) => n + leafCount(c), 0);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Tensor) return 'a Tensor';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Map) return 'a Map';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

// Collects the leaves of `value` in the order pytree flattens the spec's tree.
function flattenInto(value: unknown, spec: TreeSpec, where: string, out: unknown[]): void {
  if (spec.type === null) {
    out.push(value);
    return;
  }
  const children = spec.children_spec;
  if (SEQUENCES.has(spec.type)) {
    if (!Array.isArray(value) || value.length !== children.length) {
      throw new TypeError(`forward(): ${where} must be an array of ${children.length} (the package's input spec), not ${describe(value)}`);
    }
    children.forEach((c, i) => flattenInto(value[i], c, `${where}[${i}]`, out));
    return;
  }
  if (DICTS.has(spec.type)) {
    const keys = dictKeys(spec);
    const get = (k: unknown): unknown => (value instanceof Map ? value.get(k) : (value as Record<string, unknown>)[String(k)]);
    const has = (k: unknown): boolean => (value instanceof Map ? value.has(k) : Object.prototype.hasOwnProperty.call(value, String(k)));
    if (!(value instanceof Map) && !isOptions(value)) {
      throw new TypeError(`forward(): ${where} must be a Map or an object with keys ${JSON.stringify(keys)}, not ${describe(value)}`);
    }
    keys.forEach((k, i) => {
      if (!has(k)) throw new TypeError(`forward(): ${where} has no key ${JSON.stringify(k)}`);
      flattenInto(get(k), children[i]!, `${where}[${JSON.stringify(k)}]`, out);
    });
    return;
  }
  throw new TypeError(`forward(): the package's input spec has a ${spec.type}, which torchnode cannot flatten`);
}

// Rebuilds the output tree from the flat outputs; `next` hands them out in order.
function unflatten(spec: TreeSpec, next: () => Tensor): unknown {
  if (spec.type === null) return next();
  const children = spec.children_spec.map((c) => unflatten(c, next));
  if (DICTS.has(spec.type)) {
    const keys = dictKeys(spec);
    return new Map(keys.map((k, i) => [k, children[i]]));
  }
  return children;
}

// ---- what each input was compiled for ---------------------------------------------------------

interface InputSpec {
  dtype: string;  // torch's dtype name: float32, int64, ...
  device: string | null;  // cpu, cuda
  // Per dimension: a static size, a dynamic one's symbol (inputs sharing it must agree), or null
  // for an expression of symbols.
  sizes: (number | string | null)[];
  strides: (number | null)[];  // the static strides
}

const DEVICE_TYPES: Record<string, string> = { 0: 'cpu', 1: 'cuda' };

function dimension(text: string): number | string | null {
  const t = text.trim();
  if (/^-?\d+L?$/.test(t)) return parseInt(t, 10);
  return /^[a-z]\w*$/i.test(t) ? t : null;
}

// The inputs' specs from the generated wrapper source (torch/_inductor/codegen/cpp_wrapper_cpu.py):
// one check_input_N function per input names its dtype and device, and run_impl's
// assert_size_stride(argN, {sizes}, {strides}, "input") its layout. null when the package has no
// wrapper source for the model, or one this reading does not account for.
function readInputSpecs(source: Source, modelName: string): InputSpec[] | null {
  const zip = new ZipReader(source);
  const pattern = new RegExp(`^[^/]+/data/aotinductor/${modelName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^/]+\\.wrapper\\.cpp$`);
  const name = zip.names.find((n) => pattern.test(n));
  if (name === undefined) return null;
  const code = zip.read(zip.get(name)!).toString('utf8');
  const count = new Set([...code.matchAll(/inputs_info_\[(\d+)\]\.name = /g)].map((m) => m[1])).size;
  const specs: InputSpec[] = [];
  for (let i = 0; i < count; i++) {
    const start = code.indexOf(`static void check_input_${i}(`);
    if (start < 0) return null;
    const end = code.indexOf('\n}\n', start);
    const body = code.slice(start, end < 0 ? undefined : end);
    const arg = new RegExp(`ConstantHandle (\\w+) = ConstantHandle\\(input_handles\\[${i}\\]\\)`).exec(body)?.[1];
    const dtype = /aoti_torch_dtype_(\w+)\(\)/.exec(body)?.[1];
    const layout = arg === undefined ? null : new RegExp(`assert_size_stride\\(${arg}, \\{([^}]*)\\}, \\{([^}]*)\\}`).exec(code);
    if (dtype === undefined || !layout) return null;
    const list = (text: string): string[] => text.split(',').map((d) => d.trim()).filter((d) => d !== '');  // {2L, } is one dimension
    const device = new RegExp(`${arg}_expected_device_type = (\\d+);`).exec(body)?.[1];
    specs.push({
      dtype,
      device: device === undefined ? null : DEVICE_TYPES[device] ?? null,
      sizes: list(layout[1]!).map(dimension),
      strides: list(layout[2]!).map((d) => {
        const v = dimension(d);
        return typeof v === 'number' ? v : null;
      }),
    });
  }
  return specs;
}

// `symbols` binds the dynamic sizes seen so far in this call.
function checkInput(t: Tensor, spec: InputSpec, i: number, symbols: Map<string, number>): void {
  if (t.dtype.name !== spec.dtype) throw new TypeError(`forward(): input ${i} must have dtype torch.${spec.dtype}, but got ${t.dtype}`);
  if (spec.device !== null && t.device.type !== spec.device) {
    throw new TypeError(`forward(): input ${i} must be on ${spec.device}, but is on ${t.device}`);
  }
  const shape = [...t.shape];
  const shown = `[${shape.join(', ')}]`;
  if (shape.length !== spec.sizes.length) {
    throw new RangeError(`forward(): input ${i} must have ${spec.sizes.length} dimensions, but got ${shape.length} (shape ${shown})`);
  }
  spec.sizes.forEach((want, d) => {
    if (typeof want === 'number' && shape[d] !== want) throw new RangeError(`forward(): input ${i} must have size ${want} at dimension ${d}, but got shape ${shown}`);
    if (typeof want === 'string') {
      const bound = symbols.get(want);
      if (bound === undefined) symbols.set(want, shape[d]!);
      else if (bound !== shape[d]) throw new RangeError(`forward(): input ${i} must have size ${bound} at dimension ${d} (as an earlier input has), but got shape ${shown}`);
    }
  });
  const strides = t.stride() as number[];
  spec.strides.forEach((want, d) => {
    // A dimension of size 1 is never stepped over: its stride does not matter.
    if (want !== null && shape[d] !== 1 && strides[d] !== want) {
      throw new RangeError(`forward(): input ${i} must have stride ${want} at dimension ${d}, but has strides [${strides.join(', ')}] (.contiguous() gives the usual layout)`);
    }
  });
}

export interface LoadConstantsOptions {
  checkFullUpdate: boolean;
  userManaged?: boolean;
  allowH2dCopy?: boolean;
}

const LOAD_CONSTANTS = pySignature<{ constantsMap: unknown; checkFullUpdate: unknown; userManaged: unknown; allowH2dCopy: unknown }>(
  'load_constants',
  'self, constants_map, *, check_full_update, user_managed=False, allow_h2d_copy=False',
);

// ---- the loaded model -------------------------------------------------------------------------

/**
 * torch._inductor's AOTICompiledModel: a compiled model loaded from a .pt2 package. `forward(...)`
 * takes what the exported module's forward took (positional arguments, then one object of its
 * keyword arguments when it has any) and returns what it returned.
 */
export class AOTICompiledModel {
  private _h: AotiHandle | null;
  private readonly inSpec: TreeSpec;
  private readonly outSpec: TreeSpec;
  private readonly inputs: InputSpec[] | null;

  /** @internal */
  constructor(handle: AotiHandle, inputs: InputSpec[] | null) {
    this._h = handle;
    const [inSpec, outSpec] = aoti.aotiCallSpec(handle).map(parseSpec) as [TreeSpec, TreeSpec];
    if (inSpec.type !== 'builtins.tuple' || inSpec.children_spec.length !== 2) {
      throw new Error('AOTInductor package: the input spec is not the spec of (args, kwargs)');
    }
    this.inSpec = inSpec;
    this.outSpec = outSpec;
    this.inputs = inputs;
  }

  private handle(): AotiHandle {
    if (this._h === null) throw new Error('the AOTInductor package has been disposed');
    return this._h;
  }

  /** The tensor inputs the runner takes, from forward's arguments (AOTICompiledModel.__call__'s flattening). */
  private flatInputs(args: unknown[]): Handle[] {
    const [argsSpec, kwargsSpec] = this.inSpec.children_spec as [TreeSpec, TreeSpec];
    const kwNames = dictKeys(kwargsSpec).map(String);
    let positional = args;
    let kwargs: Record<string, unknown> = {};
    if (kwNames.length > 0 && args.length > 0 && isOptions(args[args.length - 1])) {
      positional = args.slice(0, -1);
      kwargs = args[args.length - 1] as Record<string, unknown>;
    }
    const n = argsSpec.children_spec.length;
    if (positional.length !== n) {
      throw new TypeError(`forward() takes ${n} positional argument${n === 1 ? '' : 's'} but ${positional.length} ${positional.length === 1 ? 'was' : 'were'} given`);
    }
    const leaves: unknown[] = [];
    flattenInto(positional, argsSpec, 'args', leaves);
    const given = new Set(Object.keys(kwargs));
    kwNames.forEach((name, i) => {
      const key = given.has(name) ? name : snakeToCamel(name);
      if (!given.has(key)) throw new TypeError(`forward() missing required keyword argument: '${name}'`);
      given.delete(key);
      flattenInto(kwargs[key], kwargsSpec.children_spec[i]!, key, leaves);
    });
    if (given.size > 0) throw new TypeError(`forward() got an unexpected keyword argument '${[...given][0]}'`);
    // Python keeps only the tensors: other leaves were constants of the export.
    const tensors = leaves.filter((v): v is Tensor => v instanceof Tensor);
    if (this.inputs !== null) {
      if (tensors.length !== this.inputs.length) {
        throw new TypeError(`forward(): the package takes ${this.inputs.length} tensor input${this.inputs.length === 1 ? '' : 's'}, but got ${tensors.length}`);
      }
      const symbols = new Map<string, number>();
      tensors.forEach((t, i) => checkInput(t, this.inputs![i]!, i, symbols));
    }
    return tensors.map((t) => t._h);
  }

  private outputs(handles: Handle[]): unknown {
    const tensors = handles.map((h) => new Tensor(h));
    const expected = leafCount(this.outSpec);
    if (tensors.length !== expected) {
      throw new Error(`AOTInductor package: the model returned ${tensors.length} tensors, but its output spec has ${expected}`);
    }
    let i = 0;
    return unflatten(this.outSpec, () => tensors[i++]!);
  }

  /** Runs the compiled model: forward(...args) as the exported module's forward. */
  forward(...args: unknown[]): any {
    const h = this.handle();
    return this.outputs(aoti.aotiRun(h, this.flatInputs(args)));
  }

  /** The same as forward (Python's `compiled(...)`). */
  call(...args: unknown[]): any {
    return this.forward(...args);
  }

  /**
   * forward on a thread of libuv's pool. Concurrent calls are safe: the package's model instances
   * (numRunners of them, see loadPackage) each run one call at a time and the others wait.
   */
  forwardAsync(...args: unknown[]): Promise<any> {
    try {
      const h = this.handle();
      return aoti.aotiRunAsync(h, this.flatInputs(args)).then((handles) => this.outputs(handles));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The package's metadata (AOTI_DEVICE_KEY, AOTI_CPU_ISA, ...): Python's get_metadata(). */
  getMetadata(): Record<string, string> {
    return aoti.aotiMetadata(this.handle());
  }

  /** The fully qualified names of the model's constants (weights): Python's get_constant_fqns(). */
  getConstantFqns(): string[] {
    return aoti.aotiConstantFqns(this.handle());
  }

  /**
   * Replaces the model's constants (weights) by fully qualified name (getConstantFqns()), from a
   * Map or an object: Python's load_constants(constants_map, *, check_full_update, user_managed=False,
   * allow_h2d_copy=False). Each tensor must have its constant's shape and dtype; it is copied into
   * the model unless `userManaged`, where the model reads it in place (the model keeps it alive, and
   * changes to it change the model). Waits for runs in flight.
   */
  loadConstants(constantsMap: Map<string, Tensor> | Record<string, Tensor>, options: LoadConstantsOptions): void;
  loadConstants(...args: unknown[]): void {
    const a = LOAD_CONSTANTS(args);
    const map = a.constantsMap;
    if (!(map instanceof Map) && !isOptions(map)) throw new TypeError('load_constants(): constants_map must be a Map or an object of tensors');
    const entries: [unknown, unknown][] = map instanceof Map ? [...map] : Object.entries(map);
    for (const [k, v] of entries) {
      if (typeof k !== 'string' || !(v instanceof Tensor)) throw new TypeError(`load_constants(): constants_map must map names to tensors, got ${describe(v)} for ${String(k)}`);
    }
    aoti.aotiLoadConstants(this.handle(), entries.map(([k]) => k as string), entries.map(([, v]) => (v as Tensor)._h),
      checkBool(a.checkFullUpdate, 'check_full_update'), checkBool(a.userManaged, 'user_managed'), checkBool(a.allowH2dCopy, 'allow_h2d_copy'));
  }

  /** getMetadata() */
  metadata(): Record<string, string> {
    return this.getMetadata();
  }

  /** getConstantFqns() */
  constantFqns(): string[] {
    return this.getConstantFqns();
  }

  get isDisposed(): boolean {
    return this._h === null;
  }

  /** Frees the loaded model now (calls in flight finish first). Safe to call twice. */
  dispose(): void {
    if (this._h === null) return;
    aoti.aotiDispose(this._h);
    this._h = null;
  }
}

// ---- loading ----------------------------------------------------------------------------------

function checkBool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be bool, not ${typeof v}`);
  return v;
}

function checkInt(v: unknown, name: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${name} must be int, not ${typeof v}`);
  if (v < min) throw new RangeError(`${name} must be at least ${min}, got ${v}`);
  return v;
}

// The native loader first (libtorch's messages for what is not a package), then the input specs.
function load(f: unknown, modelName: string, runSingleThreaded: boolean, numRunners: number, deviceIndex: number): AOTICompiledModel {
  if (typeof f === 'string') {
    const h = aoti.aotiLoad(f, modelName, runSingleThreaded, numRunners, deviceIndex);
    const fd = fs.openSync(f, 'r');
    try {
      return new AOTICompiledModel(h, readInputSpecs(new FileSource(fd), modelName));
    } finally {
      fs.closeSync(fd);
    }
  }
  if (!(f instanceof Uint8Array)) throw new TypeError(`path must be a str or a Uint8Array, not ${typeof f}`);
  // As Python does with a buffer: through a temporary file, which the loader extracts at once.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-aoti-'));
  let h: AotiHandle;
  try {
    const file = path.join(dir, 'package.pt2');
    fs.writeFileSync(file, f);
    h = aoti.aotiLoad(file, modelName, runSingleThreaded, numRunners, deviceIndex);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return new AOTICompiledModel(h, readInputSpecs(new BufferSource(f), modelName));
}

export interface AotiLoadPackageOptions {
  runSingleThreaded?: boolean;
  deviceIndex?: number;
}

const AOTI_LOAD_PACKAGE = pySignature<{ path: unknown; runSingleThreaded: unknown; deviceIndex: unknown }>(
  'aoti_load_package',
  'path, run_single_threaded=False, device_index=-1',
);

/**
 * torch._inductor.aoti_load_package(path, { runSingleThreaded, deviceIndex }): the default model
 * ("model") of a .pt2 package, from a path or the package's bytes.
 */
export function aotiLoadPackage(path: string | Uint8Array, options?: AotiLoadPackageOptions): AOTICompiledModel;
export function aotiLoadPackage(...args: unknown[]): AOTICompiledModel {
  const a = AOTI_LOAD_PACKAGE(args);
  return load(a.path, 'model', checkBool(a.runSingleThreaded, 'run_single_threaded'), 1, checkInt(a.deviceIndex, 'device_index', -1));
}

export interface LoadPackageOptions extends AotiLoadPackageOptions {
  modelName?: string;
  numRunners?: number;
}

const LOAD_PACKAGE = pySignature<{ path: unknown; modelName: unknown; runSingleThreaded: unknown; numRunners: unknown; deviceIndex: unknown }>(
  'load_package',
  'path, model_name="model", run_single_threaded=False, num_runners=1, device_index=-1',
);

/**
 * torch._inductor.package.load_package(path, { modelName, runSingleThreaded, numRunners, deviceIndex }):
 * one model of a .pt2 package; `numRunners` model instances serve concurrent forwardAsync calls.
 */
export function loadPackage(path: string | Uint8Array, options?: LoadPackageOptions): AOTICompiledModel;
export function loadPackage(path: string | Uint8Array, modelName: string, options?: Omit<LoadPackageOptions, 'modelName'>): AOTICompiledModel;
export function loadPackage(...args: unknown[]): AOTICompiledModel {
  const a = LOAD_PACKAGE(args);
  if (typeof a.modelName !== 'string') throw new TypeError(`model_name must be str, not ${typeof a.modelName}`);
  return load(a.path, a.modelName, checkBool(a.runSingleThreaded, 'run_single_threaded'), checkInt(a.numRunners, 'num_runners', 1),
    checkInt(a.deviceIndex, 'device_index', -1));
}
