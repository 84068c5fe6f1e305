// torch/optim/optimizer.py: the Optimizer base class (param groups, state, hooks, state_dict) and
// the helpers every optimizer shares. Param groups and state are plain objects with camelCase
// keys; stateDict() gives PyTorch's format with PyTorch's snake_case keys and Python's value
// types (a group's Python floats are marked with markFloat, tuples are Tuples), so that
// torch.save(opt.stateDict()) loads in Python's `load_state_dict` and the reverse.
import { inspect } from 'util';
import { isGradEnabled, setGradEnabled, enableGrad } from '../autograd';
import { getDefaultDtype, float32, float64, type DType } from '../dtype';
import { tensor as makeTensor } from '../creation';
import { viewAsReal, zeros } from '../generated/torch';
import { keep } from '../memory';
import { native } from '../native';
import { camelToSnake, isOptions, snakeToCamel } from '../nn/modules_utils';
import { addHook, typename, type RemovableHandle } from '../nn/module';
import { pyFloat as formatFloat } from '../nn/repr';
import { op } from '../ops';
import { pySignature } from '../python_signature';
import { PyFloat } from '../scalar';
import { markFloat, isMarkedFloat, Tuple } from '../serialization/pickle';
import { Tensor } from '../tensor';
import { foreachAdd_, foreachZero_ } from '../_foreach';
import { _getForeachKernelsSupportedDevices, _getFusedKernelsSupportedDevices, _groupTensorsByDeviceAndDtype } from '../utils/_foreach_utils';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A parameter group: its tensors and every hyperparameter (camelCase keys). */
export interface ParamGroup {
  params: Tensor[];
  paramNames?: string[];
  [key: string]: any;
}
/** A parameter's optimizer state (camelCase keys: step, expAvg, momentumBuffer, ...). */
export type OptimizerState = Record<string, any>;
/** What an optimizer is given: tensors, `[name, tensor]` pairs, or param-group objects. */
export type ParamsT = Iterable<Tensor> | Iterable<readonly [string, Tensor]> | Iterable<{ params: Iterable<Tensor> | Iterable<readonly [string, Tensor]> | Tensor; [key: string]: unknown }>;
/** PyTorch's optimizer state_dict: `state` maps each parameter's index (a Python int) to its state; `param_groups` lists the groups with `params: [0, 1, ...]`. */
export interface StateDict {
  state: Map<unknown, Record<string, unknown>>;
  param_groups: Record<string, unknown>[];
}
export type Closure = () => unknown;
/** `step`'s argument: the closure, or Python's keyword form `{ closure }` (bound by the step wrapper). */
export type StepClosure = Closure | null | { closure?: Closure | null };
export type StepPreHook<O extends Optimizer = Optimizer> = (optimizer: O, args: unknown[], kwargs: Record<string, unknown>) => [unknown[], Record<string, unknown>] | null | undefined | void;
export type StepPostHook<O extends Optimizer = Optimizer> = (optimizer: O, args: unknown[], kwargs: Record<string, unknown>) => void;

const ZERO_GRAD = pySignature('Optimizer.zero_grad', 'self, set_to_none=True');
const STEP = pySignature<{ closure: Closure | null }>('Optimizer.step', 'self, closure=None');

const ops = {
  retainsGrad: op('aten::retains_grad'),
  sparseDim: op('aten::sparse_dim'),
};

/** A hyperparameter as Python's f-string prints it in messages ("Invalid learning rate: -1"). */
export function pyFormat(x: unknown): string {
  if (x instanceof PyFloat) return formatFloat(x.value);
  if (typeof x === 'number') return Number.isInteger(x) ? String(x) : formatFloat(x);
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  // Tensor.__format__: a 0-dim tensor formats as its item.
  if (x instanceof Tensor && x.dim() === 0) {
    const v = x.item();
    return typeof v === 'number' && (x.dtype.isFloatingPoint || !Number.isInteger(v)) ? formatFloat(v) : pyFormat(v);
  }
  if (Array.isArray(x)) return `${x instanceof Tuple ? '(' : '['}${x.map((e, i) => (typeof e === 'number' && isMarkedFloat(x, i) ? formatFloat(e) : pyFormat(e))).join(', ')}${x instanceof Tuple ? (x.length === 1 ? ',)' : ')') : ']'}`;
  return String(x);
}

