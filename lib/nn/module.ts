// torch.nn.Module (torch/nn/modules/module.py).
//
// PyTorch registers parameters, buffers and sub-modules in `__setattr__`. Here every Module is
// returned from its constructor wrapped in a Proxy whose `set` and `defineProperty` traps play
// that role, so plain assignments (in a constructor or as class fields) register in definition
// order. Three ordered stores hold what is registered (`_parameters`, `_buffers`, `_modules`; a
// name lives in at most one) and each registered value is mirrored as an own data property so
// that reading `this.conv1` stays a plain property read. Like Python's `__getattr__`, reading a
// name that does not exist throws, naming it.
import { inspect } from 'util';
import { noGrad } from '../autograd';
import type { DeviceLike } from '../device';
import { DType } from '../dtype';
import { keep } from '../memory';
import * as dtypes from '../dtype';
import { Tensor } from '../tensor';
import { Parameter } from './parameter';
import { PyFloat } from '../scalar';
import { pyFloat } from './repr';

/** What `stateDict()` returns: PyTorch's OrderedDict with its `_metadata` (version per module prefix). */
export type StateDict = Map<string, Tensor> & { _metadata?: Map<string, Map<string, unknown>> };

/** What `loadStateDict` returns; prints like PyTorch's `_IncompatibleKeys`. */
export class IncompatibleKeys {
  constructor(readonly missingKeys: string[], readonly unexpectedKeys: string[]) {}
  toString(): string {
    if (this.missingKeys.length === 0 && this.unexpectedKeys.length === 0) return '<All keys matched successfully>';
    const list = (keys: string[]): string => `[${keys.map((k) => `'${k}'`).join(', ')}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missingKeys)}, unexpected_keys=${list(this.unexpectedKeys)})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

export type ForwardPreHook<M extends Module = Module> = (module: M, input: unknown[]) => unknown;
export type ForwardHook<M extends Module = Module> = (module: M, input: unknown[], output: unknown) => unknown;

/** What `registerForwardHook` and friends return: `remove()` unregisters the hook. */
/** torch.utils.hooks.RemovableHandle: `remove()` unregisters the hook it was returned for. */
export class RemovableHandle {
  /** @internal */
  constructor(private readonly unregister: () => void, readonly id: number) {}
  remove(): void {
    this.unregister();
  }
}

/** A planned tensor copy of `loadStateDict`, run only once every key has been checked. */
export type StateDictCopy = () => void;

// Names JavaScript itself probes on arbitrary objects (promises, JSON, test matchers, React-style
// type tags). Reading them from a module must not throw like an unknown attribute does.
const PROBED = new Set(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType', 'tagName', 'inspect', 'dispose', 'isDisposed', 'constructor', 'prototype', 'length']);

const INTERNAL = ['training', '_parameters', '_buffers', '_nonPersistentBuffersSet', '_modules', '_forwardPreHooks', '_forwardHooks', '_target', '_floats'] as const;

let nextHookId = 0;

/** torch.typename(): what PyTorch's error messages call a value. */
export function typename(value: unknown): string {
  if (value instanceof Tensor) {
    const names: Record<string, string> = {
      float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', int64: 'Long', int32: 'Int',
      int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool',
    };
    const base = names[value.dtype.name] ?? value.dtype.name;
    return `torch.${value.device.type === 'cuda' ? 'cuda.' : ''}${base}Tensor`;
  }
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'list';
  return (value as object).constructor?.name ?? typeof value;
}

/** Python's `repr` indentation of a child's multi-line repr. */
export function addIndent(s: string, numSpaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(numSpaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

function checkName(kind: 'parameter' | 'buffer' | 'module', name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typename(name)}`);
  if (name.includes('.')) throw new Error(kind === 'module' ? `module name can't contain ".", got: ${name}` : `${kind} name can't contain "."`);
  if (name === '') throw new Error(`${kind} name can't be empty string ""`);
}

