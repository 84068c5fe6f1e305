// Whole models: torch.save(model) and torch.load of nn.Module objects, as Python pickles them.
//
// Python (protocol 2) writes a module as `GLOBAL torch.nn.modules.linear Linear; EMPTY_TUPLE;
// NEWOBJ`, then BUILD with the instance `__dict__`: `training`, the three stores (`_parameters`,
// `_buffers`, `_modules`), `_non_persistent_buffers_set`, the hook dicts, and the layer's own
// attributes (`in_features`, `kernel_size`, ...). Here the same dict is written from a Module's
// registries and its own properties (camelCase -> snake_case, arrays -> tuples or lists as PyTorch
// stores them, floats kept floats), and read back the other way.
//
// Loading needs no code from the file: a class is created only when it is a torch.nn built-in
// (it declares its `pythonModule`) or registered with `registerModule`, its constructor does not
// run (only Module's base constructor, as Python's `cls.__new__`), and BUILD fills it through the
// registration API. Every other class is refused by name, with the way to register it.
import * as F from '../nn/functional';
import * as nn from '../nn';
import { defineInternal, Module } from '../nn/module';
import { Parameter, UninitializedBuffer, UninitializedParameter } from '../nn/parameter';
import { pickleLazyHooks, unpickleLazyAttr } from '../nn/lazy';
import { camelToSnake, snakeToCamel } from '../nn/modules_utils';
import { Tensor } from '../tensor';
import { PyFloat } from '../scalar';
import { newMap, registerGlobal } from './globals';
import { PyGlobal, Tuple, UnpicklingError, isMarkedFloat, madeBy, markFloat, safeName, type GlobalImpl, type Reduced } from './pickle';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ModuleClass = abstract new (...args: any[]) => Module;

/** Python name of each class that has one (built-ins and registered classes). */
const pythonNames = new Map<ModuleClass, string>();


// ---- functions held as attributes (TransformerEncoderLayer.activation = F.relu) -----------------

// Python pickles a function by the module it lives in: most of torch.nn.functional is Python, a
// few are builtins from torch._C._nn, and some cannot be pickled at all (boolean_dispatch, getattr).
const C_NN = new Set(['gelu', 'linear', 'avg_pool2d', 'elu_', 'leaky_relu_', 'hardtanh_', 'scaled_dot_product_attention']);
const UNPICKLABLE = new Set(['conv1d', 'conv2d', 'conv_transpose2d', 'max_pool1d', 'max_pool2d', 'adaptive_max_pool2d', 'bilinear', 'relu_', 'silu_']);
const functionGlobals = new Map<unknown, PyGlobal>();
for (const [name, fn] of Object.entries(F)) {
  const snake = camelToSnake(name);
  if (typeof fn !== 'function' || UNPICKLABLE.has(snake)) continue;
  const g = new PyGlobal(C_NN.has(snake) ? 'torch._C._nn' : 'torch.nn.functional', snake);
  functionGlobals.set(fn, g);
  registerGlobal(String(g), { value: fn });
}

// ---- how PyTorch stores the attributes -----------------------------------------------------------

/** The attributes a class (and its bases) declare PyTorch keeps as floats (Module.floatAttributes). */
function floatAttributes(cls: ModuleClass): Set<string> {
  const out = new Set<string>();
  for (let c: unknown = cls; c !== Function.prototype && c !== null; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c, 'floatAttributes')) for (const a of (c as typeof Module).floatAttributes) out.add(a);
  }
  return out;
}
/** The attributes a class (and its bases) declare PyTorch keeps as lists (Module.listAttributes). */
function listAttributes(cls: ModuleClass): Set<string> {
  const out = new Set<string>();
  for (let c: unknown = cls; c !== Function.prototype && c !== null; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c, 'listAttributes')) for (const a of (c as typeof Module).listAttributes) out.add(a);
  }
  return out;
}
/** Attributes PyTorch stores as lists (arrays are tuples otherwise). */
const LISTS = new Set(['_flat_weights_names', '_all_weights', '_flat_weights']);
/** Arrays a Special marked to be written as lists. */
const listValues = new WeakSet<unknown[]>();
const asList = <T>(items: T[]): T[] => (listValues.add(items), items);
/** Attributes whose TypeScript name is PyTorch's (MultiheadAttention's bias_k = None). */
const VERBATIM = new Set(['bias_k', 'bias_v']);
/** What Module.__init__ puts in __dict__ besides the stores, in Python's order. */
const HOOK_DICTS = [
  '_backward_pre_hooks', '_backward_hooks', '_is_full_backward_hook', '_forward_hooks', '_forward_hooks_with_kwargs',
  '_forward_hooks_always_called', '_forward_pre_hooks', '_forward_pre_hooks_with_kwargs', '_state_dict_hooks',
  '_state_dict_pre_hooks', '_load_state_dict_pre_hooks', '_load_state_dict_post_hooks',
];
const BASE_KEYS = new Set(['training', '_parameters', '_buffers', '_non_persistent_buffers_set', '_modules', ...HOOK_DICTS]);