/** A hyperparameter's numeric value (a Tensor's item, a PyFloat's number); also Python's `_get_value`. */
export function num(x: unknown): number {
  if (x instanceof Tensor) return Number(x.item());
  return Number(x);
}

export function isSparse(t: Tensor): boolean {
  return (native.callOp(ops.sparseDim, t._h) as number) > 0;
}

/** Python's `_get_scalar_dtype`: the dtype of `step` tensors. */
export function _getScalarDtype(isFused: boolean | null = null): DType {
  if (isFused) return float32;
  return getDefaultDtype() === float64 ? float64 : float32;
}

/** `_to_scalar`: a 1-element tensor hyperparameter becomes 0-dim. */
export function _toScalar<T>(x: T): T {
  return (x instanceof Tensor && x.dim() !== 0 ? x.squeeze() : x) as T;
}

/** `_default_to_fused_or_foreach`: foreach on accelerators; on the CPU, the single-tensor path. */
export function _defaultToFusedOrForeach(params: readonly (Tensor | null)[], differentiable: boolean, useFused = false): [boolean, boolean] {
  if (differentiable) return [false, false];
  const fusedDevices = _getFusedKernelsSupportedDevices();
  const foreachDevices = _getForeachKernelsSupportedDevices();
  const fused = useFused && params.every((p) => p === null || (fusedDevices.includes(p.device.type) && p.dtype.isFloatingPoint));
  const foreach = !fused && params.every((p) => p === null || foreachDevices.includes(p.device.type));
  return [fused, foreach];
}

/** `_device_dtype_check_for_fused`. */
export function _deviceDtypeCheckForFused(p: Tensor, cudaUnsupported = false): void {
  const devices = _getFusedKernelsSupportedDevices().filter((d) => !(cudaUnsupported && d === 'cuda'));
  if (!(devices.includes(p.device.type) && p.dtype.isFloatingPoint)) {
    throw new Error(
      `\`fused=True\` requires all the params to be floating point Tensors of supported devices: [${devices.map((d) => `'${d}'`).join(', ')}] but ${p.dtype} and ${p.device.type}`,
    );
  }
}

/** `_get_capturable_supported_devices`. */
export function _getCapturableSupportedDevices(supportsXla = true): string[] {
  return supportsXla ? ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'] : ['cuda', 'xpu', 'hpu', 'privateuseone'];
}

/** `_view_as_real`: complex params (and their state and grads) as real views, in place in the lists. */
export function _viewAsReal(params: Tensor[], ...stateAndGrads: (Tensor | null)[][]): void {
  params.forEach((p, i) => {
    if (p.dtype.isComplex) {
      params[i] = viewAsReal(p);
      for (const s of stateAndGrads) s[i] = viewAsReal(s[i]!);
    }
  });
}

// Optimizer._group_tensors_by_device_and_dtype: what every foreach path splits its lists with.
export { _groupTensorsByDeviceAndDtype };

/** Sets `target[key]` to a hyperparameter, unwrapping Python floats into marked numbers. */
function setHyper(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value instanceof PyFloat) {
    target[key] = value.value;
    markFloat(target as never, key);
  } else if (Array.isArray(value) && !(value instanceof Tensor)) {
    const t = new Tuple<unknown>();
    value.forEach((v, i) => {
      t.push(v instanceof PyFloat ? v.value : v);
      if (v instanceof PyFloat || isMarkedFloat(value, i)) markFloat(t, i);
    });
    target[key] = t;
  } else {
    target[key] = value;
  }
}

/** Copies `src[key]` (with its float mark) into `dst[dstKey]`. */
function copyHyper(src: object, key: unknown, dst: Record<string, unknown>, dstKey: string, value: unknown): void {
  dst[dstKey] = value;
  if (isMarkedFloat(src, key)) markFloat(dst as never, dstKey);
}