export abstract class Module {
  /** PyTorch's `_version`: stored in state_dict `_metadata`, read back by `_loadFromStateDict`. */
  static _version = 1;
  /**
   * The Python module of a torch.nn class (its `__module__`, e.g. `'torch.nn.modules.linear'`):
   * torch.save(model) writes instances under `<pythonModule>.<ClassName>` and torch.load rebuilds
   * them. Every built-in layer declares it (test/serialization_modules.test.ts checks).
   */
  static pythonModule?: string = 'torch.nn.modules.module';
  /** Attributes this class sets that PyTorch keeps as Python floats (saved as floats even when integral). */
  static floatAttributes: readonly string[] = [];
  /** Attributes this class sets that PyTorch keeps as Python lists (arrays are saved as tuples otherwise). */
  static listAttributes: readonly string[] = [];

  declare training: boolean;
  declare readonly _parameters: Map<string, Parameter | null>;
  declare readonly _buffers: Map<string, Tensor | null>;
  declare readonly _nonPersistentBuffersSet: Set<string>;
  declare _modules: Map<string, Module | null>;
  declare readonly _forwardPreHooks: Map<number, ForwardPreHook>;
  declare readonly _forwardHooks: Map<number, ForwardHook>;
  /** @internal The object behind the Proxy. */
  declare readonly _target: Module;
  /**
   * @internal The attributes holding Python floats: set from a torch.pyFloat(x) value or a
   * non-integral number; an integral JS number is a Python int (README "Numbers").
   */
  declare readonly _floats: Set<string>;