/**
 * Per-class state that is not a plain own property on one side: extra attributes to write, and
 * attributes to take over on loading (returning true when handled).
 */
interface Special {
  save(m: Module, attrs: Map<string, unknown>): void;
  load(m: Module, key: string, value: unknown): boolean;
}
const SPECIAL: [ModuleClass, Special][] = [
  [nn.RNNBase, {
    // Python keeps the flat weights themselves in a list (the same Parameter objects).
    save: (m, attrs) => attrs.set('_flat_weights', (m as nn.RNNBase)._flatWeightsNames.map((n) => m._parameters.get(n) ?? null)),
    load: (_m, key) => key === '_flat_weights' || key === '_flat_weight_refs',
  }],
  [nn._ConvNd, {
    // A list for padding='same'/'valid', a tuple otherwise (as _ConvNd.__init__ makes it).
    save: (m, attrs) => {
      const r = (m as nn._ConvNd)._reversedPaddingRepeatedTwice;
      attrs.set('_reversed_padding_repeated_twice', typeof (m as nn._ConvNd).padding === 'string' ? asList([...r]) : r);
    },
    load: () => false,
  }],
  [nn.ParameterList, {
    save: (m, attrs) => attrs.set('_size', (m as nn.ParameterList)._size),
    load: (m, key, value) => {
      if (key !== '_size') return false;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad('ParameterList._size must be a non-negative int');
      defineInternal(m, '_size', value);
      return true;
    },
  }],
  [nn.ParameterDict, {
    save: (m, attrs) => attrs.set('_keys', new Map([...(m as nn.ParameterDict)._keys].map((k) => [k, null]))),
    load: (m, key, value) => {
      if (key !== '_keys') return false;
      if (!(value instanceof Map) || ![...value.keys()].every((k) => typeof k === 'string')) bad('ParameterDict._keys must be a dict of str');
      defineInternal(m, '_keys', new Set(value.keys()));
      return true;
    },
  }],
];
const specialsOf = (m: Module): Special[] => SPECIAL.filter(([cls]) => m instanceof cls).map(([, s]) => s);

// ---- saving --------------------------------------------------------------------------------------

/** The Python global a module's class is written as: its table entry, else `__main__.<ClassName>`. */
function classGlobal(m: Module): PyGlobal {
  const cls = m.constructor as ModuleClass;
  const name = pythonNames.get(cls) ?? `__main__.${cls.name}`;
  const dot = name.lastIndexOf('.');
  return new PyGlobal(name.slice(0, dot), name.slice(dot + 1));
}

function attrValue(key: string, value: unknown, owner: string): unknown {
  if (typeof value === 'function') {
    const g = functionGlobals.get(value);
    if (g === undefined) throw new Error(`torch.save: attribute '${key}' of ${owner} is a function torchnode cannot name in Python (only torch.nn.functional functions can be saved)`);
    return g;
  }
  if (Array.isArray(value) && !(value instanceof Tuple)) {
    const items = value.map((v) => attrValue(key, v, owner));
    return LISTS.has(key) || listValues.has(value) ? items : new Tuple(...items);
  }
  return value;
}