// JS keys that are not camelCase spellings of PyTorch's (LBFGS's `H_diag`).
const VERBATIM_KEYS = new Set(['H_diag']);
const toPyKey = (k: string): string => (VERBATIM_KEYS.has(k) ? k : camelToSnake(k));
const toJsKey = (k: string): string => (VERBATIM_KEYS.has(k) ? k : snakeToCamel(k));

function entriesOf(x: unknown, what: string): [unknown, unknown][] {
  if (x instanceof Map) return [...x.entries()];
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) return Object.entries(x);
  throw new TypeError(`${what} must be a dict, but got ${typename(x)}`);
}
/** Python's `d[key]` on a dict given as a Map or an object (KeyError when it is missing). */
export function getItem(x: unknown, key: string): unknown {
  if (x instanceof Map) {
    if (!x.has(key)) throw new Error(`KeyError: '${key}'`);
    return x.get(key);
  }
  if (x === null || typeof x !== 'object' || !(key in x)) throw new Error(`KeyError: '${key}'`);
  return (x as Record<string, unknown>)[key];
}

const globalPreHooks = new Map<number, StepPreHook>();
const globalPostHooks = new Map<number, StepPostHook>();

/** register_optimizer_step_pre_hook: `hook(optimizer, args, kwargs)` before every optimizer's step. */
export function registerOptimizerStepPreHook(hook: StepPreHook): RemovableHandle {
  return addHook(globalPreHooks, hook);
}
/** register_optimizer_step_post_hook: `hook(optimizer, args, kwargs)` after every optimizer's step. */
export function registerOptimizerStepPostHook(hook: StepPostHook): RemovableHandle {
  return addHook(globalPostHooks, hook);
}

// Every tensor in a value (state entries hold tensors, lists of tensors, numbers).
function* tensorsIn(v: unknown): Generator<Tensor> {
  if (v instanceof Tensor) yield v;
  else if (Array.isArray(v)) for (const x of v) yield* tensorsIn(x);
  else if (v instanceof Map) for (const x of v.values()) yield* tensorsIn(x);
  else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) yield* tensorsIn(x);
}

/** Base class of all optimizers (torch.optim.Optimizer). */
export abstract class Optimizer {
  defaults: Record<string, any>;
  /** Per-parameter state, keyed by the parameter tensor (Python's defaultdict(dict)). */
  state: Map<Tensor, OptimizerState> = new Map();
  paramGroups: ParamGroup[] = [];
  // Hooks are stored for any optimizer (so that a subclass stays assignable to Optimizer).
  _optimizerStepPreHooks = new Map<number, StepPreHook<any>>();
  _optimizerStepPostHooks = new Map<number, StepPostHook<any>>();
  _optimizerStateDictPreHooks = new Map<number, (optimizer: any) => void>();
  _optimizerStateDictPostHooks = new Map<number, (optimizer: any, stateDict: StateDict) => StateDict | null | undefined | void>();
  _optimizerLoadStateDictPreHooks = new Map<number, (optimizer: any, stateDict: StateDict) => StateDict | null | undefined | void>();
  _optimizerLoadStateDictPostHooks = new Map<number, (optimizer: any) => void>();
  /** Set by GradScaler (torch.amp) for the fused and capturable paths. */
  gradScale: Tensor | null = null;
  foundInf: Tensor | null = null;
  _stepSupportsAmpScaling = false;

  /** Python's class name (repr, messages). */
  get pythonName(): string {
    return this.constructor.name;
  }