  constructor() {
    const internals: Record<(typeof INTERNAL)[number], unknown> = {
      training: true,
      _parameters: new Map(),
      _buffers: new Map(),
      _nonPersistentBuffersSet: new Set(),
      _modules: new Map(),
      _forwardPreHooks: new Map(),
      _forwardHooks: new Map(),
      _target: this,
      _floats: new Set(),
    };
    for (const [key, value] of Object.entries(internals)) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: false, configurable: true });
    }
    // The subclass constructor continues with the proxy as `this`.
    return new Proxy(this, moduleTraps);
  }

  /** Defines the computation. Subclasses override it; call the module with `call()` to run hooks. */
  forward(..._args: any[]): any {
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /**
   * Runs the module: forward pre-hooks, `forward`, forward hooks — Python's `module(x)`.
   * `forward()` called directly skips the hooks, as in PyTorch.
   */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (this._forwardPreHooks.size === 0 && this._forwardHooks.size === 0) return this.forward(...args);
    let input: unknown[] = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const result = hook(this, input);
      if (result !== undefined) input = Array.isArray(result) ? result : [result];
    }
    let output = this.forward(...input);
    for (const hook of [...this._forwardHooks.values()]) {
      const result = hook(this, input, output);
      if (result !== undefined) output = result;
    }
    return output;
  }

  // ---- registration ----------------------------------------------------------------------

  /** Whether `name` is already an attribute of this module (Python's `hasattr`). */
  private hasAttribute(name: string): boolean {
    const own = Object.getOwnPropertyDescriptor(this._target, name);
    // A class field declared without a value (`x!: T`) is not an attribute yet.
    if (own !== undefined) return !('value' in own) || own.value !== undefined;
    return name in this._target;
  }

  /** Adds a parameter (or `null`, which keeps the slot) under `name`. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('parameter', name);
    if (this.hasAttribute(name) && !this._parameters.has(name)) throw new Error(`attribute '${name}' already exists`);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${typename(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    if (param !== null && param.gradFn !== null) {
      throw new Error(
        `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. ` +
          `To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    }
    this._parameters.set(name, param);
    mirror(this, name, param);
  }

  /** Adds a buffer: state that is not a parameter (BatchNorm's running_mean). Non-persistent ones stay out of stateDict(). */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkName('buffer', name);
    if (this.hasAttribute(name) && !this._buffers.has(name)) throw new Error(`attribute '${name}' already exists`);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`cannot assign '${typename(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    this._buffers.set(name, keep(tensor));
    if (options.persistent ?? true) this._nonPersistentBuffersSet.delete(name);
    else this._nonPersistentBuffersSet.add(name);
    mirror(this, name, tensor);
  }

  /** Adds a child module (or `null`) under `name`. */
  addModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typename(module)} is not a Module subclass`);
    if (typeof name !== 'string') throw new TypeError(`module name should be a string. Got ${typename(name)}`);
    if (this.hasAttribute(name) && !this._modules.has(name)) throw new Error(`attribute '${name}' already exists`);
    checkName('module', name);
    this._modules.set(name, module);
    mirror(this, name, module);
  }
  /** Alias of `addModule`. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  /** Python's `Module.__setattr__`: what assigning `value` to property `name` does. @internal */
  _setAttribute(name: string, value: unknown): void {
    if (value instanceof Parameter) {
      this.removeFrom(name, 'attribute', 'buffer', 'module');
      this.registerParameter(name, value);
    } else if (this._parameters.has(name)) {
      if (value !== null) throw new TypeError(`cannot assign '${typename(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
      this.registerParameter(name, null);
    } else if (value instanceof Module) {
      this.removeFrom(name, 'attribute', 'parameter', 'buffer');
      this._modules.set(name, value);
      mirror(this, name, value);
    } else if (this._modules.has(name)) {
      if (value !== null) throw new TypeError(`cannot assign '${typename(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
      this._modules.set(name, null);
      mirror(this, name, null);
    } else if (this._buffers.has(name)) {
      if (value !== null && !(value instanceof Tensor)) {
        throw new TypeError(`cannot assign '${typename(value)}' as buffer '${name}' (torch.nn.Buffer, torch.Tensor or None expected)`);
      }
      this._buffers.set(name, keep(value as Tensor | null));
      mirror(this, name, value);
    } else {
      // A class property with a setter takes the value, as a data descriptor does under Python's
      // object.__setattr__ (the parametrized tensors of torch.nn.utils.parametrize).
      const setter = classSetter(this._target, name);
      if (setter !== undefined) return setter.call(this, value);
      if (value instanceof PyFloat) {
        value = value.value;
        this._floats.add(name);
      } else if (typeof value === 'number' && !Number.isInteger(value)) this._floats.add(name);
      else this._floats.delete(name);
      mirror(this, name, value);
    }
  }

  /** @internal Python's repr of the numeric attribute `name`: a float if it holds one, else an int. */
  _pyNum(name: string): string {
    const x = (this as unknown as Record<string, number>)[name]!;
    return this._floats.has(name) || !Number.isInteger(x) ? pyFloat(x) : String(x);
  }

  private removeFrom(name: string, ...stores: ('attribute' | 'parameter' | 'buffer' | 'module')[]): void {
    for (const store of stores) {
      if (store === 'attribute') delete (this._target as unknown as Record<string, unknown>)[name];
      else if (store === 'parameter') this._parameters.delete(name);
      else if (store === 'module') this._modules.delete(name);
      else {
        this._buffers.delete(name);
        this._nonPersistentBuffersSet.delete(name);
      }
    }
  }

  /** Python's `Module.__delattr__`. @internal */
  _deleteAttribute(name: string): void {
    if (this._parameters.has(name)) this._parameters.delete(name);
    else if (this._buffers.has(name)) {
      this._buffers.delete(name);
      this._nonPersistentBuffersSet.delete(name);
    } else if (this._modules.has(name)) this._modules.delete(name);
    this._floats.delete(name);
    delete (this._target as unknown as Record<string, unknown>)[name];
  }

  // ---- traversal ------------------------------------------------------------------------

  /** This module and every module below it, root first, depth first, each shared module once. */
  *namedModules(options: { prefix?: string; removeDuplicate?: boolean } = {}, memo = new Set<Module>()): Generator<[string, Module]> {
    const prefix = options.prefix ?? '';
    const removeDuplicate = options.removeDuplicate ?? true;
    if (memo.has(this)) return;
    if (removeDuplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, module] of this._modules) {
      if (module === null) continue;
      yield* module.namedModules({ prefix: prefix + (prefix ? '.' : '') + name, removeDuplicate }, memo);
    }
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  /** The direct children, each once. */
  *namedChildren(): Generator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, module] of this._modules) {
      if (module !== null && !memo.has(module)) {
        memo.add(module);
        yield [name, module];
      }
    }
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  private *namedMembers<T extends Tensor>(
    members: (m: Module) => Iterable<[string, T | null]>,
    options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean },
  ): Generator<[string, T]> {
    const memo = new Set<T>();
    const removeDuplicate = options.removeDuplicate ?? true;
    const modules: Iterable<[string, Module]> =
      (options.recurse ?? true) ? this.namedModules({ prefix: options.prefix, removeDuplicate }) : [[options.prefix ?? '', this]];
    for (const [modulePrefix, module] of modules) {
      for (const [k, v] of members(module)) {
        if (v === null || memo.has(v)) continue;
        if (removeDuplicate) memo.add(v);
        yield [modulePrefix + (modulePrefix ? '.' : '') + k, v];
      }
    }
  }
  /** Parameters with their dotted names (`features.0.weight`), each shared parameter once. */
  namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): Generator<[string, Parameter]> {
    return this.namedMembers((m) => m._parameters, options);
  }
  *parameters(options: { recurse?: boolean } = {}): Generator<Parameter> {
    for (const [, p] of this.namedParameters(options)) yield p;
  }
  namedBuffers(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): Generator<[string, Tensor]> {
    return this.namedMembers((m) => m._buffers, options);
  }
  *buffers(options: { recurse?: boolean } = {}): Generator<Tensor> {
    for (const [, b] of this.namedBuffers(options)) yield b;
  }

  /** The module at a dotted path (`'features.0'`); '' is this module. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      if (!mod.hasAttribute(item)) {
        const known = [...mod._modules.keys()];
        throw new Error(`${mod._getName()} has no attribute \`${item}\`` + (known.length ? ` (its submodules: ${known.join(', ')})` : ''));
      }
      const next = (mod as unknown as Record<string, unknown>)[item];
      if (!(next instanceof Module)) throw new Error(`\`${item}\` is not an nn.Module`);
      mod = next;
    }
    return mod;
  }
  getParameter(target: string): Parameter {
    const [mod, name] = this.splitTarget(target, (m) => [...m._parameters.keys()], 'parameters');
    const param = (mod as unknown as Record<string, unknown>)[name];
    if (!(param instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return param;
  }
  getBuffer(target: string): Tensor {
    const [mod, name] = this.splitTarget(target, (m) => [...m._buffers.keys()], 'buffers');
    if (!mod._buffers.has(name)) throw new Error(`\`${name}\` is not a buffer`);
    return mod._buffers.get(name) as Tensor;
  }
  private splitTarget(target: string, known: (m: Module) => string[], what: string): [Module, string] {
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!mod.hasAttribute(name)) {
      const names = known(mod);
      throw new Error(`${mod._getName()} has no attribute \`${name}\`` + (names.length ? ` (its ${what}: ${names.join(', ')})` : ''));
    }
    return [mod, name];
  }

  // ---- state ----------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order: per module its
   * parameters, then its buffers, then its children. Tensors are detached (share storage) unless
   * `keepVars`.
   */
  stateDict(options: { destination?: StateDict; prefix?: string; keepVars?: boolean } = {}): StateDict {
    let destination = options.destination;
    if (destination === undefined) {
      destination = new Map() as StateDict;
      destination._metadata = new Map();
    }
    const prefix = options.prefix ?? '';
    destination._metadata?.set(prefix.slice(0, -1), new Map([['version', (this.constructor as typeof Module)._version]]));
    this._saveToStateDict(destination, prefix, options.keepVars ?? false);
    for (const [name, module] of this._modules) {
      if (module !== null) module.stateDict({ destination, prefix: `${prefix}${name}.`, keepVars: options.keepVars });
    }
    return destination;
  }
  protected _saveToStateDict(destination: StateDict, prefix: string, keepVars: boolean): void {
    for (const [name, param] of this._parameters) {
      if (param !== null) destination.set(prefix + name, keepVars ? param : param.detach());
    }
    for (const [name, buf] of this._buffers) {
      if (buf !== null && !this._nonPersistentBuffersSet.has(name)) destination.set(prefix + name, keepVars ? buf : buf.detach());
    }
  }

  /**
   * Copies parameters and buffers from `stateDict` (PyTorch's load_state_dict). Every key is
   * checked first — missing, unexpected, wrong type, size mismatch — and one Error lists every
   * problem; when it throws, the module is exactly as it was. With `strict: false`, missing and
   * unexpected keys are returned instead of thrown.
   */
  loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>, options: { strict?: boolean } = {}): IncompatibleKeys {
    const strict = options.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict)) {
      throw new TypeError(`Expected state_dict to be dict-like, got <class '${typename(stateDict)}'>.`);
    }
    const metadata = (stateDict as StateDict)._metadata;
    const entries = stateDict instanceof Map ? new Map(stateDict) : new Map(Object.entries(stateDict));
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errorMsgs: string[] = [];
    const copies: StateDictCopy[] = [];
    const load = (module: Module, local: Map<string, unknown>, prefix: string): void => {
      const localMetadata = metadata?.get(prefix.slice(0, -1)) ?? new Map<string, unknown>();
      module._loadFromStateDict(local, prefix, localMetadata, true, missingKeys, unexpectedKeys, errorMsgs, copies);
      for (const [name, child] of module._modules) {
        if (child === null) continue;
        const childPrefix = `${prefix}${name}.`;
        const childState = new Map([...local].filter(([k]) => k.startsWith(childPrefix)));
        load(child, childState, childPrefix);
      }
    };
    load(this, entries, '');
    if (strict) {
      if (unexpectedKeys.length > 0) errorMsgs.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length > 0) errorMsgs.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errorMsgs.length > 0) {
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errorMsgs.join('\n\t')}`);
    }
    noGrad(() => {
      for (const copy of copies) copy();
    });
    return new IncompatibleKeys(missingKeys, unexpectedKeys);
  }

  /**
   * PyTorch's per-module loading protocol: checks this module's own entries of `stateDict` and
   * plans their copies into `copies` (run by `loadStateDict` only if nothing failed). Modules with
   * older formats (BatchNorm) override it to upgrade entries using `localMetadata.get('version')`.
   */
  _loadFromStateDict(
    stateDict: Map<string, unknown>,
    prefix: string,
    _localMetadata: Map<string, unknown>,
    strict: boolean,
    missingKeys: string[],
    unexpectedKeys: string[],
    errorMsgs: string[],
    copies: StateDictCopy[],
  ): void {
    const localState = new Map<string, Tensor>();
    for (const [k, v] of this._parameters) if (v !== null) localState.set(k, v);
    for (const [k, v] of this._buffers) if (v !== null && !this._nonPersistentBuffersSet.has(k)) localState.set(k, v);
    for (const [name, param] of localState) {
      const key = prefix + name;
      if (!stateDict.has(key)) {
        if (strict) missingKeys.push(key);
        continue;
      }
      let input = stateDict.get(key);
      if (!(input instanceof Tensor)) {
        errorMsgs.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received <class '${typename(input)}'>`);
        continue;
      }
      // Backward compatibility: a 0-dim parameter saved as shape [1] by PyTorch 0.3.
      if (param.ndim === 0 && input.ndim === 1 && input.shape[0] === 1) input = input.reshape([]);
      const from = input as Tensor;
      if (!sameShape(from.shape, param.shape)) {
        errorMsgs.push(`size mismatch for ${key}: copying a param with shape ${from.shape} from checkpoint, the shape in current model is ${param.shape}.`);
        continue;
      }
      copies.push(() => param.copy_(from));
    }
    if (strict) {
      for (const key of stateDict.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const dot = rest.indexOf('.');
        if (dot >= 0 ? !this._modules.has(rest.slice(0, dot)) : !localState.has(rest)) unexpectedKeys.push(key);
      }
    }
  }

  // ---- modes, conversion ----------------------------------------------------------------

  /** Sets training mode on this module and every descendant (Dropout, BatchNorm behave differently). */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new Error('training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant (children first), then on this module. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Applies `fn` to every parameter (in place: the Parameter objects stay the same, so an
   * optimizer holding them stays valid), their gradients, and every buffer.
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const child of this.children()) child._apply(fn);
    noGrad(() => {
      for (const param of this._parameters.values()) {
        if (param === null) continue;
        const applied = fn(param);
        if (applied !== param) param.data = applied;
        const grad = param.grad;
        if (grad !== null) {
          const gradApplied = fn(grad);
          if (gradApplied !== grad) grad.data = gradApplied;
        }
      }
      for (const [name, buf] of this._buffers) {
        if (buf === null) continue;
        const applied = keep(fn(buf));
        this._buffers.set(name, applied);
        mirror(this, name, applied);
      }
    });
    return this;
  }

  /** Moves and/or casts parameters and buffers: `to('cuda')`, `to(torch.float64)`, `to({ device, dtype })`. */
  to(target: DeviceLike | DType | Tensor | { device?: DeviceLike; dtype?: DType }): this {
    let device: DeviceLike | undefined;
    let dtype: DType | undefined;
    if (target instanceof DType) dtype = target;
    else if (target instanceof Tensor) [device, dtype] = [target.device, target.dtype];
    else if (typeof target === 'object' && target !== null && !('type' in target)) ({ device, dtype } = target as { device?: DeviceLike; dtype?: DType });
    else device = target as DeviceLike;
    if (dtype !== undefined && !dtype.isFloatingPoint) {
      throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dtype}`);
    }
    return this._apply((t) => {
      const keepDtype = dtype === undefined || !t.dtype.isFloatingPoint;
      if (device === undefined && keepDtype) return t;
      return t.to({ device, dtype: keepDtype ? undefined : dtype });
    });
  }
  cuda(device?: number): this {
    return this.to(device === undefined ? 'cuda' : `cuda:${device}`);
  }
  cpu(): this {
    return this.to('cpu');
  }
  private castFloating(dtype: DType): this {
    return this._apply((t) => (t.dtype.isFloatingPoint ? t.to(dtype) : t));
  }
  float(): this {
    return this.castFloating(dtypes.float32);
  }
  double(): this {
    return this.castFloating(dtypes.float64);
  }
  half(): this {
    return this.castFloating(dtypes.float16);
  }
  bfloat16(): this {
    return this.castFloating(dtypes.bfloat16);
  }

  /**
   * Frees now every tensor this module and its descendants own: parameters, their gradients and
   * buffers (a model built or loaded inside `tidy` keeps them until then). The module cannot run
   * afterwards. `using model = ...` calls it at the end of the block.
   */
  dispose(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.dispose();
    }
    for (const b of this.buffers()) b.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Clears parameter gradients: sets them to null (default), or zeroes them with `setToNone: false`. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const grad = p.grad;
      if (grad === null) continue;
      if (setToNone) {
        p.grad = null;
      } else {
        if (grad.gradFn !== null) grad.detach_();
        else grad.requiresGrad_(false);
        grad.zero_();
      }
    }
  }
  /** Turns gradient recording on or off for every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  // ---- hooks ----------------------------------------------------------------------------

  /** `hook(module, input)` runs before forward; returning a value replaces the input (an array is the argument list). */
  registerForwardPreHook(hook: ForwardPreHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._forwardPreHooks, hook as ForwardPreHook, options.prepend ?? false);
  }
  /** `hook(module, input, output)` runs after forward; returning a value replaces the output. */
  registerForwardHook(hook: ForwardHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._forwardHooks, hook as ForwardHook, options.prepend ?? false);
  }

  // ---- printing -------------------------------------------------------------------------

  _getName(): string {
    return this.constructor.name;
  }
  /** The text inside the parentheses of this module's repr, e.g. `in_features=2, out_features=3, bias=True`. */
  extraRepr(): string {
    return '';
  }
  /** What `print(module)` prints in PyTorch. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this._modules].map(([key, m]) => `(${key}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._getName()}(`;
    if (lines.length > 0) {
      main += extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

function addHook<H>(hooks: Map<number, H>, hook: H, prepend: boolean): RemovableHandle {
  const id = nextHookId++;
  if (prepend) {
    const rest = [...hooks];
    hooks.clear();
    hooks.set(id, hook);
    for (const [k, v] of rest) hooks.set(k, v);
  } else {
    hooks.set(id, hook);
  }
  return new RemovableHandle(() => hooks.delete(id), id);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function classSetter(target: Module, name: string): ((value: unknown) => void) | undefined {
  for (let p = Object.getPrototypeOf(target) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d.set;
  }
  return undefined;
}

/** Stores `value` as a plain own property of the module, bypassing the registration traps. */
function mirror(module: Module, name: string, value: unknown): void {
  Object.defineProperty(module._target, name, { value, writable: true, enumerable: true, configurable: true });
}

/** A property key that is an integer, as containers are indexed (`seq[0]`, `list[-1]`). */
function indexKey(key: string | symbol): number | undefined {
  return typeof key === 'string' && /^-?(0|[1-9]\d*)$/.test(key) ? Number(key) : undefined;
}

/** Containers (Sequential, ModuleList, ParameterList) answer integer keys themselves. */
export interface Indexable {
  _getItem(index: number): unknown;
  _setItem(index: number, value: unknown): void;
  _deleteItem(index: number): void;
}
const isIndexable = (m: Module): m is Module & Indexable => typeof (m as Partial<Indexable>)._getItem === 'function';

/** Internal state (non-enumerable own properties, see `defineInternal`) bypasses registration. */
function isInternal(target: Module, key: string): boolean {
  const own = Object.getOwnPropertyDescriptor(target, key);
  return own !== undefined && !own.enumerable;
}

/** Defines state of a module that is not an attribute in PyTorch's sense (ParameterList's size). */
export function defineInternal(module: Module, name: string, value: unknown): void {
  Object.defineProperty(module._target, name, { value, writable: true, enumerable: false, configurable: true });
}

const moduleTraps: ProxyHandler<Module> = {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver);
    if (value !== undefined || typeof key !== 'string' || PROBED.has(key) || key in target) return value;
    const index = indexKey(key);
    if (index !== undefined && isIndexable(target)) return Reflect.apply(target._getItem, receiver, [index]);
    // Python's Module.__getattr__: an unknown name is an error (PyTorch's text), not undefined.
    throw new Error(`'${target._getName()}' object has no attribute '${key}'`);
  },
  set(target, key, value, receiver) {
    if (typeof key !== 'string' || isInternal(target, key)) return Reflect.set(target, key, value);
    const index = indexKey(key);
    if (index !== undefined && isIndexable(target)) Reflect.apply(target._setItem, receiver, [index, value]);
    else target._setAttribute(key, value);
    return true;
  },
  defineProperty(target, key, descriptor) {
    // TypeScript class fields are defined, not assigned: register them the same way.
    if (typeof key !== 'string' || !('value' in descriptor) || descriptor.enumerable === false || isInternal(target, key)) {
      return Reflect.defineProperty(target, key, descriptor);
    }
    // A field declared without a value must not unregister what a base class registered.
    const registered = target._parameters.has(key) || target._buffers.has(key) || target._modules.has(key);
    if (descriptor.value !== undefined || !registered) target._setAttribute(key, descriptor.value);
    return true;
  },
  deleteProperty(target, key) {
    if (typeof key !== 'string') return Reflect.deleteProperty(target, key);
    const index = indexKey(key);
    if (index !== undefined && isIndexable(target)) target._deleteItem(index);
    else target._deleteAttribute(key);
    return true;
  },
};
