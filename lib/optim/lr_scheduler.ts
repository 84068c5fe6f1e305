// torch/optim/lr_scheduler.py: the learning-rate schedulers, step for step as PyTorch computes
// them (the chainable form from the previous lr, the closed form for `step(epoch)`), with
// PyTorch's state_dict: a scheduler's Python attributes (its `__dict__` minus the optimizer and
// callables) under their snake_case names, in Python's order. Python floats with integral values
// are marked as floats (torch.pyFloat on input, markFloat in the state) so that torch.save of a
// state_dict written here loads into a Python scheduler and back. Learning rates may be tensors, as
// in PyTorch: computed with tensor arithmetic in Python's order, written into the group's tensor.
import { typename } from '../nn/module';
import { keep } from '../memory';
import { isMarkedFloat, markFloat, pyClassOf, setPyClass, Tuple, unmarkFloat } from '../serialization/pickle';
import { camelToSnake, snakeToCamel, isOptions, type Args } from '../nn/modules_utils';
import { pySignature } from '../python_signature';
import { PyFloat, type FloatLike, type IntLike } from '../scalar';
import { Tensor } from '../tensor';
import { Optimizer, _toScalar, num, sAdd, sDiv, sMul, sSub, type NumberOrTensor, type ParamGroup } from './optimizer';

/** A learning rate: a Python number, or a tensor as PyTorch allows. */
export type Lr = NumberOrTensor;

/** A scheduler's state_dict: Python's dict, keys as PyTorch names them. */
export type SchedulerStateDict = Map<string, unknown>;

const isFloat = (x: unknown): boolean => x instanceof PyFloat || (typeof x === 'number' && !Number.isInteger(x));
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
/** @internal Python's repr of a number given to a check (`5.0` for a float, `5` for an int). */
export const pyNumRepr = (x: unknown): string => (x instanceof PyFloat && Number.isInteger(x.value) ? `${x.value}.0` : String(x instanceof PyFloat ? x.value : x));
/** A UserWarning, as PyTorch's warnings.warn gives it. */
const warn = (message: string): void => void process.emitWarning(message, 'UserWarning');

/** A Python list of numbers: the values, with their integral Python floats marked. */
function pyList(values: readonly unknown[]): number[] {
  const out = values.map((v) => (v instanceof Tensor ? keep(v.clone()) : num(v)) as number);
  values.forEach((v, i) => {
    if (isFloat(v)) markFloat(out, i);
  });
  return out;
}

/** @internal Marks every value as a Python float: what a schedule computes. */
export function floats<T extends Lr>(values: T[]): T[] {
  values.forEach((v, i) => {
    if (typeof v === 'number') markFloat(values, i);
  });
  return values;
}

/** Values with the Python floats among them marked: `[value, isFloat]` pairs. */
function marked(pairs: readonly (readonly [Lr, boolean])[]): Lr[] {
  const out = pairs.map(([v]) => v);
  pairs.forEach(([v, float], i) => {
    if (float && typeof v === 'number') markFloat(out, i);
  });
  return out;
}

/** Whether `container[key]` holds a Python float. */
const floatAt = (container: object, key: unknown, value: unknown): boolean => isFloat(value) || isMarkedFloat(container, key);

/** Sets a param group's hyperparameter, marking it a Python float or not (as the optimizers do). */
function setGroupValue(group: ParamGroup, key: string, value: Lr, float: boolean): void {
  const old = group[key];
  if (old instanceof Tensor) {
    old.fill_(_toScalar(value) as never);
    return;
  }
  group[key] = value instanceof Tensor ? keep(value) : value;
  if (float && typeof value === 'number') markFloat(group as never, key);
  else unmarkFloat(group, key);
}

/** @internal `group[key] = values[i]`, with its float mark. */
export const setGroup = (group: ParamGroup, key: string, values: Lr[], i: number): void => setGroupValue(group, key, values[i]!, floatAt(values, i, values[i]));

/** A copy of a state value (lists, dicts and Counters copied, float marks kept). */
function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v instanceof Tuple ? new Tuple<unknown>(...v.map(copyValue)) : v.map(copyValue);
    v.forEach((x, i) => {
      if (typeof x === 'number' && (isMarkedFloat(v, i) || !Number.isInteger(x))) markFloat(out, i);
    });
    return out;
  }
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>();
    setPyClass(out, pyClassOf(v));
    for (const [k, x] of v) {
      out.set(k, copyValue(x));
      if (typeof x === 'number' && (isMarkedFloat(v, k) || !Number.isInteger(x))) markFloat(out, k);
    }
    return out;
  }
  return v instanceof Tensor ? keep(v) : v;
}