  constructor(params: ParamsT, defaults: Record<string, unknown>) {
    this.defaults = {};
    for (const [k, v] of Object.entries(defaults)) setHyper(this.defaults, k, v);
    for (const t of tensorsIn(this.defaults)) keep(t);
    this._patchStepFunction();
    if (params instanceof Tensor) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typename(params)}`);
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`'${typename(params)}' object is not iterable`);
    }
    let groups: unknown[] = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw new RangeError('optimizer got an empty parameter list');
    if (!isGroupObject(groups[0])) groups = [{ params: groups }];
    for (const g of groups) this.addParamGroup(g as Record<string, unknown>);
  }

  // Python wraps step once per class (profile_hook_step); here each instance's step is wrapped.
  private _patchStepFunction(): void {
    const raw = this.step as (...args: unknown[]) => unknown;
    const self = this;
    Object.defineProperty(this, 'step', {
      configurable: true,
      writable: true,
      value: function step(...given: unknown[]): unknown {
        // Python's (args, kwargs): a trailing options object is the keyword arguments.
        const last = given[given.length - 1];
        let kwargs: Record<string, unknown> = isOptions(last) ? { ...last } : {};
        let args = isOptions(last) ? given.slice(0, -1) : given;
        for (const hook of [...globalPreHooks.values(), ...self._optimizerStepPreHooks.values()]) {
          const result = (hook as StepPreHook)(self, args, kwargs);
          if (result !== null && result !== undefined) {
            if (Array.isArray(result) && result.length === 2) [args, kwargs] = result as [unknown[], Record<string, unknown>];
            else throw new Error(`${self.pythonName}.step must return None or a tuple of (new_args, new_kwargs), but got ${pyFormat(result)}.`);
          }
        }
        let out: unknown;
        try {
          const { closure } = STEP(Object.keys(kwargs).length > 0 ? [...args, kwargs] : args, `${self.pythonName}.step`);
          out = raw.call(self, closure);
        } finally {
          // State tensors belong to the optimizer: a tidy() around the step must not free them.
          for (const s of self.state.values()) for (const t of tensorsIn(s)) keep(t);
        }
        for (const hook of [...self._optimizerStepPostHooks.values(), ...globalPostHooks.values()]) (hook as StepPostHook)(self, args, kwargs);
        return out;
      },
    });
  }

  /** Performs a single optimization step; `closure` reevaluates the model and returns the loss. */
  abstract step(closure?: StepClosure): any;

  /** `self.state[p]`: the parameter's state, created empty on first use (defaultdict). */
  protected stateOf(p: Tensor): OptimizerState {
    let s = this.state.get(p);
    if (s === undefined) this.state.set(p, (s = {}));
    return s;
  }

  /** `_use_grad_for_differentiable`: runs the update with grad mode = defaults.differentiable. */
  protected useGradForDifferentiable<T>(fn: () => T): T {
    const prev = isGradEnabled();
    setGradEnabled(Boolean(this.defaults.differentiable));
    try {
      return fn();
    } finally {
      setGradEnabled(prev);
    }
  }

  /** Runs the closure with grad enabled (as `with torch.enable_grad(): loss = closure()`). */
  protected runClosure(closure: StepClosure | undefined): unknown {
    if (closure === null || closure === undefined) return null;
    // The step wrapper has bound `{ closure }`: what arrives here is the closure itself.
    return enableGrad(closure as Closure);
  }

  registerStepPreHook(hook: StepPreHook<this>): RemovableHandle {
    return addHook(this._optimizerStepPreHooks, hook);
  }
  registerStepPostHook(hook: StepPostHook<this>): RemovableHandle {
    return addHook(this._optimizerStepPostHooks, hook);
  }
  registerStateDictPreHook(hook: (optimizer: this) => void, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._optimizerStateDictPreHooks, hook, options.prepend ?? false);
  }
  registerStateDictPostHook(hook: (optimizer: this, stateDict: StateDict) => StateDict | null | undefined | void, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._optimizerStateDictPostHooks, hook, options.prepend ?? false);
  }
  registerLoadStateDictPreHook(hook: (optimizer: this, stateDict: StateDict) => StateDict | null | undefined | void, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._optimizerLoadStateDictPreHooks, hook, options.prepend ?? false);
  }
  registerLoadStateDictPostHook(hook: (optimizer: this) => void, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._optimizerLoadStateDictPostHooks, hook, options.prepend ?? false);
  }

  /**
   * The optimizer's state as PyTorch writes it: `state` maps each parameter's index (its
   * position across the groups) to its state, snake_case keys; `param_groups` lists each group's
   * hyperparameters with `params` as those indices. Tensors are the optimizer's own (not copies).
   */
  stateDict(): StateDict {
    for (const hook of this._optimizerStateDictPreHooks.values()) hook(this);
    const mappings = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) if (k !== 'params') copyHyper(group, k, packed, toPyKey(k), v);
      group.params.forEach((p, i) => {
        if (!mappings.has(p)) mappings.set(p, start + i);
      });
      packed.params = group.params.map((p) => mappings.get(p)!);
      start += group.params.length;
      return packed;
    });
    const state = new Map<unknown, Record<string, unknown>>();
    for (const [p, s] of this.state) {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s)) copyHyper(s, k, packed, toPyKey(k), v);
      state.set(mappings.has(p) ? mappings.get(p)! : p, packed);
    }
    let sd: StateDict = { state, param_groups: paramGroups };
    for (const hook of this._optimizerStateDictPostHooks.values()) {
      const r = hook(this, sd);
      if (r !== null && r !== undefined) sd = r;
    }
    return sd;
  }

  /** `_process_value_according_to_param_policy`: a loaded state tensor on the param's device and dtype. */
  static _processValueAccordingToParamPolicy(param: Tensor, value: Tensor, paramId: unknown, paramGroups: Record<string, unknown>[], key: string | null = null): Tensor {
    let fused = false;
    let capturable = false;
    for (const pg of paramGroups) {
      if ((pg.params as unknown[]).includes(paramId)) {
        fused = Boolean(pg.fused ?? false);
        capturable = Boolean(pg.capturable ?? false);
        break;
      }
    }
    if (key === 'step') return capturable || fused ? value.to({ dtype: float32, device: param.device }) : value;
    if (param.dtype.isFloatingPoint) return value.to({ dtype: param.dtype, device: param.device });
    return value.to({ device: param.device });
  }

  /**
   * Loads a state_dict: what stateDict() returned, or what torch.load read from a file Python's
   * `optimizer.state_dict()` was saved to (dicts as Maps). PyTorch's checks and messages.
   */
  loadStateDict(stateDict: StateDict | Map<string, unknown>): void {
    let sd: unknown = stateDict instanceof Map ? new Map(stateDict) : { ...stateDict };
    for (const hook of this._optimizerLoadStateDictPreHooks.values()) {
      const r = hook(this, sd as StateDict);
      if (r !== null && r !== undefined) sd = r;
    }
    const groups = this.paramGroups;
    const savedRaw = getItem(sd, 'param_groups');
    if (!Array.isArray(savedRaw)) throw new TypeError(`param_groups must be a list, but got ${typename(savedRaw)}`);
    // Python deep-copies the saved groups; here each becomes a plain object with camelCase keys.
    const savedGroups = savedRaw.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of entriesOf(g, 'a param group')) {
        const value = Array.isArray(v) ? (v instanceof Tuple ? copyTuple(v) : [...v]) : v;
        copyHyper(g as object, k, out, toJsKey(String(k)), value);
      }
      return out;
    });
    const pyGroups = savedRaw.map((g) => Object.fromEntries(entriesOf(g, 'a param group').map(([k, v]) => [String(k), v])));
    if (groups.length !== savedGroups.length) throw new RangeError('loaded state dict has a different number of parameter groups');
    if (groups.some((g, i) => g.params.length !== (savedGroups[i]!.params as unknown[]).length)) {
      throw new RangeError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const idMap = new Map<unknown, Tensor>();
    savedGroups.forEach((g, i) => (g.params as unknown[]).forEach((id, j) => idMap.set(id, groups[i]!.params[j]!)));

    const cast = (param: Tensor, value: unknown, paramId: unknown, key: string | null): unknown => {
      if (value instanceof Tensor) return Optimizer._processValueAccordingToParamPolicy(param, value, paramId, pyGroups, key);
      if (value instanceof Map || (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entriesOf(value, 'state')) copyHyper(value, k, out, toJsKey(String(k)), cast(param, v, paramId, String(k)));
        return out;
      }
      if (Array.isArray(value)) {
        const items = value.map((v) => cast(param, v, paramId, null));
        return value instanceof Tuple ? copyTuple(value, items) : items;
      }
      return value;
    };
    const state = new Map<Tensor, OptimizerState>();
    const foreign = new Map<unknown, unknown>();
    for (const [k, v] of entriesOf(getItem(sd, 'state'), 'state')) {
      const key = typeof k === 'string' && /^\d+$/.test(k) && !idMap.has(k) ? Number(k) : k;
      const param = idMap.get(key);
      if (param !== undefined) state.set(param, cast(param, v, key, null) as OptimizerState);
      else foreign.set(k, v);
    }
    const paramGroups = groups.map((g, i) => {
      const ng = savedGroups[i] as ParamGroup;
      ng.params = g.params;
      if (g.paramNames !== undefined && ng.paramNames === undefined) ng.paramNames = g.paramNames;
      return ng;
    });
    for (const [k, v] of foreign) state.set(k as Tensor, v as OptimizerState);
    this.state = state;
    this.paramGroups = paramGroups;
    for (const s of state.values()) for (const t of tensorsIn(s)) keep(t);
    for (const g of paramGroups) for (const [k, v] of Object.entries(g)) if (k !== 'params' && v instanceof Tensor) keep(v);
    this._setstate();
    for (const hook of this._optimizerLoadStateDictPostHooks.values()) hook(this);
  }

  /** `__setstate__`: what each optimizer fills in for state dicts written by older versions. */
  protected _setstate(): void {
    if (!('differentiable' in this.defaults)) this.defaults.differentiable = false;
  }

  /** Resets the gradients of all optimized tensors (to null by default, or to zero). */
  zeroGrad(...args: [setToNone?: boolean, options?: { setToNone?: boolean }] | [options: { setToNone?: boolean }]): void {
    const { setToNone } = ZERO_GRAD<{ setToNone: boolean }>(args);
    const foreach = Boolean(this.defaults.foreach || this.defaults.fused);
    const foreachGrads: Tensor[] = [];
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          if (g.gradFn !== null) g.detach_();
          else g.requiresGrad_(false);
          if (!foreach || isSparse(g)) g.zero_();
          else foreachGrads.push(g);
        }
      }
    }
    for (const { lists: [grads] } of _groupTensorsByDeviceAndDtype([foreachGrads])) foreachZero_(grads!);
  }

  /**
   * Adds a param group (`{ params, ...options }`); options it does not give take the
   * optimizer's defaults. PyTorch's checks: tensors only, leaves only, no parameter twice.
   */
  addParamGroup(paramGroup: Record<string, unknown>): void {
    if (!isGroupObject(paramGroup)) throw new TypeError(`param_group must be a dict, but got ${typename(paramGroup)}`);
    const group: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(paramGroup)) if (k !== 'params') setHyper(group, k, v);
    const params = paramGroup.params;
    let list: unknown[];
    if (params instanceof Tensor) list = [params];
    else if (params instanceof Set) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.',
      );
    } else if (params !== null && params !== undefined && typeof (params as Iterable<unknown>)[Symbol.iterator] === 'function') list = [...(params as Iterable<unknown>)];
    else if (params === undefined) throw new Error("KeyError: 'params'");
    else throw new TypeError(`'${typename(params)}' object is not iterable`);

    const tensors: unknown[] = [];
    const names: string[] = [];
    for (const p of list) {
      if (Array.isArray(p) && !(p instanceof Tensor)) {
        names.push(p[0] as string);
        tensors.push(p[1]);
      } else {
        tensors.push(p);
      }
    }
    if (names.length !== 0) {
      if (names.length === tensors.length) group.paramNames = names;
      else throw new RangeError('all optimizer params should be with/without names. Some param names are missing');
    }
    for (const p of tensors) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typename(p)}`);
      if (!this.defaults.differentiable && !(p.isLeaf || (native.callOp(ops.retainsGrad, p._h) as boolean))) throw new RangeError("can't optimize a non-leaf Tensor");
    }
    group.params = tensors;
    for (const [name, def] of Object.entries(this.defaults)) {
      if (!(name in group)) copyHyper(this.defaults, name, group, name, def);
    }
    const ps = tensors as Tensor[];
    if (new Set(ps).size !== ps.length) {
      process.emitWarning(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
        'UserWarning',
      );
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) {
      for (const p of g.params) seen.add(p);
      if (('paramNames' in group) !== ('paramNames' in g)) {
        throw new RangeError(`all optimizer param groups should be with/without names. cannot add param group ${'paramNames' in group ? 'with names' : 'without names'} to the optimizer`);
      }
    }
    if (ps.some((p) => seen.has(p))) throw new RangeError('some parameters appear in more than one parameter group');
    for (const t of tensorsIn(group)) keep(t);
    this.paramGroups.push(group as ParamGroup);
  }

  /** Frees the optimizer's state tensors now (they are the optimizer's; nothing else frees them). */
  dispose(): void {
    for (const s of this.state.values()) for (const t of tensorsIn(s)) t.dispose();
    this.state.clear();
  }

  toString(): string {
    let s = `${this.pythonName} (`;
    this.paramGroups.forEach((group, i) => {
      s += `\nParameter Group ${i}\n`;
      const keys = Object.keys(group).filter((k) => k !== 'params').map((k) => [toPyKey(k), k] as const);
      keys.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [py, k] of keys) {
        const v = group[k];
        const text = typeof v === 'number' && isMarkedFloat(group, k) ? formatFloat(v) : pyFormat(v);
        s += `    ${py}: ${text}\n`;
      }
    });
    return `${s})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

function copyTuple(t: Tuple<unknown>, items: unknown[] = [...t]): Tuple<unknown> {
  const out = new Tuple<unknown>(...items);
  t.forEach((_, i) => {
    if (isMarkedFloat(t, i)) markFloat(out, i);
  });
  return out;
}

function isGroupObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || x instanceof Tensor || Array.isArray(x) || x instanceof Map) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

// Python's arithmetic on a hyperparameter that may be a number or a Tensor (a Tensor lr): the
// result is a Tensor, computed in its dtype, when either side is one (Tensor.__rsub__,
// __rtruediv__ = reciprocal() * other, __rpow__ = torch.pow(other, self)).
export type NumberOrTensor = number | Tensor;
export function sAdd(a: NumberOrTensor, b: NumberOrTensor): NumberOrTensor {
  return a instanceof Tensor ? a.add(b) : b instanceof Tensor ? b.add(a) : a + b;
}
export function sSub(a: NumberOrTensor, b: NumberOrTensor): NumberOrTensor {
  return a instanceof Tensor ? a.sub(b) : b instanceof Tensor ? new Tensor(native.callOp(op('aten::rsub.Scalar'), b._h, a) as never) : a - b;
}
export function sMul(a: NumberOrTensor, b: NumberOrTensor): NumberOrTensor {
  return a instanceof Tensor ? a.mul(b) : b instanceof Tensor ? b.mul(a) : a * b;
}
export function sDiv(a: NumberOrTensor, b: NumberOrTensor): NumberOrTensor {
  return a instanceof Tensor ? a.div(b) : b instanceof Tensor ? b.reciprocal().mul(a) : a / b;
}
export function sPow(a: NumberOrTensor, b: NumberOrTensor): NumberOrTensor {
  return a instanceof Tensor ? a.pow(b as number) : b instanceof Tensor ? powScalarTensor(a, b) : a ** b;
}
export function sNeg(a: NumberOrTensor): NumberOrTensor {
  return a instanceof Tensor ? a.neg() : -a;
}
function powScalarTensor(a: number, b: Tensor): Tensor {
  return new Tensor(native.callOp(op('aten::pow.Scalar'), a, b._h) as never);
}

const sparseOps = {
  indices: op('aten::_indices'),
  values: op('aten::_values'),
  cooTensor: op('aten::sparse_coo_tensor.indices_size'),
};
/** A sparse gradient's `_indices()` and `_values()`. */
export function _indices(t: Tensor): Tensor {
  return new Tensor(native.callOp(sparseOps.indices, t._h) as never);
}
export function _values(t: Tensor): Tensor {
  return new Tensor(native.callOp(sparseOps.values, t._h) as never);
}
/** `_make_sparse` (adagrad.py, sparse_adam.py): a COO tensor of grad's size. */
export function _makeSparse(grad: Tensor, indices: Tensor, values: Tensor): Tensor {
  return new Tensor(native.callOp(sparseOps.cooTensor, indices._h, values._h, [...grad.shape], null, null, null, null, null) as never);
}

/** Python's `dict.setdefault`: sets `key` only when the object does not have it (a null stays). */
export function setDefault(obj: Record<string, unknown>, key: string, value: unknown): unknown {
  if (!(key in obj)) obj[key] = value;
  return obj[key];
}

// ---- shared by the optimizers' constructors and single-tensor / foreach paths ----

/** `__setstate__`'s upgrade of a Python-number `step` (older state dicts) to a tensor. */
export function upgradeStep(s: Record<string, any> | undefined, p: Tensor, group: ParamGroup, key = 'step'): void {
  if (s === undefined || Object.keys(s).length === 0 || s[key] instanceof Tensor) return;
  const value = new PyFloat(Number(s[key]));
  s[key] = group.capturable || group.fused
    ? makeTensor(value, { dtype: _getScalarDtype(group.fused), device: p.device })
    : makeTensor(value, { dtype: _getScalarDtype() });
}

/** The capturable check of the single-tensor and foreach paths. */
export function checkCapturable(params: readonly Tensor[], steps: readonly Tensor[], supportsXla = true): void {
  const devices = _getCapturableSupportedDevices(supportsXla);
  params.forEach((p, i) => {
    if (!(p.device.type === steps[i]!.device.type && devices.includes(p.device.type))) {
      throw new Error(`If capturable=True, params and state_steps must be on supported devices: [${devices.map((d) => `'${d}'`).join(', ')}].`);
    }
  });
}

/** `torch._foreach_add_(steps, torch.tensor(1.0), alpha=1.0)` on the CPU, `+ 1` elsewhere. */
export function incrementSteps(steps: Tensor[]): void {
  if (steps[0]!.device.type === 'cpu') foreachAdd_(steps, makeTensor(new PyFloat(1), { device: 'cpu' }), 1);
  else foreachAdd_(steps, 1);
}

/** The `0 <= lr`, `0 <= eps`, betas and weight_decay checks most constructors share. */
export function checkCommon(o: { lr: NumberOrTensor; eps?: number; betas?: readonly NumberOrTensor[]; weightDecay?: number | Tensor }): void {
  if (o.lr instanceof Tensor && o.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
  if (!(0 <= num(o.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(o.lr)}`);
  if (o.eps !== undefined && !(0 <= num(o.eps))) throw new RangeError(`Invalid epsilon value: ${pyFormat(o.eps)}`);
  if (o.betas !== undefined) {
    for (const i of [0, 1]) {
      const b = num(o.betas[i]);
      if (!(0 <= b && b < 1)) throw new RangeError(`Invalid beta parameter at index ${i}: ${pyFormat(o.betas[i])}`);
    }
  }
  if (o.weightDecay !== undefined && !(0 <= num(o.weightDecay))) throw new RangeError(`Invalid weight_decay value: ${pyFormat(o.weightDecay)}`);
}

/** A new `step` state: a 0-dim tensor on the param's device when capturable, else a CPU scalar tensor. */
export function newStep(p: Tensor, onDevice: boolean, fused: boolean | null = null): Tensor {
  return onDevice ? zeros([], { dtype: _getScalarDtype(fused), device: p.device }) : makeTensor(0, { dtype: _getScalarDtype() });
}
