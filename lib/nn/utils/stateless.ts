// torch/nn/utils/stateless.py (and _named_member_accessor.py): calling a module with some of its
// parameters and buffers swapped for other tensors, put back afterwards (torch.func.functional_call).
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { isOptions } from '../modules_utils';
import { Module } from '../module';

const FUNCTIONAL_CALL = pySignature('functional_call', 'module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False');

/** Tensors by dotted name: a Map or a plain object (Python's dict). */
export type NamedTensors = Map<string, Tensor> | Record<string, Tensor>;

export interface FunctionalCallOptions {
  tieWeights?: boolean;
  strict?: boolean;
}

/** What a swap found under a name that had nothing (Python's `_MISSING`). */
const MISSING = Symbol('missing');
type Slot = Tensor | null | typeof MISSING;

const attrs = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** Stores `value` in a registration slot and its mirrored property, without the registration checks (Python's `module._parameters[name] = t`). */
function setSlot(store: Map<string, unknown>, module: Module, name: string, value: unknown): void {
  store.set(name, value);
  Object.defineProperty(module._target, name, { value, writable: true, enumerable: true, configurable: true });
}

function deleteSlot(store: Map<string, unknown>, module: Module, name: string): void {
  store.delete(name);
  delete (module._target as unknown as Record<string, unknown>)[name];
}

function checkName(name: string): void {
  if (name.includes('.')) throw new Error('tensor name can\'t contain "."');
  if (name === '') throw new Error('tensor name can\'t be empty string ""');
}

/** `swap_tensor`: puts `tensor` under `name` of `module` and returns what was there. */
function swapTensor(module: Module, name: string, tensor: Slot): Slot {
  if (tensor !== MISSING && tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`${String(tensor)} is not an instance of torch.Tensor`);
  checkName(name);
  for (const store of [module._parameters, module._buffers] as Map<string, unknown>[]) {
    if (!store.has(name)) continue;
    const orig = store.get(name) as Tensor | null;
    if (tensor !== MISSING) setSlot(store, module, name, tensor);
    else deleteSlot(store, module, name);
    return orig;
  }
  const present = name in module;
  const orig = present ? attrs(module)[name] : MISSING;
  if (orig !== MISSING && orig !== null && !(orig instanceof Tensor)) throw new TypeError(`attribute \`${name}\`: ${String(orig)} is not an instance of torch.Tensor`);
  if (tensor !== MISSING) attrs(module)[name] = tensor;
  else if (present) delete attrs(module)[name];
  return orig as Slot;
}

/** NamedMemberAccessor.get_submodule: the module at a dotted path. */
function submodule(root: Module, path: string, memo: Map<string, Module>): Module {
  if (path === '') return root;
  const known = memo.get(path);
  if (known !== undefined) return known;
  const dot = path.lastIndexOf('.');
  const parent = dot < 0 ? root : submodule(root, path.slice(0, dot), memo);
  const attr = path.slice(dot + 1);
  if (!(attr in parent)) throw new Error(`${parent._getName()} has no attribute \`${attr}\``);
  const m = attrs(parent)[attr];
  if (!(m instanceof Module)) throw new TypeError(`submodule \`${path}\`: ${String(m)} is not an instance of torch.nn.Module`);
  memo.set(path, m);
  return m;
}

function swapTensorsDict(root: Module, named: Map<string, Slot>, memo: Map<string, Module>): Map<string, Slot> {
  const orig = new Map<string, Slot>();
  const swap = (name: string, t: Slot): Slot => {
    const dot = name.lastIndexOf('.');
    return swapTensor(submodule(root, dot < 0 ? '' : name.slice(0, dot), memo), name.slice(dot + 1), t);
  };
  try {
    for (const [name, t] of named) orig.set(name, swap(name, t));
  } catch (e) {
    for (const [name, t] of orig) swap(name, t);
    throw e;
  }
  return orig;
}

/** `_untie_named_tensors_map`: a value given for one of several tied names goes to all of them. */
function untie(module: Module, given: Map<string, Tensor>): Map<string, Tensor> {
  const all = new Map<string, Tensor>([...module.namedParameters({ removeDuplicate: false }), ...module.namedBuffers({ removeDuplicate: false })]);
  const byTensor = new Map<Tensor, Set<string>>();
  for (const [name, t] of all) {
    let names = byTensor.get(t);
    if (names === undefined) byTensor.set(t, (names = new Set()));
    names.add(name);
  }
  const tiedNames = new Map<string, Set<string>>();
  for (const names of byTensor.values()) if (names.size > 1) for (const n of names) tiedNames.set(n, names);
  const givenTied = [...given.keys()].filter((n) => tiedNames.has(n));
  for (const name of givenTied) {
    const names = tiedNames.get(name)!;
    const values = new Set([...names].filter((n) => given.has(n)).map((n) => given.get(n)));
    if (givenTied.filter((n) => names.has(n)).length > 1 && values.size !== 1) {
      throw new RangeError(`functional_call got multiple values for keys [${[...names].sort().map((n) => `'${n}'`).join(', ')}], which are tied. Consider using tie_weights=False`);
    }
  }
  const untied = new Map(given);
  for (const name of givenTied) for (const tied of tiedNames.get(name)!) untied.set(tied, given.get(name)!);
  return untied;
}

export function toMap(named: NamedTensors): Map<string, Tensor> {
  return named instanceof Map ? new Map(named) : new Map(Object.entries(named));
}

/**
 * Runs `fn` with `parametersAndBuffers` swapped into `module` (stateless.py's
 * `_reparametrize_module`), puts the module's own tensors back, then updates
 * `parametersAndBuffers` with what the module held at the end.
 */
export function _reparametrizeModule<T>(module: Module, parametersAndBuffers: NamedTensors, options: FunctionalCallOptions, fn: () => T): T {
  const given = toMap(parametersAndBuffers);
  const untied = options.tieWeights ? untie(module, given) : given;
  if (options.strict) {
    const valid = new Set([...module.namedParameters({ removeDuplicate: false }), ...module.namedBuffers({ removeDuplicate: false })].map(([n]) => n));
    const missing = [...valid].filter((k) => !untied.has(k)).sort();
    const unexpected = [...untied.keys()].filter((k) => !valid.has(k)).sort();
    const msgs: string[] = [];
    const list = (keys: string[]): string => keys.map((k) => `'${k}'`).join(', ');
    if (unexpected.length > 0) msgs.push(`Unexpected key(s): ${list(unexpected)}.`);
    if (missing.length > 0) msgs.push(`Missing key(s): ${list(missing)}.`);
    if (msgs.length > 0) throw new Error(`Error(s) in reparametrizing for ${module._getName()}:\n\t${msgs.join('\n\t')}`);
  }
  const memo = new Map<string, Module>();
  let orig = new Map<string, Slot>();
  try {
    orig = swapTensorsDict(module, untied, memo);
    return fn();
  } finally {
    const now = swapTensorsDict(module, orig, memo);
    for (const k of given.keys()) {
      const t = now.get(k);
      if (t === undefined || t === MISSING) continue;
      if (parametersAndBuffers instanceof Map) parametersAndBuffers.set(k, t as Tensor);
      else parametersAndBuffers[k] = t as Tensor;
    }
  }
}

/** `module(*args, **kwargs)` as functional_call calls it: an array is the argument list, anything else one argument. */
export function _callModule(module: Module, args: unknown, kwargs: Record<string, unknown> | null): unknown {
  const list = args === null || args === undefined ? [] : Array.isArray(args) ? [...args] : [args];
  if (kwargs !== null && Object.keys(kwargs).length > 0) list.push(kwargs);
  return (module.call as (...a: unknown[]) => unknown)(...list);
}

/**
 * Deprecated in PyTorch 2.0 for torch.func.functionalCall (a FutureWarning): calls `module` with
 * `parametersAndBuffers` in place of its own (torch.nn.utils.stateless.functional_call).
 */
export function functionalCall(
  module: Module, parametersAndBuffers: NamedTensors, args?: unknown, kwargs?: Record<string, unknown> | null, options?: FunctionalCallOptions,
): any;
export function functionalCall(...args: unknown[]): unknown {
  process.emitWarning(
    '`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a future version of PyTorch. ' +
      'Please use `torch.func.functional_call` instead which is a drop-in replacement.',
    'FutureWarning',
  );
  const o = FUNCTIONAL_CALL<{ module: Module; parametersAndBuffers: NamedTensors; args: unknown; kwargs: Record<string, unknown> | null; tieWeights: boolean; strict: boolean }>(
    trailingOptions(args),
  );
  return _reparametrizeModule(o.module, o.parametersAndBuffers, o, () => _callModule(o.module, o.args, o.kwargs));
}

/**
 * The binder's view of a functional_call's arguments: `kwargs` is itself a plain object, so a
 * trailing plain object is the options only when it comes after `kwargs` (the fifth argument).
 */
export function trailingOptions(args: unknown[]): unknown[] {
  if (args.length === 5 || !isOptions(args[args.length - 1])) return args;
  return [...args, {}];
}
