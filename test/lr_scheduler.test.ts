// torch.optim.lr_scheduler against PyTorch (scripts/fixtures/lr_scheduler.py): every scheduler
// replays Python's lrs (and momentum / beta1) epoch by epoch; at epoch `mid` its stateDict() is
// Python's state_dict (keys, order, values, float vs int); a scheduler resumed from Python's
// state_dict (torch.load) continues as Python's did, and Python resumes from the one written here.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Optimizer } from '../lib/optim/optimizer';
import { isMarkedFloat, Tuple } from '../lib/serialization/pickle';
import { expectClose, fixture } from './helpers';

const L = torch.optim.lrScheduler;
type Scheduler = torch.optim.lrScheduler.LRScheduler;

interface Record_ {
  lr: number[];
  last: number[];
  momentum: number[];
}
interface Case {
  name: string;
  opt: 'SGD' | 'Adam';
  groups: unknown[];
  initial: unknown[] | null;
  opt_kwargs: Record<string, unknown>;
  sched: Spec;
  epochs: number;
  mid: number;
  metrics: unknown[] | null;
  epoch_args: unknown[] | null;
  sequence: Record_[];
  mid_groups: Record<string, unknown>[];
}
interface Spec {
  sched: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}
interface Fixture {
  cases: Case[];
  errors: Record<string, { type: string; message: string }>;
  warnings: Record<string, string[]>;
}

const FX = fixture<Fixture>('lr_scheduler.json');
const PTH = path.join(__dirname, 'fixtures', 'generated', 'lr_scheduler');
const root = path.join(__dirname, '..');

const LAMBDAS: Record<string, (e: number) => number> = {
  pow95: (e) => 0.95 ** e,
  inv: (e) => 1 / (e + 1),
  const9: () => 0.9,
  steps: (e) => (e < 10 ? 1 : 0.5),
  scale: (x) => 1 / (1.0 + x),
};

/**
 * The fixture's JSON values: {"f": x} is a Python float, {"tensor": x} a float32 tensor (a tensor
 * learning rate), {"lambda": name} a function, {"sched": ...} a scheduler.
 */
function decode(v: unknown, opt?: Optimizer): unknown {
  if (Array.isArray(v)) return v.map((x) => decode(x, opt));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('f' in o && Object.keys(o).length === 1) return torch.pyFloat(o.f as number);
    if ('tensor' in o && Object.keys(o).length === 1) return torch.tensor(o.tensor as number);
    if ('lambda' in o) return LAMBDAS[o.lambda as string];
    if ('sched' in o) return build(o as unknown as Spec, opt!);
  }
  return v;
}

// The user-defined schedulers of the fixture, written as a user would write them here.
class Halving extends L.LRScheduler {
  override getLr(): number[] {
    return this.baseLrs.map((base) => (base as number) * 0.5 ** Math.floor(this.lastEpoch / 3));
  }
}
class WarmupHold extends L.LRScheduler {
  declare warmup: number;
  constructor(optimizer: Optimizer, warmup: number, lastEpoch = -1) {
    super();
    this.warmup = warmup;
    this._init(optimizer, lastEpoch);
  }
  override getLr(): number[] {
    return this.baseLrs.map((base) => (base as number) * Math.min(1.0, (this.lastEpoch + 1) / this.warmup));
  }
}
const USER: Record<string, unknown> = { Halving, WarmupHold };

const T_KEYS: Record<string, string> = { T_max: 'tMax', T_0: 't0', T_mult: 'tMult' };
const camel = (k: string): string => T_KEYS[k] ?? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function build(spec: Spec, opt: Optimizer): Scheduler {
  const args = spec.args.map((a) => decode(a, opt));
  const kwargs = Object.fromEntries(Object.entries(spec.kwargs).map(([k, v]) => [camel(k), decode(v)]));
  const cls = ((USER[spec.sched] ? USER : spec.sched === 'SWALR' ? torch.optim.swaUtils : L) as Record<string, new (...a: unknown[]) => Scheduler>)[spec.sched]!;
  const rest = Object.keys(kwargs).length > 0 ? [...args, kwargs] : args;
  return spec.sched === 'ChainedScheduler' ? new cls(...rest) : new cls(opt, ...rest);
}