function checkOptimizer(optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${typename(optimizer)} is not an Optimizer`);
  return optimizer;
}

/** @internal `_format_param`: one value per param group (a list of that length, or one value repeated). */
export function formatParam(name: string, optimizer: Optimizer, param: unknown): Lr[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(param)) {
    if (param.length !== n) {
      throw new RangeError(`${name} must have the same length as optimizer.param_groups. ${name} has ${param.length} values, param_groups has ${n}.`);
    }
    return pyList(param);
  }
  return pyList(Array<unknown>(n).fill(param));
}

/** @internal A param group's number (or tensor) under `key`. */
export function groupLr(group: ParamGroup, key = 'lr'): Lr {
  const v = group[key];
  return v instanceof Tensor ? v : num(v);
}

/** `_param_groups_val_list`: the values under `key`, tensors cloned. */
function groupValues(optimizer: Optimizer, key: string): Lr[] {
  const out = optimizer.paramGroups.map((g) => {
    const v = groupLr(g, key);
    return v instanceof Tensor ? keep(v.clone()) : v;
  });
  optimizer.paramGroups.forEach((g, i) => {
    if (floatAt(g, key, g[key])) markFloat(out, i);
  });
  return out;
}

/** Options objects of the constructors: camelCase keys; `T_max` and friends are `tMax`, `t0`, `tMult`. */
const T_KEYS: Record<string, string> = { tMax: 'T_max', t0: 'T_0', tI: 'T_i', tMult: 'T_mult', tCur: 'T_cur' };
const PY_T_KEYS: Record<string, string> = Object.fromEntries(Object.entries(T_KEYS).map(([k, v]) => [v, k]));

/** Binds a constructor call whose Python signature has `T_*` parameters (options keys `tMax`, `t0`, ...). */
function renamed(args: readonly unknown[]): unknown[] {
  const last = args[args.length - 1];
  if (!isOptions(last)) return [...args];
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(last)) o[T_KEYS[k] ?? k] = v;
  return [...args.slice(0, -1), o];
}

type StepFn = ((...args: never[]) => unknown) & { _wrappedByLrSched?: boolean };
type TrackedOptimizer = Optimizer & { _optCalled?: boolean };

const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use ' +
  '`scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is ' +
  'used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use ' +
  'case: https://github.com/pytorch/pytorch/issues/new/choose.';

const STEP = pySignature('LRScheduler.step', 'self, epoch=None');
const INIT = pySignature('LRScheduler.__init__', 'self, optimizer, last_epoch=-1');

/**
 * torch.optim.lr_scheduler.LRScheduler: subclasses implement `getLr()` (and optionally the closed
 * form `_getClosedFormLr()`); `step()` advances `lastEpoch` and writes the new lrs into the
 * optimizer's param groups. A subclass passes the optimizer to `super(optimizer, lastEpoch)`, or,
 * to set its own attributes first as Python's subclasses do before `super().__init__()`, calls
 * `super()` and then `this._init(optimizer, lastEpoch)`.
 */
export class LRScheduler {
  /** What `stateDict()` leaves out besides the optimizer (callables). */
  protected static readonly stateExcluded: readonly string[] = [];
  declare optimizer: Optimizer;
  declare baseLrs: Lr[];
  declare lastEpoch: number;
  declare _stepCount: number;
  declare _lastLr: Lr[];
  declare _isInitial: boolean;
  declare _getLrCalledWithinStep: boolean;
  /** @internal The attributes holding Python floats (integral values included). */
  declare readonly _floats: Set<string>;

  constructor(...args: [] | [optimizer: Optimizer, lastEpoch?: IntLike] | [optimizer: Optimizer, options: { lastEpoch?: IntLike }]) {
    // The Python attributes appear in Python's order as the subclass (or _init) sets them.
    Object.defineProperty(this, '_floats', { value: new Set<string>(), enumerable: false });
    if (args.length > 0) {
      const o = INIT<{ optimizer: Optimizer; lastEpoch: IntLike }>(args, `${new.target.name}.__init__`);
      this._init(o.optimizer, o.lastEpoch);
    }
  }

  /** Sets a numeric attribute, a Python float if `value` is one (a pyFloat, a non-integral number) or `float` says so. */
  protected _num(name: string, value: unknown, float = isFloat(value)): void {
    (this as unknown as Record<string, unknown>)[name] = num(value);
    if (float) this._floats.add(name);
    else this._floats.delete(name);
  }

  /** LRScheduler.__init__ (for subclasses that set attributes before it, as `super()` must come first here). */
  protected _init(optimizer: unknown, lastEpoch: IntLike = -1): void {
    const opt = checkOptimizer(optimizer) as TrackedOptimizer;
    this.optimizer = opt;
    if (lastEpoch === -1) {
      for (const group of opt.paramGroups) {
        if (!('initialLr' in group)) {
          const lr = groupLr(group);
          setGroupValue(group, 'initialLr', lr instanceof Tensor ? lr.clone() : lr, floatAt(group, 'lr', group.lr));
        }
      }
    } else {
      opt.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group)) {
          throw new Error(
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming scheduler with last_epoch >= 0.\n` +
              'This typically happens when:\n' +
              "1. You're trying to resume training from a checkpoint but haven't properly loaded the optimizer state\n" +
              "2. You're using last_epoch >= 0 for a fresh training run (not recommended)",
          );
        }
      });
    }
    this.baseLrs = groupValues(opt, 'initialLr');
    this._num('lastEpoch', lastEpoch);
    // PyTorch wraps optimizer.step so that step() can tell whether it ran first (pytorch/pytorch#20124).
    if (!(opt.step as StepFn)._wrappedByLrSched) {
      const original = opt.step as StepFn;
      const wrapper: StepFn = (...args: never[]) => {
        opt._optCalled = true;
        return original.apply(opt, args);
      };
      wrapper._wrappedByLrSched = true;
      opt.step = wrapper;
    }
    this._initialStep();
  }

  /** Sets `_stepCount` to 0 and takes the initial step (lastEpoch -1 -> 0). */
  _initialStep(): void {
    this._stepCount = 0;
    this._isInitial = true;
    try {
      this.step();
    } finally {
      this._isInitial = false;
    }
  }

  /** The lrs the last step computed (one per param group). */
  getLastLr(): Lr[] {
    return this._lastLr;
  }

  /** The lrs of the coming step (called by step(); use getLastLr() to read them). Each scheduler defines it. */
  getLr(): Lr[] {
    throw new Error(`NotImplementedError: ${this.constructor.name}.getLr()`);
  }
  _getClosedFormLr?(): Lr[];

  step(...args: [epoch?: IntLike | null | { epoch?: IntLike | null }]): void {
    const { epoch } = STEP<{ epoch: IntLike | null }>(args, `${this.constructor.name}.step`);
    if (this._stepCount === 1) {
      const opt = this.optimizer as TrackedOptimizer;
      if (!(opt.step as StepFn)._wrappedByLrSched) {
        warn(
          'Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure ' +
            'to call `optimizer.step()` before `lr_scheduler.step()`. See more details at ' +
            'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      } else if (!opt._optCalled) {
        warn(
          'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them ' +
            'in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in ' +
            'PyTorch skipping the first value of the learning rate schedule. See more details at ' +
            'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      }
    }
    this._stepCount++;
    if (epoch !== null) warn(EPOCH_DEPRECATION_WARNING);
    this._updateLr(epoch);
  }

  /** @internal The new lrs (closed form when an epoch is given), written into the param groups. */
  _updateLr(epoch: IntLike | null = null): void {
    let values: Lr[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === null) {
        this.lastEpoch++;
        values = this.getLr();
      } else {
        this._num('lastEpoch', epoch);
        values = this._getClosedFormLr !== undefined ? this._getClosedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    const groups = this.optimizer.paramGroups;
    if (values.length !== groups.length) throw new RangeError(`zip() argument 2 is ${values.length > groups.length ? 'longer' : 'shorter'} than argument 1`);
    groups.forEach((group, i) => setGroup(group, 'lr', values, i));
    this._lastLr = groupValues(this.optimizer, 'lr');
  }

  /** `_warn_get_lr_called_within_step`. */
  protected _warnGetLr(): void {
    if (!this._getLrCalledWithinStep) warn('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
  }

  /** The Python names of this scheduler's attributes, in Python's order, with their values. */
  protected _stateEntries(excluded: readonly string[] = []): SchedulerStateDict {
    const skip = new Set(['optimizer', ...(this.constructor as typeof LRScheduler).stateExcluded, ...excluded]);
    const state: SchedulerStateDict = new Map();
    for (const [key, value] of Object.entries(this)) {
      if (skip.has(key)) continue;
      const name = T_KEYS[key] ?? camelToSnake(key);
      state.set(name, copyValue(value));
      if (typeof value === 'number' && (this._floats.has(key) || !Number.isInteger(value))) markFloat(state, name);
    }
    return state;
  }

  /** PyTorch's state_dict: every attribute but the optimizer, snake_case keys. */
  stateDict(): SchedulerStateDict {
    return this._stateEntries();
  }

  /** Python's `__dict__.update(state_dict)`: from stateDict() here or a Python state_dict read with torch.load. */
  loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    this._update(stateDict, []);
  }

  /** @internal `__dict__.update`, but for the keys listed. */
  protected _update(stateDict: Map<string, unknown> | Record<string, unknown>, excluded: readonly string[]): void {
    const entries: [string, unknown][] = stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict);
    for (const [name, value] of entries) {
      if (excluded.includes(name)) continue;
      const key = PY_T_KEYS[name] ?? snakeToCamel(name);
      if (typeof value === 'number') this._num(key, value, !Number.isInteger(value) || (stateDict instanceof Map && isMarkedFloat(stateDict, name)));
      else (this as unknown as Record<string, unknown>)[key] = copyValue(value);
    }
  }
}

const getEntry = (stateDict: Map<string, unknown> | Record<string, unknown>, name: string): unknown =>
  stateDict instanceof Map ? stateDict.get(name) : stateDict[name];

type LrLambda = (epoch: number) => number;

function lrLambdas(optimizer: unknown, lrLambda: unknown): LrLambda[] {
  const n = checkOptimizer(optimizer).paramGroups.length;
  if (!Array.isArray(lrLambda)) return Array<LrLambda>(n).fill(lrLambda as LrLambda);
  if (lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
  return [...(lrLambda as LrLambda[])];
}

/** The lr_lambdas of a state_dict: None for a function (PyTorch keeps only callable objects' `__dict__`). */
function lambdasState(self: { lrLambdas: LrLambda[] }, state: SchedulerStateDict): SchedulerStateDict {
  state.set('lr_lambdas', self.lrLambdas.map(() => null));
  return state;
}

function loadLambdas(self: LRScheduler & { lrLambdas: LrLambda[] }, stateDict: Map<string, unknown> | Record<string, unknown>): void {
  const fns = getEntry(stateDict, 'lr_lambdas');
  (self as unknown as { _update(s: unknown, e: string[]): void })._update(stateDict, ['lr_lambdas']);
  if (!Array.isArray(fns)) return;
  fns.forEach((attrs, i) => {
    if (attrs === null || attrs === undefined) return;
    const fn = self.lrLambdas[i] as unknown as Record<string, unknown>;
    for (const [k, v] of attrs instanceof Map ? attrs : Object.entries(attrs as object)) fn[k as string] = v;
  });
}

const LAMBDA = pySignature('LambdaLR.__init__', 'self, optimizer, lr_lambda, last_epoch=-1');

/** lr = base_lr * lrLambda(epoch). */
export class LambdaLR extends LRScheduler {
  declare lrLambdas: LrLambda[];
  constructor(...args: Args<[optimizer: Optimizer, lrLambda: LrLambda | LrLambda[]], [lastEpoch: IntLike], { lastEpoch?: IntLike }>) {
    super();
    const o = LAMBDA<{ optimizer: Optimizer; lrLambda: unknown; lastEpoch: IntLike }>(args);
    this.optimizer = o.optimizer;
    this.lrLambdas = lrLambdas(o.optimizer, o.lrLambda);
    this._init(o.optimizer, o.lastEpoch);
  }

  override stateDict(): SchedulerStateDict {
    return lambdasState(this, this._stateEntries(['lrLambdas']));
  }

  override loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    loadLambdas(this, stateDict);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    const lrs = this.lrLambdas.map((fn, i) => {
      const factor = fn(this.lastEpoch);
      return [sMul(this.baseLrs[i]!, num(factor)), isFloat(factor) || floatAt(this.baseLrs, i, this.baseLrs[i])] as const;
    });
    return marked(lrs);
  }
}

const MULTIPLICATIVE = pySignature('MultiplicativeLR.__init__', 'self, optimizer, lr_lambda, last_epoch=-1');

/** lr = previous lr * lrLambda(epoch). */
export class MultiplicativeLR extends LRScheduler {
  declare lrLambdas: LrLambda[];
  constructor(...args: Args<[optimizer: Optimizer, lrLambda: LrLambda | LrLambda[]], [lastEpoch: IntLike], { lastEpoch?: IntLike }>) {
    super();
    const o = MULTIPLICATIVE<{ optimizer: Optimizer; lrLambda: unknown; lastEpoch: IntLike }>(args);
    this.optimizer = o.optimizer;
    this.lrLambdas = lrLambdas(o.optimizer, o.lrLambda);
    for (const fn of this.lrLambdas) {
      if (typeof fn !== 'function') throw new TypeError(`lr_lambda should be a function, but got ${typename(fn)}`);
    }
    this._init(o.optimizer, o.lastEpoch);
  }

  override stateDict(): SchedulerStateDict {
    return lambdasState(this, this._stateEntries(['lrLambdas']));
  }

  override loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    loadLambdas(this, stateDict);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    if (this._isInitial) return groupValues(this.optimizer, 'lr');
    return marked(this.optimizer.paramGroups.map((g, i) => {
      const factor = this.lrLambdas[i]!(this.lastEpoch);
      return [sMul(groupLr(g), num(factor)), isFloat(factor) || floatAt(g, 'lr', g.lr)] as const;
    }));
  }
}

const STEP_LR = pySignature('StepLR.__init__', 'self, optimizer, step_size, gamma=0.1, last_epoch=-1');

/** Multiplies the lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  declare stepSize: number;
  declare gamma: number;
  constructor(...args: Args<[optimizer: Optimizer, stepSize: IntLike], [gamma: FloatLike, lastEpoch: IntLike], { gamma?: FloatLike; lastEpoch?: IntLike }>) {
    super();
    const o = STEP_LR<{ optimizer: Optimizer; stepSize: IntLike; gamma: FloatLike; lastEpoch: IntLike }>(args);
    this._num('stepSize', o.stepSize);
    this._num('gamma', o.gamma);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groupValues(this.optimizer, 'lr');
    return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), this.gamma)));
  }

  override _getClosedFormLr(): Lr[] {
    return floats(this.baseLrs.map((b) => sMul(b, this.gamma ** Math.floor(this.lastEpoch / this.stepSize))));
  }
}

const MULTI_STEP = pySignature('MultiStepLR.__init__', 'self, optimizer, milestones, gamma=0.1, last_epoch=-1');

/** Multiplies the lr by `gamma` at each milestone (a milestone given twice multiplies twice). */
export class MultiStepLR extends LRScheduler {
  /** Python's Counter of the milestones. */
  declare milestones: Map<number, number>;
  declare gamma: number;
  constructor(...args: Args<[optimizer: Optimizer, milestones: Iterable<IntLike>], [gamma: FloatLike, lastEpoch: IntLike], { gamma?: FloatLike; lastEpoch?: IntLike }>) {
    super();
    const o = MULTI_STEP<{ optimizer: Optimizer; milestones: Iterable<IntLike>; gamma: FloatLike; lastEpoch: IntLike }>(args);
    const counter = new Map<number, number>();
    setPyClass(counter, 'collections.Counter');
    for (const m of o.milestones) counter.set(Number(m), (counter.get(Number(m)) ?? 0) + 1);
    this.milestones = counter;
    this._num('gamma', o.gamma);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return groupValues(this.optimizer, 'lr');
    return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), this.gamma ** count)));
  }

  override _getClosedFormLr(): Lr[] {
    let passed = 0;
    for (const [m, count] of this.milestones) if (m <= this.lastEpoch) passed += count;
    return floats(this.baseLrs.map((b) => sMul(b, this.gamma ** passed)));
  }
}

const CONSTANT = pySignature('ConstantLR.__init__', 'self, optimizer, factor=0.3333333333333333, total_iters=5, last_epoch=-1', { floatDefaults: true });

/** Multiplies the lr by `factor` until epoch `totalIters`. */
export class ConstantLR extends LRScheduler {
  declare factor: number;
  declare totalIters: number;
  constructor(...args: Args<[optimizer: Optimizer], [factor: FloatLike, totalIters: IntLike, lastEpoch: IntLike], { factor?: FloatLike; totalIters?: IntLike; lastEpoch?: IntLike }>) {
    super();
    const o = CONSTANT<{ optimizer: Optimizer; factor: FloatLike; totalIters: IntLike; lastEpoch: IntLike }>(args);
    const factor = num(o.factor);
    if (factor > 1.0 || factor < 0) throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    this._num('factor', o.factor);
    this._num('totalIters', o.totalIters);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    if (this.lastEpoch === 0) return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), this.factor)));
    if (this.lastEpoch !== this.totalIters) return groupValues(this.optimizer, 'lr');
    return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), 1.0 / this.factor)));
  }

  override _getClosedFormLr(): Lr[] {
    return floats(this.baseLrs.map((b) => sMul(b, this.factor + Number(this.lastEpoch >= this.totalIters) * (1 - this.factor))));
  }
}

const LINEAR = pySignature('LinearLR.__init__', 'self, optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=5, last_epoch=-1', { floatDefaults: true });

/** Scales the lr linearly from `startFactor` to `endFactor` over `totalIters` epochs. */
export class LinearLR extends LRScheduler {
  declare startFactor: number;
  declare endFactor: number;
  declare totalIters: number;
  constructor(
    ...args: Args<[optimizer: Optimizer], [startFactor: FloatLike, endFactor: FloatLike, totalIters: IntLike, lastEpoch: IntLike], { startFactor?: FloatLike; endFactor?: FloatLike; totalIters?: IntLike; lastEpoch?: IntLike }>
  ) {
    super();
    const o = LINEAR<{ optimizer: Optimizer; startFactor: FloatLike; endFactor: FloatLike; totalIters: IntLike; lastEpoch: IntLike }>(args);
    const [start, end] = [num(o.startFactor), num(o.endFactor)];
    if (start > 1.0 || start <= 0) throw new RangeError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (end > 1.0 || end < 0) throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    this._num('startFactor', o.startFactor);
    this._num('endFactor', o.endFactor);
    this._num('totalIters', o.totalIters);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (this.lastEpoch === 0) return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), s)));
    if (this._isInitial || this.lastEpoch > n) return groupValues(this.optimizer, 'lr');
    return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), 1.0 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s)))));
  }

  override _getClosedFormLr(): Lr[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return floats(this.baseLrs.map((b) => sMul(b, s + ((e - s) * Math.min(n, this.lastEpoch)) / n)));
  }
}

const EXPONENTIAL = pySignature('ExponentialLR.__init__', 'self, optimizer, gamma, last_epoch=-1');

/** Multiplies the lr by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  declare gamma: number;
  constructor(...args: Args<[optimizer: Optimizer, gamma: FloatLike], [lastEpoch: IntLike], { lastEpoch?: IntLike }>) {
    super();
    const o = EXPONENTIAL<{ optimizer: Optimizer; gamma: FloatLike; lastEpoch: IntLike }>(args);
    this._num('gamma', o.gamma);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    // Resuming from a checkpoint, the initial step must not move the lr one step ahead.
    if (this._isInitial) return groupValues(this.optimizer, 'lr');
    return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), this.gamma)));
  }

  override _getClosedFormLr(): Lr[] {
    return floats(this.baseLrs.map((b) => sMul(b, this.gamma ** this.lastEpoch)));
  }
}

/** bisect_right(milestones, x). */
function bisectRight(a: readonly number[], x: number): number {
  let [lo, hi] = [0, a.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkSchedulers(cls: string, optimizer: Optimizer, schedulers: readonly unknown[]): void {
  schedulers.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || !('optimizer' in s)) throw new TypeError(`${cls} at index ${i} should have \`optimizer\` as its attribute.`);
    if (s instanceof ReduceLROnPlateau) {
      throw new RangeError(
        `${cls} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`,
      );
    }
    const own = (s as LRScheduler).optimizer;
    if (own !== optimizer) {
      throw new RangeError(
        `${cls} expects all schedulers to belong to the same optimizer, but got scheduler ${s.constructor.name} at index ${i} has ${String(own)}, which is different from ${optimizer.pythonName}.`,
      );
    }
  });
}