/** Python's `copyreg.__reduce_ex__(module, 2)`: NEWOBJ of the class, then BUILD with its __dict__. */
export function reduceModule(m: Module): Reduced {
  // A class whose Python __getstate__ raises says so here (torch.nn.utils.parametrize's classes).
  if ('_refusePickling' in m) (m as unknown as { _refusePickling(): never })._refusePickling();
  const owner = m._getName();
  const state = new Map<unknown, unknown>([
    ['training', m.training],
    ['_parameters', new Map(m._parameters)],
    ['_buffers', new Map(m._buffers)],
    ['_non_persistent_buffers_set', new Set(m._nonPersistentBuffersSet)],
  ]);
  // Hooks are JavaScript functions: they are not saved.
  for (const k of HOOK_DICTS) state.set(k, k === '_is_full_backward_hook' ? null : newMap('collections.OrderedDict'));
  state.set('_modules', new Map(m._modules));
  const attrs = new Map<string, unknown>();
  // Python floats: the attributes the instance holds floats in (Module._floats), and those its class
  // declares always floats (Module.floatAttributes).
  const floats = floatAttributes(m.constructor as ModuleClass);
  for (const [key, value] of Object.entries(m._target)) {
    if (value === undefined || m._parameters.has(key) || m._buffers.has(key) || m._modules.has(key)) continue;
    attrs.set(camelToSnake(key), value);
    if (m._floats.has(key)) floats.add(camelToSnake(key));
  }
  for (const s of specialsOf(m)) s.save(m, attrs);
  const lists = listAttributes(m.constructor as ModuleClass);
  for (const [key, value] of attrs) {
    if (BASE_KEYS.has(key)) continue;
    state.set(key, attrValue(key, Array.isArray(value) && lists.has(key) ? asList([...value]) : value, owner));
    if (typeof value === 'number' && floats.has(key)) markFloat(state, key);
  }
  pickleLazyHooks(m, state);
  return { func: classGlobal(m), args: new Tuple(), newobj: true, state };
}

// ---- loading -------------------------------------------------------------------------------------

function bad(what: string): never {
  throw new UnpicklingError(what);
}

/** Tuples become arrays (nested too). */
function plain(value: unknown): unknown {
  return Array.isArray(value) ? value.map(plain) : value;
}

function stringKeyed(x: unknown, what: string): Map<string, unknown> {
  if (!(x instanceof Map) || ![...x.keys()].every((k) => typeof k === 'string')) bad(`${what} must be a dict with str keys`);
  return x as Map<string, unknown>;
}

/** Names a file may not set on a module: internals, and anything the class defines (methods, accessors). */
function forbidden(m: Module, name: string): boolean {
  if (name === '__proto__' || name === 'constructor' || name === '_target') return true;
  for (let p = Object.getPrototypeOf(m._target); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, name)) return true;
  }
  return Object.getOwnPropertyDescriptor(m._target, name)?.enumerable === false;
}

/** BUILD: fills a module made by NEWOBJ from the __dict__ Python pickled. */
function buildModule(m: Module, stateArg: unknown): void {
  const owner = m._getName();
  const state = stringKeyed(stateArg, `the state of ${owner}`);
  const training = state.get('training') ?? true;
  if (typeof training !== 'boolean') bad(`${owner}.training must be a bool`);
  m.training = training;
  const nonPersistent = state.get('_non_persistent_buffers_set') ?? new Set();
  if (!(nonPersistent instanceof Set)) bad(`${owner}._non_persistent_buffers_set must be a set`);
  for (const [name, p] of stringKeyed(state.get('_parameters') ?? new Map(), `${owner}._parameters`)) {
    if (p !== null && !(p instanceof Parameter)) bad(`${owner}._parameters['${safeName(name)}'] must be a Parameter or None`);
    m.registerParameter(name, p);
  }
  for (const [name, t] of stringKeyed(state.get('_buffers') ?? new Map(), `${owner}._buffers`)) {
    if (t !== null && !(t instanceof Tensor)) bad(`${owner}._buffers['${safeName(name)}'] must be a Tensor or None`);
    m.registerBuffer(name, t, { persistent: !nonPersistent.has(name) });
  }
  for (const [name, child] of stringKeyed(state.get('_modules') ?? new Map(), `${owner}._modules`)) {
    if (child !== null && !(child instanceof Module)) bad(`${owner}._modules['${safeName(name)}'] must be a Module or None`);
    if (child !== null) for (const d of child.modules()) if (d === m) bad(`${owner} cannot contain itself`);
    m.addModule(name, child);
  }
  const specials = specialsOf(m);
  for (const [key, value] of state) {
    if (BASE_KEYS.has(key) || unpickleLazyAttr(m, key) || specials.some((s) => s.load(m, key, value))) continue;
    const name = VERBATIM.has(key) ? key : snakeToCamel(key);
    if (forbidden(m, name)) bad(`the file sets attribute '${safeName(key)}' of ${owner}, which its class defines`);
    m._setAttribute(name, typeof value === 'number' && isMarkedFloat(state, key) ? new PyFloat(value) : plain(value));
  }
}