function make(c: Case): [Optimizer, Scheduler] {
  const params = c.groups.map((lr, i) => ({
    params: [torch.zeros(2).requiresGrad_()],
    lr: decode(lr),
    ...(c.initial !== null ? { initialLr: decode(c.initial[i]) } : {}),
  }));
  const kwargs = Object.fromEntries(Object.entries(c.opt_kwargs).map(([k, v]) => [camel(k), decode(v)]));
  const opt = c.opt === 'SGD' ? new torch.optim.SGD(params as never, kwargs) : new torch.optim.Adam(params as never, kwargs);
  return [opt, build(c.sched, opt)];
}

/** Python's float() of a number or a one-element tensor. */
const float = (x: unknown): number => (x instanceof torch.Tensor ? Number(x.item()) : (x as number));

function record(opt: Optimizer, s: Scheduler): Record_ {
  return {
    lr: opt.paramGroups.map((g) => float(g.lr)),
    last: s.getLastLr().map(float),
    momentum: opt.paramGroups.map((g) => float('betas' in g ? (g.betas as unknown[])[0] : g.momentum)),
  };
}

function steps(c: Case): number {
  return c.epoch_args?.length ?? c.metrics?.length ?? c.epochs;
}

function advance(c: Case, opt: Optimizer, s: Scheduler, epoch: number): void {
  opt.step();
  if (c.metrics !== null) (s as InstanceType<typeof L.ReduceLROnPlateau>).step(decode(c.metrics[epoch]) as number);
  else if (c.epoch_args !== null) s.step(decode(c.epoch_args[epoch]) as number);
  else s.step();
}

/** Sets the hyperparameters Python's param groups had at `mid` (what the optimizer's state_dict would restore). */
function restore(opt: Optimizer, groups: Record<string, unknown>[]): void {
  opt.paramGroups.forEach((g, i) => {
    for (const [k, v] of Object.entries(groups[i]!)) {
      const value = decode(v);
      g[camel(k)] = k === 'betas' ? new Tuple(...(value as number[])) : value;
    }
  });
}

const RTOL = 1e-12;
const ATOL = 1e-15;

function expectSequence(actual: Record_[], expected: Record_[], where: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((r, i) => {
    expectClose(r.lr, expected[i]!.lr, RTOL, ATOL, `${where} epoch ${i} lr`);
    expectClose(r.last, expected[i]!.last, RTOL, ATOL, `${where} epoch ${i} get_last_lr`);
    expectClose(r.momentum, expected[i]!.momentum, RTOL, ATOL, `${where} epoch ${i} momentum`);
  });
}

/** A Python value from torch.load and one stateDict() gave: the same keys in order, values, and int vs float. */
function expectSameState(actual: unknown, expected: unknown, where: string): void {
  if (expected instanceof Map) {
    expect(actual).toBeInstanceOf(Map);
    const a = actual as Map<unknown, unknown>;
    expect([...a.keys()]).toEqual([...expected.keys()]);
    for (const [k, v] of expected) {
      expectSameState(a.get(k), v, `${where}.${String(k)}`);
      if (typeof v === 'number') {
        const isFloat = (m: Map<unknown, unknown>, x: number): boolean => isMarkedFloat(m, k) || !Number.isInteger(x);
        if (isFloat(a, a.get(k) as number) !== isFloat(expected, v)) throw new Error(`${where}.${String(k)}: float vs int differs`);
      }
    }
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    const a = actual as unknown[];
    expect(a.length).toBe(expected.length);
    expected.forEach((v, i) => {
      expectSameState(a[i], v, `${where}[${i}]`);
      if (typeof v === 'number') {
        const isFloat = (l: unknown[], x: number): boolean => isMarkedFloat(l, i) || !Number.isInteger(x);
        if (isFloat(a, a[i] as number) !== isFloat(expected, v)) throw new Error(`${where}[${i}]: float vs int differs`);
      }
    });
    return;
  }
  if (typeof expected === 'number') return expectClose(actual, expected, RTOL, ATOL, where);
  if (expected instanceof torch.Tensor) {
    expect(actual).toBeInstanceOf(torch.Tensor);
    expect((actual as torch.Tensor).dtype).toBe(expected.dtype);
    if (!torch.equal(actual as torch.Tensor, expected)) throw new Error(`${where}: ${String(actual)} != ${String(expected)}`);
    return;
  }
  expect(actual).toEqual(expected);
}