/** The nested schedulers' state: `_schedulers` last, as PyTorch appends it. */
function withSchedulers(state: SchedulerStateDict, schedulers: readonly LRScheduler[]): SchedulerStateDict {
  state.set('_schedulers', schedulers.map((s) => s.stateDict()));
  return state;
}

function loadSchedulers(self: LRScheduler & { _schedulers: LRScheduler[] }, stateDict: Map<string, unknown> | Record<string, unknown>): void {
  const states = getEntry(stateDict, '_schedulers');
  (self as unknown as { _update(s: unknown, e: string[]): void })._update(stateDict, ['_schedulers']);
  if (!Array.isArray(states)) throw new TypeError(`${self.constructor.name}.load_state_dict(): '_schedulers' must be a list of state dicts`);
  states.forEach((s, i) => self._schedulers[i]!.loadStateDict(s as Map<string, unknown>));
}

const SEQUENTIAL = pySignature('SequentialLR.__init__', 'self, optimizer, schedulers, milestones, last_epoch=-1');

/** Runs `schedulers` one after another, switching at each milestone. */
export class SequentialLR extends LRScheduler {
  declare _schedulers: LRScheduler[];
  declare _milestones: number[];
  constructor(...args: Args<[optimizer: Optimizer, schedulers: LRScheduler[], milestones: IntLike[]], [lastEpoch: IntLike], { lastEpoch?: IntLike }>) {
    super();
    const o = SEQUENTIAL<{ optimizer: Optimizer; schedulers: LRScheduler[]; milestones: number[]; lastEpoch: number }>(args);
    const schedulers = [...o.schedulers];
    if (schedulers.length < 1) throw new RangeError('SequentialLR expects at least one scheduler, but got no scheduler.');
    checkSchedulers('SequentialLR', o.optimizer, schedulers);
    if (o.milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, ' +
          `but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`,
      );
    }
    this._schedulers = schedulers;
    this._milestones = pyList(o.milestones);
    this.lastEpoch = o.lastEpoch + 1;
    this.optimizer = o.optimizer;
    for (const group of this.optimizer.paramGroups) setGroupValue(group, 'lr', groupLr(group, 'initialLr'), floatAt(group, 'initialLr', group.initialLr));
    // "Undo" the initial step of the schedulers, then take it again with the first one only.
    this.recursiveUndo();
    const idx = bisectRight(this._milestones, 0);
    this._schedulers[idx]!._initialStep();
    this._lastLr = this._schedulers[idx]!.getLastLr();
  }

  /** Decrements `lastEpoch` of every nested scheduler. */
  recursiveUndo(sched?: LRScheduler): void {
    const s = sched ?? this;
    if ('_schedulers' in s) for (const inner of (s as SequentialLR)._schedulers) this.recursiveUndo(inner);
    else if ('lastEpoch' in s) s.lastEpoch--;
  }

  override step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const scheduler = this._schedulers[idx]!;
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) scheduler._updateLr(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return withSchedulers(this._stateEntries(['_schedulers']), this._schedulers);
  }

  override loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    loadSchedulers(this, stateDict);
  }
}

