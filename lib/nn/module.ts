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
import { isGradEnabled, noGrad } from '../autograd';
import type { DeviceLike } from '../device';
import { DType } from '../dtype';
import { keep } from '../memory';
import * as dtypes from '../dtype';
import { native } from '../native';
import { op } from '../ops';
import { pySignature } from '../python_signature';
import { isOptions } from './modules_utils';
import { emptyLike, zeros, zerosLike } from '../generated/torch';
import { Tensor, wrap } from '../tensor';
import { foreachMul } from '../_foreach';
import { Buffer, Parameter } from './parameter';
import { getOverwriteModuleParamsOnConversion, getSwapModuleParamsOnConversion } from '../future';
import { POISONED_BY_SWAP, swapTensors } from '../utils/swap_tensors';
import { PyFloat } from '../scalar';
import { pyFloat } from './repr';
import { pyTypeName } from '../arg_parser';

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
/** A forward pre-hook registered with `withKwargs`: sees the options object too; may return `[args, kwargs]`. */
export type ForwardPreHookWithKwargs<M extends Module = Module> = (module: M, args: unknown[], kwargs: Record<string, unknown>) => unknown;
/** A forward hook registered with `withKwargs`: sees the options object too. */
export type ForwardHookWithKwargs<M extends Module = Module> = (module: M, args: unknown[], kwargs: Record<string, unknown>, output: unknown) => unknown;
/** `hook(module, gradOutput)`: may return the gradOutput to use instead (one entry per module output). */
export type BackwardPreHook<M extends Module = Module> = (module: M, gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void | null | undefined;
/** `hook(module, gradInput, gradOutput)`: may return the gradInput to use instead (one entry per forward argument). */
export type BackwardHook<M extends Module = Module> = (module: M, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void | null | undefined;
/** `hook(module, prefix, keepVars)`, run before a module saves its state. */
export type StateDictPreHook<M extends Module = Module> = (module: M, prefix: string, keepVars: boolean) => void;
/** `hook(module, stateDict, prefix, localMetadata)`, run after a module and its children saved their state; edits stateDict in place. */
export type StateDictPostHook<M extends Module = Module> = (module: M, stateDict: StateDict, prefix: string, localMetadata: Map<string, unknown>) => void;
/** `hook(module, stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs)`, run before a module loads its entries. */
export type LoadStateDictPreHook<M extends Module = Module> = (
  module: M, stateDict: Map<string, unknown>, prefix: string, localMetadata: Map<string, unknown>, strict: boolean,
  missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
) => void;
/** `hook(module, incompatibleKeys)`, run after a module and its children loaded; may edit the key lists in place. */
export type LoadStateDictPostHook<M extends Module = Module> = (module: M, incompatibleKeys: IncompatibleKeys) => void;
/** `hook(module, name, value)` of the global registration hooks: may return the value to register instead. */
export type RegistrationHook<T> = (module: Module, name: string, value: T | null) => T | null | void;

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

const INTERNAL = [
  'training', '_parameters', '_buffers', '_nonPersistentBuffersSet', '_modules', '_forwardPreHooks', '_forwardHooks',
  '_forwardHooksAlwaysCalled', '_forwardHooksWithKwargs', '_forwardPreHooksWithKwargs', '_backwardPreHooks', '_backwardHooks', '_stateDictPreHooks', '_stateDictHooks',
  '_loadStateDictPreHooks', '_loadStateDictPostHooks', '_target', '_floats',
] as const;

let nextHookId = 0;

// Global hooks (torch/nn/modules/module.py's module-level dicts), run before every module's own.
const globalForwardPreHooks = new Map<number, ForwardPreHook>();
const globalForwardHooks = new Map<number, ForwardHook>();
const globalForwardHooksAlwaysCalled = new Set<number>();
const globalForwardHooksWithKwargs = new Set<number>();
const globalBackwardPreHooks = new Map<number, BackwardPreHook>();
const globalBackwardHooks = new Map<number, BackwardHook>();
const globalBufferRegistrationHooks = new Map<number, RegistrationHook<Tensor>>();
const globalModuleRegistrationHooks = new Map<number, RegistrationHook<Module>>();
const globalParameterRegistrationHooks = new Map<number, RegistrationHook<Parameter>>();

const HOOK = pySignature<{ hook: unknown }>('register_hook', 'hook');
const PREPENDED_HOOK = pySignature<{ hook: unknown; prepend?: boolean }>('register_hook', 'self, hook, *, prepend=False');
const FORWARD_PRE_HOOK = pySignature<{ hook: unknown; prepend?: boolean; withKwargs?: boolean }>('register_forward_pre_hook', 'self, hook, *, prepend=False, with_kwargs=False');
const FORWARD_HOOK = pySignature<{ hook: unknown; prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean }>(
  'register_forward_hook', 'self, hook, *, prepend=False, with_kwargs=False, always_call=False',
);
const GLOBAL_FORWARD_HOOK = pySignature<{ hook: unknown; withKwargs?: boolean; alwaysCall?: boolean }>('register_module_forward_hook', 'hook, *, with_kwargs=False, always_call=False');
const ZERO_GRAD = pySignature<{ setToNone?: boolean }>('Module.zero_grad', 'self, set_to_none=True');
// load_state_dict's arguments after the state dict (which may itself be a plain object).
const LOAD_STATE_DICT = pySignature<{ strict?: boolean; assign?: boolean }>('Module.load_state_dict', 'self, strict=True, assign=False');
const SET_SUBMODULE = pySignature<{ target: unknown; module: unknown; strict?: boolean }>('Module.set_submodule', 'self, target, module, strict=False');
const TO_EMPTY = pySignature<{ device: DeviceLike | null; recurse?: boolean }>('Module.to_empty', 'self, *, device, recurse=True');
/** The state_dict key of what getExtraState returns (PyTorch's _EXTRA_STATE_KEY_SUFFIX). */
const EXTRA_STATE_KEY_SUFFIX = '_extra_state';

function hookArg(args: readonly unknown[], binder: typeof HOOK | typeof PREPENDED_HOOK, name: string): { hook: unknown; prepend?: boolean } {
  const bound = binder(args, name) as { hook: unknown; prepend?: boolean };
  if (typeof bound.hook !== 'function') throw new TypeError(`${name}(): hook must be callable, got ${typename(bound.hook)}`);
  return bound;
}
function globalHook<H>(hooks: Map<number, H>, name: string, args: readonly unknown[]): RemovableHandle {
  return addHook(hooks, hookArg(args, HOOK, name).hook as H, false);
}

/** torch.nn.modules.module.register_module_forward_pre_hook: `hook(module, input)` before every module's forward. */
export function registerModuleForwardPreHook(hook: ForwardPreHook): RemovableHandle {
  return globalHook(globalForwardPreHooks, 'register_module_forward_pre_hook', [hook]);
}
/**
 * torch.nn.modules.module.register_module_forward_hook: `hook(module, args, output)` (with
 * `withKwargs`, `hook(module, args, kwargs, output)`) after every module's forward.
 */
export function registerModuleForwardHook(hook: ForwardHook, options?: { withKwargs?: false; alwaysCall?: boolean }): RemovableHandle;
export function registerModuleForwardHook(hook: ForwardHookWithKwargs, options: { withKwargs: true; alwaysCall?: boolean }): RemovableHandle;
export function registerModuleForwardHook(hook: ForwardHook | ForwardHookWithKwargs, options: { withKwargs?: boolean; alwaysCall?: boolean } = {}): RemovableHandle {
  const bound = GLOBAL_FORWARD_HOOK([hook, options]);
  const handle = globalHook(globalForwardHooks, 'register_module_forward_hook', [bound.hook]);
  if (bound.withKwargs) globalForwardHooksWithKwargs.add(handle.id);
  if (bound.alwaysCall) globalForwardHooksAlwaysCalled.add(handle.id);
  return new RemovableHandle(() => {
    handle.remove();
    globalForwardHooksWithKwargs.delete(handle.id);
    globalForwardHooksAlwaysCalled.delete(handle.id);
  }, handle.id);
}
/** torch.nn.modules.module.register_module_full_backward_pre_hook: runs before every module's own backward pre-hooks. */
export function registerModuleFullBackwardPreHook(hook: BackwardPreHook): RemovableHandle {
  return globalHook(globalBackwardPreHooks, 'register_module_full_backward_pre_hook', [hook]);
}
/** torch.nn.modules.module.register_module_full_backward_hook: runs before every module's own full backward hooks. */
export function registerModuleFullBackwardHook(hook: BackwardHook): RemovableHandle {
  return globalHook(globalBackwardHooks, 'register_module_full_backward_hook', [hook]);
}
/** torch.nn.modules.module.register_module_buffer_registration_hook: `hook(module, name, buffer)` at every buffer registration. */
export function registerModuleBufferRegistrationHook(hook: RegistrationHook<Tensor>): RemovableHandle {
  return globalHook(globalBufferRegistrationHooks, 'register_module_buffer_registration_hook', [hook]);
}
/** torch.nn.modules.module.register_module_module_registration_hook: `hook(module, name, submodule)` at every submodule registration. */
export function registerModuleModuleRegistrationHook(hook: RegistrationHook<Module>): RemovableHandle {
  return globalHook(globalModuleRegistrationHooks, 'register_module_module_registration_hook', [hook]);
}
/** torch.nn.modules.module.register_module_parameter_registration_hook: `hook(module, name, param)` at every parameter registration. */
export function registerModuleParameterRegistrationHook(hook: RegistrationHook<Parameter>): RemovableHandle {
  return globalHook(globalParameterRegistrationHooks, 'register_module_parameter_registration_hook', [hook]);
}

function runRegistrationHooks<T>(hooks: Map<number, RegistrationHook<T>>, module: Module, name: string, value: T | null): T | null {
  for (const hook of [...hooks.values()]) {
    const output = hook(module, name, value);
    if (output !== undefined && output !== null) value = output;
  }
  return value;
}

// Tensor.type()'s names of the dtypes (`torch.FloatTensor`).
const TENSOR_TYPES: Record<string, string> = {
  float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', int64: 'Long', int32: 'Int', int16: 'Short',
  int8: 'Char', uint8: 'Byte', bool: 'Bool', complex64: 'ComplexFloat', complex128: 'ComplexDouble',
};

/** torch.typename(): what PyTorch's error messages call a value. */
export function typename(value: unknown): string {
  if (value instanceof Tensor) return `torch.${value.device.type === 'cuda' ? 'cuda.' : ''}${TENSOR_TYPES[value.dtype.name] ?? value.dtype.name}Tensor`;
  return pyTypeName(value);
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
  /** Ids of the forward hooks registered with `alwaysCall` (run even when forward throws). */
  declare readonly _forwardHooksAlwaysCalled: Set<number>;
  /** Ids of the forward (pre-)hooks registered with `withKwargs`. */
  declare readonly _forwardHooksWithKwargs: Set<number>;
  declare readonly _forwardPreHooksWithKwargs: Set<number>;
  declare readonly _backwardPreHooks: Map<number, BackwardPreHook>;
  declare readonly _backwardHooks: Map<number, BackwardHook>;
  declare readonly _stateDictPreHooks: Map<number, StateDictPreHook>;
  declare readonly _stateDictHooks: Map<number, StateDictPostHook>;
  declare readonly _loadStateDictPreHooks: Map<number, LoadStateDictPreHook>;
  declare readonly _loadStateDictPostHooks: Map<number, LoadStateDictPostHook>;
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
      _forwardHooksAlwaysCalled: new Set(),
      _forwardHooksWithKwargs: new Set(),
      _forwardPreHooksWithKwargs: new Set(),
      _backwardPreHooks: new Map(),
      _backwardHooks: new Map(),
      _stateDictPreHooks: new Map(),
      _stateDictHooks: new Map(),
      _loadStateDictPreHooks: new Map(),
      _loadStateDictPostHooks: new Map(),
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
   * Runs the module: forward pre-hooks, `forward`, forward hooks, and sets up the backward hooks
   * — Python's `module(x)` (`Module._call_impl`), global hooks before the module's own.
   * `forward()` called directly skips the hooks, as in PyTorch.
   */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (
      this._forwardPreHooks.size === 0 && this._forwardHooks.size === 0 && this._backwardHooks.size === 0 && this._backwardPreHooks.size === 0 &&
      globalForwardPreHooks.size === 0 && globalForwardHooks.size === 0 && globalBackwardHooks.size === 0 && globalBackwardPreHooks.size === 0
    ) {
      return this.forward(...args);
    }
    // Python's *args and **kwargs: the keyword arguments are the trailing options object.
    let input: unknown[] = args;
    let kwargs: Record<string, unknown> = {};
    if (input.length > 0 && isOptions(input[input.length - 1])) {
      kwargs = input[input.length - 1] as Record<string, unknown>;
      input = input.slice(0, -1);
    }
    let result: unknown;
    const calledAlways = new Set<number>();
    try {
      const backwardPreHooks = [...globalBackwardPreHooks.values(), ...this._backwardPreHooks.values()];
      const backwardHooks = [...globalBackwardHooks.values(), ...this._backwardHooks.values()];
      for (const [id, hook] of [...globalForwardPreHooks, ...this._forwardPreHooks]) {
        if (this._forwardPreHooksWithKwargs.has(id)) {
          const r = (hook as unknown as ForwardPreHookWithKwargs)(this, input, kwargs);
          if (r === undefined) continue;
          if (!(Array.isArray(r) && r.length === 2)) throw new Error(`forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got ${String(r)}.`);
          [input, kwargs] = [Array.isArray(r[0]) ? r[0] : [r[0]], r[1] as Record<string, unknown>];
        } else {
          const r = hook(this, input);
          if (r !== undefined) input = Array.isArray(r) ? r : [r];
        }
      }
      const bwHook = backwardHooks.length > 0 || backwardPreHooks.length > 0 ? new BackwardHookState(this, backwardHooks, backwardPreHooks) : null;
      if (bwHook !== null) input = bwHook.setupInputHook(input);
      result = Object.keys(kwargs).length > 0 ? this.forward(...input, kwargs) : this.forward(...input);
      bwHook?.checkInputsNotModified();
      for (const [id, hook] of [...globalForwardHooks, ...this._forwardHooks]) {
        if (this._forwardHooksAlwaysCalled.has(id) || globalForwardHooksAlwaysCalled.has(id)) calledAlways.add(id);
        const r = this._forwardHooksWithKwargs.has(id) || globalForwardHooksWithKwargs.has(id)
          ? (hook as unknown as ForwardHookWithKwargs)(this, input, kwargs, result)
          : hook(this, input, result);
        if (r !== undefined) result = r;
      }
      if (bwHook !== null) {
        if (!(result instanceof Tensor || Array.isArray(result))) {
          process.emitWarning(`For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but received ${pyClass(result)}`, 'UserWarning');
        }
        result = bwHook.setupOutputHook(result);
      }
      return result as ReturnType<this['forward']>;
    } catch (e) {
      for (const [id, hook] of globalForwardHooks) {
        if (!globalForwardHooksAlwaysCalled.has(id) || calledAlways.has(id)) continue;
        result = runSilenced('global module forward hook', () => hook(this, input, result), result);
      }
      for (const [id, hook] of this._forwardHooks) {
        if (!this._forwardHooksAlwaysCalled.has(id) || calledAlways.has(id)) continue;
        const run = this._forwardHooksWithKwargs.has(id)
          ? (): unknown => (hook as unknown as ForwardHookWithKwargs)(this, input, kwargs, result)
          : (): unknown => hook(this, input, result);
        result = runSilenced('module forward hook', run, result);
      }
      throw e;
    }
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
    if (param !== null) param = runRegistrationHooks(globalParameterRegistrationHooks, this, name, param);
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
    tensor = runRegistrationHooks(globalBufferRegistrationHooks, this, name, tensor);
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
    module = runRegistrationHooks(globalModuleRegistrationHooks, this, name, module);
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
    } else if (value instanceof Module || this._modules.has(name)) {
      if (value instanceof Module) this.removeFrom(name, 'attribute', 'parameter', 'buffer');
      else if (value !== null) throw new TypeError(`cannot assign '${typename(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
      const module = runRegistrationHooks(globalModuleRegistrationHooks, this, name, value as Module | null);
      this._modules.set(name, module);
      mirror(this, name, module);
    } else if (value instanceof Buffer || this._buffers.has(name)) {
      if (value !== null && !(value instanceof Tensor)) {
        throw new TypeError(`cannot assign '${typename(value)}' as buffer '${name}' (torch.nn.Buffer, torch.Tensor or None expected)`);
      }
      const persistent = value instanceof Buffer ? (value as Buffer).persistent : !this._nonPersistentBuffersSet.has(name);
      this.registerBuffer(name, value as Tensor | null, { persistent });
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
  /** Puts `module` at the dotted path `target` (its parent must exist; with `strict`, so must the name). */
  setSubmodule(...args: [target: string, module: Module, strict?: boolean] | [target: string, module: Module, options: { strict?: boolean }]): void {
    const o = SET_SUBMODULE(args);
    const target = o.target as string;
    if (target === '') throw new RangeError('Cannot set the submodule without a target name!');
    if (!(o.module instanceof Module)) throw new RangeError(`\`module\` is not an nn.Module, found <class '${typename(o.module)}'>`);
    const atoms = target.split('.');
    const name = atoms.pop()!;
    const parent = atoms.length === 0 ? this : this.getSubmodule(atoms.join('.'));
    const exists = parent.hasAttribute(name);
    if ((o.strict ?? false) && !exists) throw new Error(`${parent._getName()} has no attribute \`${name}\``);
    if (exists && !((parent as unknown as Record<string, unknown>)[name] instanceof Module)) throw new Error(`\`${name}\` is not an nn.Module`);
    (parent as unknown as Record<string, unknown>)[name] = o.module;
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
    const keepVars = options.keepVars ?? false;
    const localMetadata = new Map<string, unknown>([['version', (this.constructor as typeof Module)._version]]);
    destination._metadata?.set(prefix.slice(0, -1), localMetadata);
    for (const hook of [...this._stateDictPreHooks.values()]) hook(this, prefix, keepVars);
    this._saveToStateDict(destination, prefix, keepVars);
    for (const [name, module] of this._modules) {
      if (module !== null) module.stateDict({ destination, prefix: `${prefix}${name}.`, keepVars });
    }
    for (const hook of [...this._stateDictHooks.values()]) {
      if (hook(this, destination, prefix, localMetadata) !== undefined) throw new Error('state_dict post-hook must return None');
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
    if (this.getExtraState !== Module.prototype.getExtraState) (destination as Map<string, unknown>).set(prefix + EXTRA_STATE_KEY_SUFFIX, this.getExtraState());
  }

  /**
   * State beyond parameters and buffers to put in stateDict() under `<prefix>_extra_state`: a
   * module that overrides this (and `setExtraState`, which receives it back on loading) has one.
   */
  getExtraState(): unknown {
    throw new Error(
      'Reached a code path in Module.get_extra_state() that should never be called. Please file an issue at ' +
        'https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.',
    );
  }
  /** Receives what `getExtraState` returned, from loadStateDict. */
  setExtraState(_state: unknown): void {
    throw new Error(
      'Reached a code path in Module.set_extra_state() that should never be called. Please file an issue at ' +
        'https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.',
    );
  }

  /**
   * Copies parameters and buffers from `stateDict` (PyTorch's load_state_dict). Every key is
   * checked first — missing, unexpected, wrong type, size mismatch — and one Error lists every
   * problem; when it throws, the module is exactly as it was. With `strict: false`, missing and
   * unexpected keys are returned instead of thrown. With `assign`, the module takes the given
   * tensors themselves (parameters wrapped as Parameters, keeping their requiresGrad) instead of
   * copying their values.
   */
  loadStateDict(
    stateDict: Map<string, unknown> | Record<string, unknown>,
    ...args: [strict?: boolean, assign?: boolean] | [options: { strict?: boolean; assign?: boolean }]
  ): IncompatibleKeys {
    const options = LOAD_STATE_DICT(args);
    const strict = options.strict ?? true;
    const assign = options.assign ?? false;
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
      if (assign) localMetadata.set('assign_to_params_buffers', assign);
      module._loadFromStateDict(local, prefix, localMetadata, true, missingKeys, unexpectedKeys, errorMsgs, copies);
      for (const [name, child] of module._modules) {
        if (child === null) continue;
        const childPrefix = `${prefix}${name}.`;
        const childState = new Map([...local].filter(([k]) => k.startsWith(childPrefix)));
        load(child, childState, childPrefix);
      }
      // The hooks may edit the key lists in place: strict loading then judges what they left.
      const incompatibleKeys = new IncompatibleKeys(missingKeys, unexpectedKeys);
      for (const hook of [...module._loadStateDictPostHooks.values()]) {
        if (hook(module, incompatibleKeys) !== undefined) {
          throw new Error(
            'Hooks registered with ``register_load_state_dict_post_hook`` are not expected to return new values, ' +
              'if incompatible_keys need to be modified, it should be done inplace.',
          );
        }
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
    for (const hook of [...this._loadStateDictPreHooks.values()]) hook(this, stateDict, prefix, _localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
    const assign = _localMetadata.get('assign_to_params_buffers') === true;
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
      if (!assign) {
        copies.push(() => param.copy_(from));
        continue;
      }
      copies.push(() => {
        let value: Tensor = from;
        if (param instanceof Parameter) {
          if (from instanceof Parameter) from.requiresGrad_(param.requiresGrad);
          else value = new Parameter(from, param.requiresGrad);
        }
        (this as unknown as Record<string, unknown>)[name] = value;
      });
    }
    const extraStateKey = prefix + EXTRA_STATE_KEY_SUFFIX;
    if (this.setExtraState !== Module.prototype.setExtraState) {
      if (stateDict.has(extraStateKey)) {
        const state = stateDict.get(extraStateKey);
        copies.push(() => this.setExtraState(state));
      } else if (strict) missingKeys.push(extraStateKey);
    } else if (strict && stateDict.has(extraStateKey)) unexpectedKeys.push(extraStateKey);
    if (strict) {
      for (const key of stateDict.keys()) {
        if (!key.startsWith(prefix) || key === extraStateKey) continue;
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
   * Applies `fn` to every parameter, their gradients, and every buffer (PyTorch's `_apply`). A
   * parameter is changed in place (`.data =`), so the Parameter objects stay the same and an
   * optimizer holding them stays valid; torch.future's flags choose instead to swap their contents
   * (swapTensors: the Parameter and its `.grad` stay the same objects) or to assign new Parameters.
   */
  _apply(fn: (t: Tensor) => Tensor, recurse = true): this {
    if (recurse) for (const child of this.children()) child._apply(fn);
    const swap = getSwapModuleParamsOnConversion();
    const overwrite = getOverwriteModuleParamsOnConversion();
    for (const [key, param] of this._parameters) {
      if (param === null) continue;
      const applied = noGrad(() => fn(param));
      const grad = param.grad;
      let out = param;
      if (swap) {
        try {
          if (grad !== null) param.grad = null;
          const old = new Parameter(applied, param.requiresGrad);
          swapTensors(param, old);
          // A graph built before the swap still accumulates into the old tensor: its backward
          // raises, as PyTorch's poisoned AccumulateGrad node does.
          if (old.requiresGrad) native.registerHook(old._h, () => { throw new Error(POISONED_BY_SWAP); });
          old.dispose();
        } catch (e) {
          if (grad !== null) param.grad = grad;
          throw new Error(`_apply(): Couldn't swap ${this._getName()}.${key}`, { cause: e });
        }
      } else if (!overwrite && compatibleShallowCopyType(param, applied)) {
        if (applied !== param) param.data = applied;
      } else {
        out = new Parameter(applied, param.requiresGrad);
        this._parameters.set(key, out);
        mirror(this, key, out);
      }
      if (grad === null) continue;
      const gradApplied = noGrad(() => fn(grad));
      if (swap) {
        gradApplied.requiresGrad_(grad.requiresGrad);
        try {
          swapTensors(grad, gradApplied);
        } catch (e) {
          throw new Error(`_apply(): Couldn't swap ${this._getName()}.${key}.grad`, { cause: e });
        }
        out.grad = grad;
      } else if (!overwrite && compatibleShallowCopyType(grad, gradApplied)) {
        if (gradApplied !== grad) grad.data = gradApplied;
      } else {
        out.grad = keep(gradApplied.requiresGrad_(grad.requiresGrad));
      }
    }
    noGrad(() => {
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
  /** Moves every parameter and buffer into shared memory (`Tensor.shareMemory_`); returns the module. */
  shareMemory(): this {
    return this._apply((t) => t.shareMemory_());
  }
  /** Gives every parameter and buffer new, uninitialised storage on `device` (of the same shape and dtype). */
  toEmpty(options: { device: DeviceLike | null; recurse?: boolean }): this {
    const o = TO_EMPTY([options]);
    return this._apply((t) => emptyLike(t, { device: o.device ?? undefined }), o.recurse ?? true);
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
  zeroGrad(...args: [setToNone?: boolean] | [options: { setToNone?: boolean }]): void {
    const setToNone = ZERO_GRAD(args).setToNone ?? true;
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

  /**
   * `hook(module, args)` runs before forward; returning a value replaces the positional
   * arguments (an array is the argument list). With `withKwargs`, `hook(module, args, kwargs)`
   * also sees the options object (Python's keyword arguments) and may return `[args, kwargs]`.
   */
  registerForwardPreHook(hook: ForwardPreHook<this>, options?: { prepend?: boolean; withKwargs?: false }): RemovableHandle;
  registerForwardPreHook(hook: ForwardPreHookWithKwargs<this>, options: { prepend?: boolean; withKwargs: true }): RemovableHandle;
  registerForwardPreHook(hook: ForwardPreHook<this> | ForwardPreHookWithKwargs<this>, options: { prepend?: boolean; withKwargs?: boolean } = {}): RemovableHandle {
    const bound = FORWARD_PRE_HOOK([hook, options]);
    const handle = addHook(this._forwardPreHooks, hookArg([bound.hook], HOOK, 'register_forward_pre_hook').hook as ForwardPreHook, bound.prepend ?? false);
    if (bound.withKwargs) this._forwardPreHooksWithKwargs.add(handle.id);
    return new RemovableHandle(() => {
      handle.remove();
      this._forwardPreHooksWithKwargs.delete(handle.id);
    }, handle.id);
  }
  /**
   * `hook(module, args, output)` runs after forward; returning a value replaces the output.
   * With `withKwargs` it is `hook(module, args, kwargs, output)`; with `alwaysCall` it also runs
   * when forward (or an earlier hook) throws.
   */
  registerForwardHook(hook: ForwardHook<this>, options?: { prepend?: boolean; withKwargs?: false; alwaysCall?: boolean }): RemovableHandle;
  registerForwardHook(hook: ForwardHookWithKwargs<this>, options: { prepend?: boolean; withKwargs: true; alwaysCall?: boolean }): RemovableHandle;
  registerForwardHook(hook: ForwardHook<this> | ForwardHookWithKwargs<this>, options: { prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean } = {}): RemovableHandle {
    const bound = FORWARD_HOOK([hook, options]);
    const handle = addHook(this._forwardHooks, hookArg([bound.hook], HOOK, 'register_forward_hook').hook as ForwardHook, bound.prepend ?? false);
    if (bound.withKwargs) this._forwardHooksWithKwargs.add(handle.id);
    if (bound.alwaysCall) this._forwardHooksAlwaysCalled.add(handle.id);
    return new RemovableHandle(() => {
      handle.remove();
      this._forwardHooksWithKwargs.delete(handle.id);
      this._forwardHooksAlwaysCalled.delete(handle.id);
    }, handle.id);
  }
  /**
   * `hook(module, gradOutput)` runs when the gradients with respect to the module's outputs are
   * computed; returning an array replaces gradOutput (PyTorch's register_full_backward_pre_hook).
   */
  registerFullBackwardPreHook(hook: BackwardPreHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    const bound = hookArg([hook, options], PREPENDED_HOOK, 'register_full_backward_pre_hook');
    return addHook(this._backwardPreHooks, bound.hook as BackwardPreHook, bound.prepend ?? false);
  }
  /**
   * `hook(module, gradInput, gradOutput)` runs when the gradients with respect to the module's
   * inputs are computed: gradInput has one entry per forward argument (null for a non-tensor),
   * gradOutput one per output. Returning an array replaces gradInput (PyTorch's
   * register_full_backward_hook). A forward that modifies its inputs in place is refused.
   */
  registerFullBackwardHook(hook: BackwardHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    const bound = hookArg([hook, options], PREPENDED_HOOK, 'register_full_backward_hook');
    return addHook(this._backwardHooks, bound.hook as BackwardHook, bound.prepend ?? false);
  }
  /** `hook(module, prefix, keepVars)` runs at the start of this module's part of `stateDict()`. */
  registerStateDictPreHook(hook: StateDictPreHook<this>): RemovableHandle {
    return addHook(this._stateDictPreHooks, hookArg([hook], HOOK, 'register_state_dict_pre_hook').hook as StateDictPreHook, false);
  }
  /** `hook(module, stateDict, prefix, localMetadata)` runs once this module and its children are in `stateDict`; it edits it in place. */
  registerStateDictPostHook(hook: StateDictPostHook<this>): RemovableHandle {
    return addHook(this._stateDictHooks, hookArg([hook], HOOK, 'register_state_dict_post_hook').hook as StateDictPostHook, false);
  }
  /** `hook(module, stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs)` runs before this module loads its entries. */
  registerLoadStateDictPreHook(hook: LoadStateDictPreHook<this>): RemovableHandle {
    return addHook(this._loadStateDictPreHooks, hookArg([hook], HOOK, 'register_load_state_dict_pre_hook').hook as LoadStateDictPreHook, false);
  }
  /** `hook(module, incompatibleKeys)` runs after this module and its children loaded; editing the key lists changes what strict loading reports. */
  registerLoadStateDictPostHook(hook: LoadStateDictPostHook<this>): RemovableHandle {
    return addHook(this._loadStateDictPostHooks, hookArg([hook], HOOK, 'register_load_state_dict_post_hook').hook as LoadStateDictPostHook, false);
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

/** Python's `type(x)` as a warning prints it. */
function pyClass(value: unknown): string {
  return `<class '${value === null || value === undefined ? 'NoneType' : typename(value)}'>`;
}

/** An always-called forward hook after forward threw: its own error is reported as a warning, not raised. */
function runSilenced(what: string, run: () => unknown, result: unknown): unknown {
  try {
    const r = run();
    return r === undefined ? result : r;
  } catch (e) {
    process.emitWarning(`${what} with \`\`always_call=True\`\` raised an exception that was silenced as another error was raised in forward: ${(e as Error).message}`, 'UserWarning');
    return result;
  }
}

const ops = { version: op('aten::_version') };
const tensorVersion = (t: Tensor): number => native.callOp(ops.version, t._h) as number;
const isNone = (x: unknown): x is null | undefined | void => x === null || x === undefined;

/**
 * The identity node PyTorch's BackwardHookFunction puts between a module and its inputs (or
 * outputs): one autograd node for all the tensors that require grad (`_foreach_mul(ts, 1)`, exact
 * for every value), whose incoming gradients `onGrads` sees together (null where none arrived)
 * and may replace. The node's tensor hooks run one after another right before it applies: all
 * but the last hand over a copy of their gradient, which the last one overwrites with the
 * replacement once every gradient is known. libtorch lets no hook give a gradient where none
 * arrived, so (unlike PyTorch's Function, which passes on zeros) none leaves the node there; a
 * gradient replaced by null leaves it as zeros.
 */
function identityNode(tensors: Tensor[], onGrads: (grads: (Tensor | null)[]) => (Tensor | null)[] | undefined): Tensor[] {
  const outs = foreachMul(tensors, 1);
  const last = outs.length - 1;
  const grads: (Tensor | null)[] = [];
  const held: (Tensor | null)[] = [];
  outs.forEach((out, i) => {
    native.registerHook(out._h, (h) => {
      grads[i] = h === null ? null : wrap(h);
      if (i < last) {
        held[i] = grads[i]?.clone() ?? null;
        return held[i]?._h;
      }
      const arrivedAll = grads.splice(0);
      const heldAll = held.splice(0); // the node may outlive this backward: keep no gradient here
      const replaced = onGrads(arrivedAll.slice());
      if (replaced === undefined) return undefined;
      noGrad(() => {
        for (let j = 0; j < last; j++) {
          const into = heldAll[j];
          if (into === null || into === undefined || replaced[j] === arrivedAll[j]) continue;
          if (isNone(replaced[j])) into.zero_();
          else into.copy_(replaced[j]!);
        }
      });
      const mine = replaced[last];
      const arrived = arrivedAll[last];
      if (arrived === null || arrived === undefined || mine === arrived) return undefined;
      return isNone(mine) ? zerosLike(arrived)._h : mine._h;
    });
  });
  return outs;
}

/**
 * Turns the identity node's gradients (its differentiable tensors only) into one per tensor of
 * the module's arguments, and replacements back. Kept apart so that the hooks' closure holds
 * nothing but tensor metadata (the graph holds the hooks; a tensor held there would never be freed).
 */
function spreadGrads(
  tensors: readonly Tensor[],
  differentiable: readonly number[],
  onGrads: (grads: (Tensor | null)[], zerosOf: (i: number) => Tensor) => (Tensor | null)[] | undefined,
): (grads: (Tensor | null)[]) => (Tensor | null)[] | undefined {
  const metas = tensors.map((t) => ({ shape: [...t.shape], dtype: t.dtype, device: t.device }));
  const zerosOf = (i: number): Tensor => zeros(metas[i]!.shape, { dtype: metas[i]!.dtype, device: metas[i]!.device });
  return (grads) => {
    const all: (Tensor | null)[] = metas.map(() => null);
    differentiable.forEach((i, k) => {
      all[i] = grads[k] ?? null;
    });
    const replaced = onGrads(all, zerosOf);
    return replaced === undefined ? undefined : differentiable.map((i) => replaced[i] ?? null);
  };
}

/** A tensor the identity node made, weakly held (the hooks must not keep it alive), with its version then. */
interface Versioned {
  tensor: WeakRef<Tensor>;
  version: number;
  index: number;
}
const versioned = (hooked: [Tensor, number][]): Versioned[] => hooked.map(([t, index]) => ({ tensor: new WeakRef(t), version: tensorVersion(t), index }));

/** PyTorch's error for an in-place change of an output of its BackwardHookFunction (it would bypass the hooks). */
function checkNotModified(tensors: readonly Versioned[]): void {
  for (const { tensor, version, index } of tensors) {
    const t = tensor.deref();
    if (t === undefined || t.isDisposed || tensorVersion(t) === version) continue;
    throw new Error(
      `Output ${index} of BackwardHookFunction is a view and is being modified inplace. This view was created inside a custom Function ` +
        '(or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward ' +
        'associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning ' +
        'the output of the custom Function.',
    );
  }
}

/**
 * torch/utils/hooks.py's BackwardHook: per call of a module with full backward (pre-)hooks, the
 * identity nodes on its inputs and outputs, and the user hooks called once both the output and
 * the input gradients are known.
 */
class BackwardHookState {
  private gradOutputs: (Tensor | null)[] | null = null;
  private nOutputs = -1;
  private outputTensorsIndex: number[] | null = null;
  private nInputs = -1;
  private inputTensorsIndex: number[] | null = null;
  /** The identity node's outputs on the inputs and on the outputs, with their versions then (nothing may modify them in place). */
  private hookedInputs: Versioned[] = [];
  private hookedOutputs: Versioned[] = [];

  constructor(
    private readonly module: Module,
    private readonly userHooks: BackwardHook[],
    private readonly userPreHooks: BackwardPreHook[],
  ) {}

  private packWithNone(indices: number[], values: (Tensor | null)[], size: number): (Tensor | null)[] {
    const res: (Tensor | null)[] = new Array<Tensor | null>(size).fill(null);
    indices.forEach((idx, i) => {
      res[idx] = values[i] ?? null;
    });
    return res;
  }

  /**
   * Puts the tensors of `args` that require grad through one identity node; `onGrads` receives
   * one gradient per tensor of `args` (in order) and may return replacements, one per tensor.
   */
  private applyOnTensors(
    args: unknown[],
    onGrads: (grads: (Tensor | null)[], zerosOf: (i: number) => Tensor) => (Tensor | null)[] | undefined,
  ): [unknown[], number[] | null, [Tensor, number][]] {
    const tensorsIdx: number[] = [];
    const tensors: Tensor[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg instanceof Tensor) {
        tensorsIdx.push(i);
        tensors.push(arg);
      }
    }
    if (!(tensors.some((t) => t.requiresGrad) && isGradEnabled())) return [args, null, []];
    // PyTorch passes the others through its Function too, marked non-differentiable: unchanged here.
    const differentiable: number[] = [];
    for (let i = 0; i < tensors.length; i++) if (tensors[i]!.requiresGrad) differentiable.push(i);
    const outs = identityNode(differentiable.map((i) => tensors[i]!), spreadGrads(tensors, differentiable, onGrads));
    const items = args.slice();
    const hooked: [Tensor, number][] = [];
    for (let k = 0; k < outs.length; k++) {
      items[tensorsIdx[differentiable[k]!]!] = outs[k];
      hooked.push([outs[k]!, differentiable[k]!]);
    }
    // Python rebuilds the tuple with its own type (`type(args)(*arg_list)`): a PackedSequence stays one.
    const Kind = args.constructor as new (...xs: unknown[]) => unknown[];
    return [Kind === Array ? items : new Kind(...items), tensorsIdx, hooked];
  }

  setupInputHook(args: unknown[]): unknown[] {
    const [res, inputIdx, hooked] = this.applyOnTensors(args, (grads, zerosOf) => {
      if (this.gradOutputs === null) return undefined; // reached without passing through the outputs (double backward)
      // PyTorch materialises a gradient that did not reach the node as zeros.
      const gradInput = grads.map((g, i) => g ?? zerosOf(i));
      let packed = this.packWithNone(this.inputTensorsIndex!, gradInput, this.nInputs);
      for (const hook of this.userHooks) {
        const out = hook(this.module, packed, this.gradOutputs);
        if (isNone(out)) continue;
        if (out.length !== packed.length) {
          throw new Error(`Backward hook returned an invalid number of grad_input, got ${out.length}, but expected ${packed.length}`);
        }
        packed = out;
      }
      this.gradOutputs = null;
      return this.inputTensorsIndex!.map((i) => packed[i] ?? null);
    });
    this.nInputs = args.length;
    this.inputTensorsIndex = inputIdx;
    this.hookedInputs = versioned(hooked);
    return res;
  }

  /** PyTorch refuses an in-place change of what forward received (at the change; here once forward returns). */
  checkInputsNotModified(): void {
    checkNotModified(this.hookedInputs);
  }

  setupOutputHook(result: unknown): unknown {
    const isTuple = Array.isArray(result);
    const args = isTuple ? (result as unknown[]) : [result];
    const [res, outputIdx, hooked] = this.applyOnTensors(args, (grads) => {
      // PyTorch refuses an in-place change of the module's output at the change; here at backward.
      checkNotModified(this.hookedOutputs);
      this.gradOutputs = this.packWithNone(this.outputTensorsIndex!, grads, this.nOutputs);
      const expectedLen = this.gradOutputs.length;
      for (const preHook of this.userPreHooks) {
        const hookGradOutputs = preHook(this.module, this.gradOutputs);
        if (isNone(hookGradOutputs)) continue;
        if (hookGradOutputs.length !== expectedLen) {
          throw new Error(`Backward pre hook returned an invalid number of grad_output, got ${hookGradOutputs.length}, but expected ${expectedLen}`);
        }
        this.gradOutputs = hookGradOutputs;
      }
      const local = this.gradOutputs;
      if (this.inputTensorsIndex === null) {
        process.emitWarning(
          'Full backward hook is firing when gradients are computed with respect to module outputs since no inputs require gradients. ' +
            'See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.',
          'UserWarning',
        );
        const gradInputs = this.packWithNone([], [], this.nInputs);
        for (const hook of this.userHooks) {
          const r = hook(this.module, gradInputs, this.gradOutputs);
          if (!isNone(r) && !(Array.isArray(r) && r.every(isNone))) {
            throw new Error('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
          }
        }
        this.gradOutputs = null;
      }
      return this.outputTensorsIndex!.map((i) => local[i] ?? null);
    });
    this.nOutputs = args.length;
    this.outputTensorsIndex = outputIdx;
    this.hookedOutputs = versioned(hooked);
    return isTuple ? res : res[0];
  }
}

/** Adds `hook` to an ordered hook dict (first with `prepend`); the handle removes it. Ids are RemovableHandle's one counter. */
export function addHook<H>(hooks: Map<number, H>, hook: H, prepend = false): RemovableHandle {
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

// torch._has_compatible_shallow_copy_type: `.data =` swaps storage between tensors of one dense
// backend kind (CPU, CUDA) or of the same device type; meta to CPU needs a new Parameter.
function compatibleShallowCopyType(a: Tensor, b: Tensor): boolean {
  const dense = (t: Tensor): boolean => t.device.type === 'cpu' || t.device.type === 'cuda';
  return a.device.type === b.device.type || (dense(a) && dense(b));
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

/** torch.nn.modules.module: Module and the global hooks it registers for every module. */
export const modules = {
  module: {
    Module,
    registerModuleForwardPreHook,
    registerModuleForwardHook,
    registerModuleFullBackwardPreHook,
    registerModuleFullBackwardHook,
    registerModuleBufferRegistrationHook,
    registerModuleModuleRegistrationHook,
    registerModuleParameterRegistrationHook,
  },
};