interface Run {
  sequence: Record_[];
  state: Map<string, unknown>;
  resumed: Record_[];
}
// Each case's runs here (or what it threw) and what Python made of the state_dicts saved here.
const runs = new Map<string, Run | Error>();
let fromNode: Record<string, Record_[]> | Error = {};
function run(name: string): Run {
  const r = runs.get(name)!;
  if (r instanceof Error) throw r;
  return r;
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lr_scheduler-'));

beforeAll(() => {
  // step(epoch) warns (deprecated), as in PyTorch; the warnings themselves are tested below.
  const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    for (const c of FX.cases) {
      try {
        runs.set(c.name, runCase(c));
      } catch (e) {
        runs.set(c.name, e as Error);
      }
    }
  } finally {
    emit.mockRestore();
  }
  fs.writeFileSync(path.join(tmp, 'cases.json'), JSON.stringify(FX.cases.map(({ sequence: _s, ...c }) => c)));
  const python = path.join(root, '.venv', 'bin', 'python');
  try {
    fromNode = JSON.parse(execFileSync(python, [path.join(root, 'scripts', 'fixtures', 'lr_scheduler.py'), '--check', tmp], { encoding: 'utf8', cwd: root })) as Record<string, Record_[]>;
  } catch (e) {
    fromNode = e as Error;
  }
}, 60000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function runCase(c: Case): Run {
  const [opt, s] = make(c);
  const sequence = [record(opt, s)];
  let state: Map<string, unknown> | undefined;
  for (let epoch = 0; epoch < steps(c); epoch++) {
    advance(c, opt, s, epoch);
    sequence.push(record(opt, s));
    if (epoch + 1 === c.mid) state = s.stateDict();
  }
  torch.save(state, path.join(tmp, `${c.name}.pth`));
  // A fresh scheduler on a fresh optimizer, resumed from Python's state_dict at `mid`.
  const [opt2, s2] = make(c);
  restore(opt2, c.mid_groups);
  s2.loadStateDict(torch.load(path.join(PTH, `${c.name}.pth`)) as Map<string, unknown>);
  const resumed: Record_[] = [];
  for (let epoch = c.mid; epoch < steps(c); epoch++) {
    advance(c, opt2, s2, epoch);
    resumed.push(record(opt2, s2));
  }
  return { sequence, state: state!, resumed };
}

describe.each(FX.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
  test(`the lrs of ${steps(c)} epochs are PyTorch's`, () => {
    expectSequence(run(name).sequence, c.sequence, name);
  });
  test("stateDict() at mid is PyTorch's state_dict", () => {
    const python = torch.load(path.join(PTH, `${name}.pth`));
    expectSameState(run(name).state, python, name);
  });
  test("resumed from Python's state_dict, it continues as PyTorch's", () => {
    expectSequence(run(name).resumed, c.sequence.slice(c.mid + 1), `${name} resumed`);
  });
  test('Python resumed from the state_dict saved here continues the same', () => {
    if (fromNode instanceof Error) throw fromNode;
    expectSequence(fromNode[name]!, c.sequence.slice(c.mid + 1), `${name} in Python`);
  });
});

test('every scheduler class (and SWALR) is covered', () => {
  const used = new Set<string>();
  const visit = (s: Spec): void => {
    used.add(s.sched);
    for (const a of s.args) for (const x of Array.isArray(a) ? a : [a]) if (x !== null && typeof x === 'object' && 'sched' in x) visit(x as Spec);
  };
  for (const c of FX.cases) visit(c.sched);
  const classes = [...Object.keys(L).filter((k) => /^[A-Z]/.test(k) && k !== 'LRScheduler'), 'SWALR', ...Object.keys(USER)];
  expect(classes.sort()).toEqual([...used].sort());
});

function sgd(): Optimizer {
  return new torch.optim.SGD([
    { params: [torch.zeros(2).requiresGrad_()], lr: 0.1 },
    { params: [torch.zeros(2).requiresGrad_()], lr: 0.05 },
  ]);
}