const POLYNOMIAL = pySignature('PolynomialLR.__init__', 'self, optimizer, total_iters=5, power=1.0, last_epoch=-1', { floatDefaults: true });

/** Decays the lr polynomially (to 0 at `totalIters`). */
export class PolynomialLR extends LRScheduler {
  declare totalIters: number;
  declare power: number;
  constructor(...args: Args<[optimizer: Optimizer], [totalIters: IntLike, power: FloatLike, lastEpoch: IntLike], { totalIters?: IntLike; power?: FloatLike; lastEpoch?: IntLike }>) {
    super();
    const o = POLYNOMIAL<{ optimizer: Optimizer; totalIters: IntLike; power: FloatLike; lastEpoch: IntLike }>(args);
    this._num('totalIters', o.totalIters);
    this._num('power', o.power);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    if (this._isInitial || this.lastEpoch > this.totalIters) return groupValues(this.optimizer, 'lr');
    const decay = ((1.0 - this.lastEpoch / this.totalIters) / (1.0 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return floats(this.optimizer.paramGroups.map((g) => sMul(groupLr(g), decay)));
  }

  override _getClosedFormLr(): Lr[] {
    return floats(this.baseLrs.map((b) => sMul(b, (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power)));
  }
}

const COSINE = pySignature('CosineAnnealingLR.__init__', 'self, optimizer, T_max, eta_min=0.0, last_epoch=-1', { floatDefaults: true });

/** Cosine annealing from the base lr to `etaMin` over `tMax` epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  declare tMax: number;
  declare etaMin: number;
  constructor(...args: Args<[optimizer: Optimizer, tMax: IntLike], [etaMin: FloatLike, lastEpoch: IntLike], { etaMin?: FloatLike; lastEpoch?: IntLike }>) {
    super();
    const o = COSINE<{ optimizer: Optimizer; T_max: IntLike; etaMin: FloatLike; lastEpoch: IntLike }>(renamed(args));
    this._num('tMax', o.T_max);
    this._num('etaMin', o.etaMin);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    const { tMax, etaMin, lastEpoch } = this;
    const groups = this.optimizer.paramGroups;
    if (this._isInitial) return groupValues(this.optimizer, 'lr');
    if (this._stepCount === 1 && lastEpoch > 0) {
      return floats(this.baseLrs.map((b) => sAdd(etaMin, sDiv(sMul(sSub(b, etaMin), 1 + Math.cos((lastEpoch * Math.PI) / tMax)), 2))));
    }
    if ((lastEpoch - 1 - tMax) % (2 * tMax) === 0) {
      return floats(groups.map((g, i) => sAdd(groupLr(g), sDiv(sMul(sSub(this.baseLrs[i]!, etaMin), 1 - Math.cos(Math.PI / tMax)), 2))));
    }
    const ratio = (1 + Math.cos((Math.PI * lastEpoch) / tMax)) / (1 + Math.cos((Math.PI * (lastEpoch - 1)) / tMax));
    return floats(groups.map((g) => sAdd(sMul(ratio, sSub(groupLr(g), etaMin)), etaMin)));
  }

  override _getClosedFormLr(): Lr[] {
    return floats(this.baseLrs.map((b) => sAdd(this.etaMin, sDiv(sMul(sSub(b, this.etaMin), 1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)), 2))));
  }
}

const CHAINED = pySignature('ChainedScheduler.__init__', 'self, schedulers, optimizer=None');

/** Steps every scheduler of the list at each step (their effects multiply). */
export class ChainedScheduler extends LRScheduler {
  declare _schedulers: LRScheduler[];
  constructor(...args: Args<[schedulers: LRScheduler[]], [optimizer: Optimizer | null], { optimizer?: Optimizer | null }>) {
    super();
    const o = CHAINED<{ schedulers: LRScheduler[]; optimizer: Optimizer | null }>(args);
    const schedulers = [...o.schedulers];
    if (schedulers.length < 1) throw new RangeError('ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.');
    const optimizer = o.optimizer ?? schedulers[0]!.optimizer;
    checkSchedulers('ChainedScheduler', optimizer, schedulers);
    this._schedulers = schedulers;
    this.optimizer = optimizer;
    this._lastLr = groupValues(schedulers[schedulers.length - 1]!.optimizer, 'lr');
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = groupValues(this._schedulers[this._schedulers.length - 1]!.optimizer, 'lr');
  }

  override stateDict(): SchedulerStateDict {
    return withSchedulers(this._stateEntries(['_schedulers']), this._schedulers);
  }

  override loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    loadSchedulers(this, stateDict);
  }
}

const PLATEAU = pySignature(
  'ReduceLROnPlateau.__init__',
  "self, optimizer, mode='min', factor=0.1, patience=10, threshold=0.0001, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-08",
  { floatDefaults: true },
);
const PLATEAU_STEP = pySignature('ReduceLROnPlateau.step', 'self, metrics, epoch=None');

/** Python's float(x) of a metric: a number or a one-element tensor. */
function pyFloatOf(x: unknown): number {
  if (x instanceof Tensor) return Number(x.item());
  if (typeof x === 'number' || x instanceof PyFloat) return num(x);
  if (typeof x === 'bigint' || typeof x === 'boolean') return Number(x);
  if (typeof x === 'string') {
    const t = x.trim().toLowerCase().replace(/^([+-]?)inf(inity)?$/, '$1Infinity');
    const v = t === 'nan' || t === '+nan' || t === '-nan' ? NaN : t === '' ? NaN : Number(t);
    if (Number.isNaN(v) && !/^[+-]?nan$/.test(t)) throw new RangeError(`could not convert string to float: '${x}'`);
    return v;
  }
  throw new TypeError(`float() argument must be a string or a real number, not '${typename(x)}'`);
}

/** Reduces the lr by `factor` when a metric has stopped improving for `patience` epochs. */
export class ReduceLROnPlateau extends LRScheduler {
  declare factor: number;
  declare defaultMinLr: number | null;
  declare minLrs: number[];
  declare patience: number;
  declare cooldown: number;
  declare eps: number;
  declare modeWorse: number;
  declare mode: 'min' | 'max';
  declare threshold: number;
  declare thresholdMode: 'rel' | 'abs';
  declare best: number;
  declare cooldownCounter: number;
  declare numBadEpochs: number;
  constructor(
    ...args: Args<
      [optimizer: Optimizer],
      [mode: 'min' | 'max', factor: FloatLike, patience: IntLike, threshold: FloatLike, thresholdMode: 'rel' | 'abs', cooldown: IntLike, minLr: FloatLike | FloatLike[], eps: FloatLike],
      { mode?: 'min' | 'max'; factor?: FloatLike; patience?: IntLike; threshold?: FloatLike; thresholdMode?: 'rel' | 'abs'; cooldown?: IntLike; minLr?: FloatLike | FloatLike[]; eps?: FloatLike }
    >
  ) {
    super();
    const o = PLATEAU<{
      optimizer: unknown; mode: string; factor: FloatLike; patience: IntLike; threshold: FloatLike; thresholdMode: string; cooldown: IntLike; minLr: unknown; eps: FloatLike;
    }>(args);
    if (num(o.factor) >= 1.0) throw new RangeError('Factor should be < 1.0.');
    this._num('factor', o.factor);
    this.optimizer = checkOptimizer(o.optimizer);
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(o.minLr)) {
      if (o.minLr.length !== n) throw new RangeError(`expected ${n} min_lrs, got ${o.minLr.length}`);
      this.defaultMinLr = null;
      this.minLrs = pyList(o.minLr);
    } else {
      this._num('defaultMinLr', o.minLr);
      this.minLrs = pyList(Array<unknown>(n).fill(o.minLr));
    }
    this._num('patience', o.patience);
    this._num('cooldown', o.cooldown);
    this._num('eps', o.eps);
    this.lastEpoch = 0;
    this._lastLr = groupValues(this.optimizer, 'lr');
    this._initIsBetter(o.mode, o.threshold, o.thresholdMode);
    this._reset();
  }

  private _reset(): void {
    this._num('best', this.modeWorse, true);
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** One epoch's metric (a number or a one-element tensor); `epoch` is deprecated. */
  override step(...args: [metrics?: FloatLike | Tensor | null | { metrics?: FloatLike | Tensor; epoch?: IntLike | null }, epoch?: IntLike | null | { epoch?: IntLike | null }]): void {
    const o = PLATEAU_STEP<{ metrics: unknown; epoch: IntLike | null }>(args);
    const current = pyFloatOf(o.metrics);
    let epoch = o.epoch;
    if (epoch === null) epoch = this.lastEpoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this._num('lastEpoch', epoch);
    if (this._isBetter(current, this.best)) {
      this._num('best', current, true);
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this._reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = groupValues(this.optimizer, 'lr');
  }

  private _reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new Error(
          `The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized ` +
            `(${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`min_lrs\` ` +
            'field to match the length of the `optimizer` param groups.',
        );
      }
      this.minLrs = pyList(Array<unknown>(groups.length).fill(this._floats.has('defaultMinLr') ? new PyFloat(this.defaultMinLr) : this.defaultMinLr));
    }
    groups.forEach((group, i) => {
      const oldLr = pyFloatOf(groupLr(group));
      const reduced = oldLr * this.factor;
      const minLr = this.minLrs[i]!;
      // Python's max() keeps the first of equal values: the min lr only when it is larger.
      if (minLr > reduced) {
        if (oldLr - minLr > this.eps) setGroupValue(group, 'lr', minLr, floatAt(this.minLrs, i, minLr));
      } else if (oldLr - reduced > this.eps) {
        setGroupValue(group, 'lr', reduced, true);
      }
    });
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private _isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1.0 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  private _initIsBetter(mode: string, threshold: unknown, thresholdMode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`threshold mode ${thresholdMode} is unknown!`);
    this._num('modeWorse', mode === 'min' ? Infinity : -Infinity, true);
    this.mode = mode;
    this._num('threshold', threshold, this._floats.has('threshold') || isFloat(threshold));
    this.thresholdMode = thresholdMode;
  }