function moduleGlobal(cls: ModuleClass): GlobalImpl {
  const impl: GlobalImpl = {
    newobj: (args) => {
      if (args.length !== 0) bad(`${cls.name}.__new__ takes no arguments`);
      // Python's cls.__new__(cls): Module's own constructor only, with cls's prototype.
      return madeBy(Reflect.construct(Module, [], cls) as Module, impl);
    },
    build: (inst, state) => {
      if (!(inst instanceof cls)) return false;
      buildModule(inst, state);
      return true;
    },
  };
  return impl;
}

/**
 * Registers the TypeScript class that implements the Python class `pythonName`
 * (`'__main__.Net'`, `'mypackage.models.Net'`), so that torch.load rebuilds saved instances of it
 * and torch.save writes instances of `cls` under that name. Loading does not run the constructor:
 * the instance gets its parameters, buffers, sub-modules and other attributes from the file (snake_case
 * names become camelCase), then `forward` is the class's.
 */
export function registerModule(pythonName: string, cls: ModuleClass): void {
  if (typeof pythonName !== 'string' || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(pythonName)) {
    throw new TypeError(`registerModule: '${String(pythonName)}' is not a qualified Python name such as '__main__.Net'`);
  }
  if (typeof cls !== 'function' || (cls !== Module && !(cls.prototype instanceof Module))) {
    throw new TypeError('registerModule: the class must be an nn.Module subclass');
  }
  pythonNames.set(cls, pythonName);
  registerGlobal(pythonName, moduleGlobal(cls));
}

// The torch.nn built-ins: every class of torch.nn that declares its Python module.
for (const cls of [Module, ...Object.values(nn)]) {
  if (typeof cls !== 'function' || !(cls === Module || cls.prototype instanceof Module)) continue;
  if (Object.prototype.hasOwnProperty.call(cls, 'pythonModule')) registerModule(`${(cls as typeof Module).pythonModule}.${cls.name}`, cls as ModuleClass);
}

// ---- lazy modules not called yet (lib/nn/lazy.ts) ----------------------------------------------

// Their placeholders pickle as `UninitializedParameter(requires_grad)`, `UninitializedBuffer(requires_grad)`.
for (const cls of [UninitializedParameter, UninitializedBuffer]) {
  registerGlobal(`torch.nn.parameter.${cls.name}`, {
    call: (a) => {
      if (a.length > 1 || (a.length === 1 && typeof a[0] !== 'boolean')) bad(`${cls.name} takes one bool, requires_grad`);
      return new cls(a.length === 0 ? cls === UninitializedParameter : (a[0] as boolean));
    },
  });
}
// Their hooks are bound methods (`getattr(module, name)`), one wrapped in a _WrappedHook, with their
// RemovableHandles. None of them runs: the module registers its own hooks again (unpickleLazyAttr).
const LAZY_HOOKS = new Set(['_infer_parameters', '_lazy_load_hook']);
const inert = (what: string): GlobalImpl => {
  const made = new WeakSet<object>();
  const impl: GlobalImpl = {
    newobj: (args) => {
      if (args.length !== 0) bad(`${what}.__new__ takes no arguments`);
      const obj = {};
      made.add(obj);
      return madeBy(obj, impl);
    },
    build: (inst) => made.has(inst as object),
  };
  return impl;
};
registerGlobal('torch.nn.modules.module._WrappedHook', inert('_WrappedHook'));
registerGlobal('torch.utils.hooks.RemovableHandle', inert('RemovableHandle'));
registerGlobal('builtins.getattr', {
  call: (a) => {
    if (a.length !== 2 || !(a[0] instanceof Module) || typeof a[1] !== 'string' || !LAZY_HOOKS.has(a[1])) {
      bad("getattr is only loaded for a lazy module's hooks (_infer_parameters, _lazy_load_hook)");
    }
    return {};
  },
});

/** The end of the error for a global that is not allowed: how to allow a module class. */
export function registerHint(globalName: string): string {
  const cls = globalName.slice(globalName.lastIndexOf('.') + 1) || 'Net';
  return ` If it is an nn.Module subclass, register the TypeScript class that implements it: torch.serialization.registerModule('${globalName}', ${cls}).`;
}