describe("PyTorch's errors", () => {
  const other = (): Optimizer => new torch.optim.SGD([torch.zeros(2).requiresGrad_()]);
  const calls: Record<string, (opt: Optimizer) => unknown> = {
    not_optimizer: () => new L.StepLR(5 as never, 3),
    missing_arg: (opt) => new (L.StepLR as unknown as new (o: Optimizer) => unknown)(opt),
    unexpected_kwarg: (opt) => new L.StepLR(opt, 3, { gama: 0.5 } as never),
    too_many: (opt) => new (L.ExponentialLR as unknown as new (...a: unknown[]) => unknown)(opt, 0.9, -1, 5),
    resume_without_initial_lr: (opt) => new L.StepLR(opt, 3, { lastEpoch: 4 }),
    lambda_count: (opt) => new L.LambdaLR(opt, [() => 1.0]),
    multiplicative_not_callable: (opt) => new L.MultiplicativeLR(opt, 0.5 as never),
    constant_factor: (opt) => new L.ConstantLR(opt, { factor: 1.5 }),
    linear_start: (opt) => new L.LinearLR(opt, { startFactor: 0 }),
    linear_end: (opt) => new L.LinearLR(opt, { endFactor: 1.5 }),
    plateau_factor: (opt) => new L.ReduceLROnPlateau(opt, { factor: torch.pyFloat(1) }),
    plateau_mode: (opt) => new L.ReduceLROnPlateau(opt, { mode: 'mean' as never }),
    plateau_threshold_mode: (opt) => new L.ReduceLROnPlateau(opt, { thresholdMode: 'pct' as never }),
    plateau_min_lrs: (opt) => new L.ReduceLROnPlateau(opt, { minLr: [0.1] }),
    plateau_metric: (opt) => new L.ReduceLROnPlateau(opt).step('x' as never),
    plateau_groups_changed: (opt) => {
      const s = new L.ReduceLROnPlateau(opt, { patience: 0, minLr: [torch.pyFloat(0), torch.pyFloat(0)] });
      opt.addParamGroup({ params: [torch.zeros(1).requiresGrad_()] });
      s.step(1.0);
      s.step(2.0);
    },
    cyclic_mode: (opt) => new L.CyclicLR(opt, 0.01, 0.1, { mode: 'square' as never }),
    cyclic_lengths: (opt) => new L.CyclicLR(opt, [0.01], 0.1),
    warm_t0: (opt) => new L.CosineAnnealingWarmRestarts(opt, 0),
    warm_t0_float: (opt) => new L.CosineAnnealingWarmRestarts(opt, torch.pyFloat(5) as never),
    warm_tmult: (opt) => new L.CosineAnnealingWarmRestarts(opt, 5, { tMult: 0 }),
    warm_eta_min: (opt) => new L.CosineAnnealingWarmRestarts(opt, 5, { etaMin: 'a' as never }),
    warm_negative_epoch: (opt) => new L.CosineAnnealingWarmRestarts(opt, 5).step(-1),
    one_cycle_no_steps: (opt) => new L.OneCycleLR(opt, 0.1),
    one_cycle_total_steps: (opt) => new L.OneCycleLR(opt, 0.1, { totalSteps: 0 }),
    one_cycle_epochs: (opt) => new L.OneCycleLR(opt, 0.1, { epochs: -1, stepsPerEpoch: 3 }),
    one_cycle_pct_int: (opt) => new L.OneCycleLR(opt, 0.1, { totalSteps: 10, pctStart: 1 }),
    one_cycle_anneal: (opt) => new L.OneCycleLR(opt, 0.1, { totalSteps: 10, annealStrategy: 'exp' as never }),
    one_cycle_past_end: (opt) => {
      const s = new L.OneCycleLR(opt, 0.1, { totalSteps: 3 });
      for (let i = 0; i < 4; i++) {
        opt.step();
        s.step();
      }
    },
    sequential_empty: (opt) => new L.SequentialLR(opt, [], []),
    sequential_milestones: (opt) => new L.SequentialLR(opt, [new L.StepLR(opt, 2), new L.StepLR(opt, 3)], [1, 2]),
    sequential_plateau: (opt) => new L.SequentialLR(opt, [new L.StepLR(opt, 2), new L.ReduceLROnPlateau(opt)], [2]),
    sequential_not_scheduler: (opt) => new L.SequentialLR(opt, [new L.StepLR(opt, 2), 5 as never], [2]),
    sequential_other_optimizer: (opt) => new L.SequentialLR(opt, [new L.StepLR(opt, 2), new L.StepLR(other(), 3)], [2]),
    chained_empty: () => new L.ChainedScheduler([]),
    cyclic_no_momentum: () => new L.CyclicLR(new torch.optim.Adagrad([torch.zeros(1).requiresGrad_()]), 0.01, 0.1),
    one_cycle_no_momentum: () => new L.OneCycleLR(new torch.optim.Adagrad([torch.zeros(1).requiresGrad_()]), 0.1, { totalSteps: 10 }),
  };
  const jsName: Record<string, string> = { ValueError: 'RangeError', TypeError: 'TypeError', KeyError: 'Error', RuntimeError: 'Error' };

  test('the same cases as the fixture', () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(FX.errors).sort());
  });
  test.each(Object.entries(FX.errors))('%s', (name, { type, message }) => {
    let thrown: { name?: string; message?: string } | undefined;
    try {
      calls[name]!(sgd());
    } catch (e) {
      thrown = e as { name?: string; message?: string };
    }
    expect(thrown).toBeDefined();
    expect(thrown!.name).toBe(jsName[type]);
    expect(thrown!.message!.split('\n')[0]).toBe(message);
  });
});