  override loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    this._update(stateDict, []);
    this._initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}

type ScaleFn = (x: number) => number;

const CYCLIC = pySignature(
  'CyclicLR.__init__',
  "self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular', gamma=1.0, scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1",
  { floatDefaults: true },
);

interface CyclicLROptions {
  stepSizeUp?: IntLike;
  stepSizeDown?: IntLike | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: FloatLike;
  scaleFn?: ScaleFn | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: FloatLike | FloatLike[];
  maxMomentum?: FloatLike | FloatLike[];
  lastEpoch?: IntLike;
}

/** Sets the momentum (or Adam's beta1) of every group. */
function setMomentum(group: ParamGroup, useBeta1: boolean, momentums: Lr[], i: number): void {
  const float = floatAt(momentums, i, momentums[i]);
  if (useBeta1) {
    const old = group.betas as unknown[];
    const betas = new Tuple<unknown>(momentums[i], ...old.slice(1));
    betas.forEach((b, j) => {
      if (j === 0 ? float : floatAt(old, j, b)) markFloat(betas, j);
    });
    group.betas = betas;
  } else {
    setGroupValue(group, 'momentum', momentums[i]!, float);
  }
}

/** Cyclical learning rates (and inverse cyclical momentum) between two boundaries (Smith, 2017). */
export class CyclicLR extends LRScheduler {
  protected static override readonly stateExcluded: readonly string[] = ['_scaleFnRef', '_scaleFnCustom'];
  declare maxLrs: Lr[];
  declare totalSize: number;
  declare stepRatio: number;
  declare mode: string;
  declare gamma: number;
  declare _scaleFnCustom: ScaleFn | null;
  declare scaleMode: string;
  declare _scaleFnRef: ScaleFn;
  declare cycleMomentum: boolean;
  declare useBeta1: boolean;
  declare baseMomentums: Lr[];
  declare maxMomentums: Lr[];
  constructor(...args: Args<[optimizer: Optimizer, baseLr: FloatLike | FloatLike[], maxLr: FloatLike | FloatLike[]], [], CyclicLROptions>) {
    super();
    const o = CYCLIC<{
      optimizer: unknown; baseLr: unknown; maxLr: unknown; stepSizeUp: FloatLike; stepSizeDown: FloatLike | null; mode: string; gamma: FloatLike;
      scaleFn: ScaleFn | null; scaleMode: string; cycleMomentum: boolean; baseMomentum: unknown; maxMomentum: unknown; lastEpoch: IntLike;
    }>(args);
    const optimizer = checkOptimizer(o.optimizer);
    this.optimizer = optimizer;
    const baseLrs = formatParam('base_lr', optimizer, o.baseLr);
    if (o.lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => setGroup(g, 'lr', baseLrs, i));
    this.maxLrs = formatParam('max_lr', optimizer, o.maxLr);
    const up = num(o.stepSizeUp);
    const down = o.stepSizeDown !== null ? num(o.stepSizeDown) : up;
    this._num('totalSize', up + down, true);
    this._num('stepRatio', up / this.totalSize, true);
    if (!['triangular', 'triangular2', 'exp_range'].includes(o.mode) && o.scaleFn === null) throw new RangeError('mode is invalid and scale_fn is None');
    this.mode = o.mode;
    this._num('gamma', o.gamma);
    this._scaleFnCustom = o.scaleFn;
    this.scaleMode = o.scaleMode;
    this._initScaleFn();
    this.cycleMomentum = o.cycleMomentum;
    if (o.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      }
      this.useBeta1 = 'betas' in optimizer.defaults;
      this.baseMomentums = formatParam('base_momentum', optimizer, o.baseMomentum);
      this.maxMomentums = formatParam('max_momentum', optimizer, o.maxMomentum);
      if (o.lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          setMomentum(group, this.useBeta1, this.maxMomentums, i);
          setGroup(group, 'maxMomentum', this.maxMomentums, i);
          setGroup(group, 'baseMomentum', this.baseMomentums, i);
        });
      }
    }
    this._init(optimizer, o.lastEpoch);
    this.baseLrs = baseLrs;
  }

  private _initScaleFn(): void {
    if (this._scaleFnCustom !== null) return;
    if (this.mode === 'triangular') {
      this._scaleFnRef = () => 1.0;
      this.scaleMode = 'cycle';
    } else if (this.mode === 'triangular2') {
      this._scaleFnRef = (x) => 1 / 2.0 ** (x - 1);
      this.scaleMode = 'cycle';
    } else if (this.mode === 'exp_range') {
      const gamma = this.gamma;
      this._scaleFnRef = (x) => gamma ** x;
      this.scaleMode = 'iterations';
    }
  }

  /** The amplitude scaling of cycle (or iteration) `x`. */
  scaleFn(x: number): number {
    return this._scaleFnCustom !== null ? this._scaleFnCustom(x) : this._scaleFnRef(x);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1.0 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === 'cycle' ? cycle : this.lastEpoch;
    const lrs = floats(this.baseLrs.map((base, i) => sAdd(base, sMul(sMul(sSub(this.maxLrs[i]!, base), scaleFactor), this.scaleFn(at)))));
    if (this.cycleMomentum) {
      const momentums = floats(this.baseMomentums.map((base, i) => sSub(this.maxMomentums[i]!, sMul(sMul(sSub(this.maxMomentums[i]!, base), scaleFactor), this.scaleFn(at)))));
      this.optimizer.paramGroups.forEach((g, i) => setMomentum(g, this.useBeta1, momentums, i));
    }
    return lrs;
  }

  override stateDict(): SchedulerStateDict {
    const state = this._stateEntries();
    // A function is not saved (PyTorch keeps only a callable object's __dict__).
    state.set('_scale_fn_custom', null);
    return state;
  }

  override loadStateDict(stateDict: Map<string, unknown> | Record<string, unknown>): void {
    const attrs = getEntry(stateDict, '_scale_fn_custom');
    this._update(stateDict, ['_scale_fn_custom']);
    if (attrs !== null && attrs !== undefined && this._scaleFnCustom !== null) {
      const fn = this._scaleFnCustom as unknown as Record<string, unknown>;
      for (const [k, v] of attrs instanceof Map ? attrs : Object.entries(attrs as object)) fn[k as string] = v;
    }
    this._initScaleFn();
  }
}

const WARM_RESTARTS = pySignature('CosineAnnealingWarmRestarts.__init__', 'self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1', { floatDefaults: true });
const WARM_STEP = pySignature('CosineAnnealingWarmRestarts.step', 'self, epoch=None');

/** Cosine annealing with warm restarts (SGDR): restarts after `t0` epochs, each period `tMult` times longer. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  declare t0: number;
  declare tI: number;
  declare tMult: number;
  declare etaMin: number;
  declare tCur: number;
  constructor(...args: Args<[optimizer: Optimizer, t0: IntLike], [tMult: IntLike, etaMin: FloatLike, lastEpoch: IntLike], { tMult?: IntLike; etaMin?: FloatLike; lastEpoch?: IntLike }>) {
    super();
    const o = WARM_RESTARTS<{ optimizer: Optimizer; T_0: unknown; T_mult: unknown; etaMin: unknown; lastEpoch: IntLike }>(renamed(args));
    if (!isInt(o.T_0) || o.T_0 <= 0) throw new RangeError(`Expected positive integer T_0, but got ${pyNumRepr(o.T_0)}`);
    if (!isInt(o.T_mult) || o.T_mult < 1) throw new RangeError(`Expected integer T_mult >= 1, but got ${pyNumRepr(o.T_mult)}`);
    if (typeof o.etaMin !== 'number' && !(o.etaMin instanceof PyFloat)) {
      throw new RangeError(`Expected float or int eta_min, but got ${String(o.etaMin)} of type <class '${typename(o.etaMin)}'>`);
    }
    this.t0 = o.T_0;
    this.tI = o.T_0;
    this.tMult = o.T_mult;
    this._num('etaMin', o.etaMin);
    this._num('tCur', o.lastEpoch);
    this._init(o.optimizer, o.lastEpoch);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    return floats(this.baseLrs.map((b) => sAdd(this.etaMin, sDiv(sMul(sSub(b, this.etaMin), 1 + Math.cos((Math.PI * this.tCur) / this.tI)), 2))));
  }

  /** Without `epoch`, the next step; with it (a possibly fractional epoch), the lr at that point. */
  override step(...args: [epoch?: number | null | { epoch?: number | null }]): void {
    let { epoch } = WARM_STEP<{ epoch: number | null }>(args);
    if (epoch === null && this.lastEpoch < 0) epoch = 0;
    if (epoch === null) {
      epoch = this.lastEpoch + 1;
      this._num('tCur', this.tCur + 1, this._floats.has('tCur'));
      if (this.tCur >= this.tI) {
        this._num('tCur', this.tCur % this.tI, this._floats.has('tCur'));
        this.tI = this.tI * this.tMult;
      }
    } else {
      const e = num(epoch);
      if (e < 0) throw new RangeError(`Expected non-negative epoch, but got ${pyNumRepr(epoch)}`);
      if (e >= this.t0) {
        if (this.tMult === 1) {
          this._num('tCur', e % this.t0, isFloat(epoch));
        } else {
          const n = Math.trunc(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this._num('tCur', e - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1), true);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this._num('tCur', epoch);
      }
    }
    this._num('lastEpoch', Math.floor(num(epoch)), false);
    this._getLrCalledWithinStep = true;
    let lrs: Lr[];
    try {
      lrs = floats(this.getLr());
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((g, i) => setGroup(g, 'lr', lrs, i));
    this._lastLr = groupValues(this.optimizer, 'lr');
  }
}

const ONE_CYCLE = pySignature(
  'OneCycleLR.__init__',
  "self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=10000.0, three_phase=False, last_epoch=-1",
  { floatDefaults: true },
);

interface OneCycleLROptions {
  totalSteps?: IntLike | null;
  epochs?: IntLike | null;
  stepsPerEpoch?: IntLike | null;
  pctStart?: FloatLike;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: FloatLike | FloatLike[];
  maxMomentum?: FloatLike | FloatLike[];
  divFactor?: FloatLike;
  finalDivFactor?: FloatLike;
  threePhase?: boolean;
  lastEpoch?: IntLike;
}

/** A schedule phase (Python's dict): end_step and the group keys it anneals between. */
function phase(endStep: number, endIsFloat: boolean, startLr: string, endLr: string, startMomentum: string, endMomentum: string): Map<string, unknown> {
  const m = new Map<string, unknown>([
    ['end_step', endStep],
    ['start_lr', startLr],
    ['end_lr', endLr],
    ['start_momentum', startMomentum],
    ['end_momentum', endMomentum],
  ]);
  if (endIsFloat) markFloat(m, 'end_step');
  return m;
}

/** The 1cycle policy (Smith & Topin, 2018): up to `maxLr`, then down far below the initial lr. */
export class OneCycleLR extends LRScheduler {
  declare totalSteps: number;
  declare _schedulePhases: Map<string, unknown>[];
  declare _annealFuncType: 'cos' | 'linear';
  declare cycleMomentum: boolean;
  declare useBeta1: boolean;
  constructor(...args: Args<[optimizer: Optimizer, maxLr: FloatLike | FloatLike[]], [], OneCycleLROptions>) {
    super();
    const o = ONE_CYCLE<{
      optimizer: unknown; maxLr: unknown; totalSteps: unknown; epochs: unknown; stepsPerEpoch: unknown; pctStart: FloatLike; annealStrategy: string;
      cycleMomentum: boolean; baseMomentum: unknown; maxMomentum: unknown; divFactor: FloatLike; finalDivFactor: FloatLike; threePhase: boolean; lastEpoch: IntLike;
    }>(args);
    const optimizer = checkOptimizer(o.optimizer);
    this.optimizer = optimizer;
    if (o.totalSteps !== null) {
      if (!isInt(o.totalSteps) || o.totalSteps <= 0) throw new RangeError(`Expected positive integer total_steps, but got ${pyNumRepr(o.totalSteps)}`);
      this.totalSteps = o.totalSteps;
    } else if (o.epochs !== null && o.stepsPerEpoch !== null) {
      if (!isInt(o.epochs) || o.epochs <= 0) throw new RangeError(`Expected positive integer epochs, but got ${pyNumRepr(o.epochs)}`);
      if (!isInt(o.stepsPerEpoch) || o.stepsPerEpoch <= 0) throw new RangeError(`Expected positive integer steps_per_epoch, but got ${pyNumRepr(o.stepsPerEpoch)}`);
      this.totalSteps = o.epochs * o.stepsPerEpoch;
    } else {
      throw new RangeError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    const pct = num(o.pctStart);
    const n = this.totalSteps;
    this._schedulePhases = o.threePhase
      ? [
          phase(pct * n - 1, true, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(2 * pct * n - 2, true, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
          phase(n - 1, false, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
        ]
      : [phase(pct * n - 1, true, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'), phase(n - 1, false, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum')];
    if (pct < 0 || pct > 1 || !isFloat(o.pctStart)) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pyNumRepr(o.pctStart)}`);
    if (o.annealStrategy !== 'cos' && o.annealStrategy !== 'linear') {
      throw new RangeError(`anneal_strategy must be one of 'cos' or 'linear', instead got ${o.annealStrategy}`);
    }
    this._annealFuncType = o.annealStrategy;
    const maxLrs = formatParam('max_lr', optimizer, o.maxLr);
    if (o.lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        setGroupValue(group, 'initialLr', sDiv(maxLrs[i]!, num(o.divFactor)), true);
        setGroup(group, 'maxLr', maxLrs, i);
        setGroupValue(group, 'minLr', sDiv(groupLr(group, 'initialLr'), num(o.finalDivFactor)), true);
      });
    }
    this.cycleMomentum = o.cycleMomentum;
    if (o.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      }
      this.useBeta1 = 'betas' in optimizer.defaults;
      const maxMomentums = formatParam('max_momentum', optimizer, o.maxMomentum);
      const baseMomentums = formatParam('base_momentum', optimizer, o.baseMomentum);
      if (o.lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          setMomentum(group, this.useBeta1, maxMomentums, i);
          setGroup(group, 'maxMomentum', maxMomentums, i);
          setGroup(group, 'baseMomentum', baseMomentums, i);
        });
      }
    }
    this._init(optimizer, o.lastEpoch);
  }

  private _annealFunc(start: Lr, end: Lr, pct: number): Lr {
    if (this._annealFuncType === 'cos') return sAdd(end, sMul(sDiv(sSub(start, end), 2.0), Math.cos(Math.PI * pct) + 1));
    return sAdd(sMul(sSub(end, start), pct), start);
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new RangeError(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    const phases = this._schedulePhases;
    const key = (name: unknown): string => snakeToCamel(name as string);
    return floats(this.optimizer.paramGroups.map((group) => {
      let start = 0.0;
      for (let i = 0; i < phases.length; i++) {
        const ph = phases[i]!;
        const end = ph.get('end_step') as number;
        if (stepNum <= end || i === phases.length - 1) {
          const pct = (stepNum - start) / (end - start);
          const lr = this._annealFunc(groupLr(group, key(ph.get('start_lr'))), groupLr(group, key(ph.get('end_lr'))), pct);
          if (this.cycleMomentum) {
            const momentum = this._annealFunc(groupLr(group, key(ph.get('start_momentum'))), groupLr(group, key(ph.get('end_momentum'))), pct);
            setMomentum(group, this.useBeta1, floats([momentum]), 0);
          }
          return lr;
        }
        start = end;
      }
      throw new Error('OneCycleLR has no schedule phases');
    }));
  }
}