describe("PyTorch's warnings", () => {
  const cases: Record<string, (opt: Optimizer) => void> = {
    step_before_optimizer: (opt) => {
      const s = new L.StepLR(opt, 3);
      s.step();
      s.step();
    },
    overridden_step: (opt) => {
      const s = new L.StepLR(opt, 3);
      (opt as unknown as { step: () => void }).step = () => undefined;
      s.step();
    },
    get_lr_outside_step: (opt) => void new L.StepLR(opt, 3).getLr(),
    epoch_argument: (opt) => {
      const s = new L.StepLR(opt, 3);
      opt.step();
      s.step(2);
    },
    in_order: (opt) => {
      const s = new L.StepLR(opt, 3);
      opt.step();
      s.step();
      opt.step();
      s.step();
    },
  };
  test.each(Object.entries(FX.warnings))('%s', (name, messages) => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      cases[name]!(sgd());
      expect(emit.mock.calls.map((a) => String(a[0]))).toEqual(messages);
      for (const a of emit.mock.calls) expect(a[1]).toBe('UserWarning');
    } finally {
      emit.mockRestore();
    }
  });
});

describe('scheduler API', () => {
  test('the step wrapper is installed once and keeps optimizer.step working', () => {
    const opt = sgd();
    new L.StepLR(opt, 3);
    const wrapped = opt.step;
    new L.ExponentialLR(opt, 0.5);
    expect(opt.step).toBe(wrapped);
    const p = opt.paramGroups[0]!.params[0]!;
    p.grad = torch.ones(2);
    opt.step();
    expect((opt as unknown as { _optCalled: boolean })._optCalled).toBe(true);
    expect(p.tolist()).not.toEqual([0, 0]);
  });
  test('loadStateDict takes a plain object too, and stateDict() is a copy', () => {
    const opt = sgd();
    const s = new L.StepLR(opt, 2, { gamma: 0.5 });
    const sd = s.stateDict();
    (sd.get('base_lrs') as number[])[0] = 99;
    expect(s.baseLrs[0]).toBe(0.1);
    s.loadStateDict({ last_epoch: 5, gamma: 0.25 });
    expect(s.lastEpoch).toBe(5);
    expect(s.gamma).toBe(0.25);
  });
  test('tensor learning rates live on when the scheduler is made and stepped inside tidy()', () => {
    for (const name of ['cosine_tensor_lr', 'sequential_tensor_lr']) {
      const c = FX.cases.find((x) => x.name === name)!;
      const params = c.groups.map((lr) => ({ params: [torch.zeros(2).requiresGrad_()], lr: decode(lr) }));
      const opt = new torch.optim.Adam(params as never);
      const s = torch.tidy(() => build(c.sched, opt));
      const sequence = [record(opt, s)];
      for (let epoch = 0; epoch < steps(c); epoch++) {
        torch.tidy(() => advance(c, opt, s, epoch));
        sequence.push(record(opt, s));
        if (epoch + 1 === c.mid) expectSameState(s.stateDict(), torch.load(path.join(PTH, `${name}.pth`)), `${name} in tidy`);
      }
      expectSequence(sequence, c.sequence, `${name} in tidy`);
    }
  });
  test('ReduceLROnPlateau takes one-element tensors as metrics', () => {
    const c = FX.cases.find((x) => x.name === 'plateau')!;
    const [opt, s] = make(c) as [Optimizer, InstanceType<typeof L.ReduceLROnPlateau>];
    const sequence = [record(opt, s)];
    for (const m of c.metrics!) {
      s.step(torch.tensor(decode(m) as number, { dtype: torch.float64 }));
      sequence.push(record(opt, s));
    }
    expectSequence(sequence, c.sequence, 'plateau (tensor metrics)');
  });
});
