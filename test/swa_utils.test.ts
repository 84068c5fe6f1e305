// torch.optim.swa_utils against PyTorch (scripts/fixtures/swa_utils.py): AveragedModel's averages
// over the same model snapshots (SWA, EMA, per-parameter and multi-tensor functions, with and
// without buffers), its forward, updateBn, and PyTorch's errors. SWALR's schedules are replayed
// in test/lr_scheduler.test.ts.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture } from './helpers';

const { nn } = torch;
const S = torch.optim.swaUtils;
type Tensor = torch.Tensor;
type SD = Map<string, Tensor>;

interface Expected {
  snapshots: SD[];
  averaged: Map<string, SD[]>;
  x: Tensor;
  forward: Tensor;
  bn_batches: Tensor[];
  bn_tensors: Map<string, Tensor>;
  bn_training_after: boolean;
  bn_tuples: Map<string, Tensor>;
}
const PY = torch.load(path.join(__dirname, 'fixtures', 'generated', 'swa_utils.pth')) as Map<string, unknown>;
const FX = Object.fromEntries(PY) as unknown as Expected;
const META = fixture<{ variants: string[]; errors: Record<string, { type: string; message: string }>; momentum_after: number }>('swa_utils.json');

const model = (): torch.nn.Sequential => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));

const VARIANTS: Record<string, () => Record<string, unknown>> = {
  swa: () => ({}),
  swa_buffers: () => ({ useBuffers: true }),
  swa_multi: () => ({ multiAvgFn: S.getSwaMultiAvgFn() }),
  swa_multi_float64: () => ({ multiAvgFn: S.getSwaMultiAvgFn() }),
  ema_multi: () => ({ multiAvgFn: S.getEmaMultiAvgFn(0.9) }),
  ema_multi_buffers: () => ({ multiAvgFn: S.getEmaMultiAvgFn(0.8), useBuffers: true }),
  ema: () => ({ avgFn: S.getEmaAvgFn(0.9) }),
  swa_fn_buffers: () => ({ avgFn: S.getSwaAvgFn(), useBuffers: true }),
};

function averaged(name: string): [torch.optim.swaUtils.AveragedModel<torch.nn.Sequential>, SD[]] {
  let m = model();
  if (name.endsWith('float64')) m = m.double();
  m.loadStateDict(FX.snapshots[0]!);
  const avg = new S.AveragedModel(m, VARIANTS[name]!());
  const states: SD[] = [];
  for (const s of FX.snapshots) {
    m.loadStateDict(s);
    avg.updateParameters(m);
    states.push(new Map([...avg.stateDict()].map(([k, v]) => [k, v.clone()])));
  }
  return [avg, states];
}

/** The same keys in the same order, the same dtypes, and equal values (bit for bit: the same kernels). */
function expectSameTensors(actual: Map<string, Tensor>, expected: Map<string, Tensor>, where: string): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [k, e] of expected) {
    const a = actual.get(k)!;
    expect(a.dtype).toBe(e.dtype);
    if (!torch.equal(a, e)) throw new Error(`${where} ${k}: ${String(a.tolist())} != ${String(e.tolist())}`);
  }
}

test('the fixture and this file cover the same variants', () => {
  expect(Object.keys(VARIANTS)).toEqual(META.variants);
});

describe.each(META.variants)('AveragedModel %s', (name) => {
  test("each updateParameters gives PyTorch's averaged state_dict", () => {
    const [, states] = averaged(name);
    const expected = FX.averaged.get(name)!;
    expect(states.length).toBe(expected.length);
    states.forEach((s, i) => expectSameTensors(s, expected[i]!, `${name} after update ${i}`));
  });
});

test("AveragedModel's forward is the averaged copy's", () => {
  const [avg] = averaged('swa');
  avg.eval();
  expect(torch.equal(avg.call(FX.x) as Tensor, FX.forward)).toBe(true);
});

test("Python's torch.save(averaged_model) loads as an AveragedModel", () => {
  const avg = torch.load(path.join(__dirname, 'fixtures', 'generated', 'swa_utils_model.pt')) as torch.optim.swaUtils.AveragedModel;
  expect(avg).toBeInstanceOf(S.AveragedModel);
  expect(avg.avgFn).toBeNull();
  expect(avg.useBuffers).toBe(false);
  expectSameTensors(avg.stateDict(), FX.averaged.get('swa')![FX.snapshots.length - 1]!, 'loaded');
  avg.eval();
  expect(torch.equal(avg.call(FX.x) as Tensor, FX.forward)).toBe(true);
});

test("torch.save(averagedModel) loads in Python as torch.optim.swa_utils.AveragedModel", () => {
  const [avg] = averaged('swa_buffers');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swa_utils-'));
  try {
    torch.save(avg, path.join(tmp, 'avg.pt'));
    torch.save(FX.x, path.join(tmp, 'x.pt'));
    const root = path.join(__dirname, '..');
    const out = execFileSync(path.join(root, '.venv', 'bin', 'python'), [path.join(root, 'scripts', 'fixtures', 'swa_utils.py'), '--check', path.join(tmp, 'avg.pt'), path.join(tmp, 'x.pt')], { encoding: 'utf8', cwd: root });
    const py = JSON.parse(out) as { type: string; use_buffers: boolean; avg_fn: string; multi_avg_fn: string; n_averaged: number; forward: number[][] };
    expect(py.type).toBe('torch.optim.swa_utils.AveragedModel');
    expect([py.use_buffers, py.avg_fn, py.multi_avg_fn, py.n_averaged]).toEqual([true, 'None', 'None', FX.snapshots.length]);
    avg.eval();
    expect(py.forward).toEqual((avg.call(FX.x) as Tensor).tolist());
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 60000);

test('AveragedModel copies the model (the source stays as it was)', () => {
  const m = model();
  m.loadStateDict(FX.snapshots[0]!);
  const avg = new S.AveragedModel(m);
  m.loadStateDict(FX.snapshots[1]!);
  avg.updateParameters(m);
  expect(torch.equal((avg.module.at(0) as torch.nn.Linear).weight, FX.snapshots[1]!.get('0.weight')!)).toBe(true);
  expect(avg.module).not.toBe(m);
  expect(avg.n_averaged.dtype).toBe(torch.int64);
});

test('the averaging functions called directly, with a number as num_averaged', () => {
  const current = [torch.tensor([1.0, 2.0, 3.0], { dtype: torch.float64 })];
  const avg = [torch.zeros(3, { dtype: torch.float64 })];
  S.getSwaMultiAvgFn()(avg, current, 2);
  expect(torch.equal(avg[0]!, PY.get('direct_swa_multi') as Tensor)).toBe(true);
  expect(torch.equal(S.getSwaAvgFn()(torch.zeros(3, { dtype: torch.float64 }), current[0]!, 2), PY.get('direct_swa') as Tensor)).toBe(true);
  const ema = [torch.ones(3, { dtype: torch.float64 })];
  S.getEmaMultiAvgFn()(ema, current, 0);
  expect(torch.equal(ema[0]!, PY.get('direct_ema_multi') as Tensor)).toBe(true);
  expect(torch.equal(S.getEmaAvgFn()(torch.ones(3, { dtype: torch.float64 }), current[0]!, 0), PY.get('direct_ema') as Tensor)).toBe(true);
});

describe('updateBn', () => {
  test("a pass over tensor batches gives PyTorch's running statistics", () => {
    const [avg] = averaged('swa');
    avg.eval(); // as in the fixture, where it ran forward first: updateBn restores eval mode
    S.updateBn(FX.bn_batches, avg);
    expectSameTensors(avg.stateDict(), FX.bn_tensors, 'update_bn');
    expect(avg.training).toBe(FX.bn_training_after);
  });
  test('(input, target) batches use the input, and the momentum comes back', () => {
    const [avg] = averaged('swa');
    S.updateBn(
      FX.bn_batches.map((b) => [b, torch.zeros(8)]),
      avg,
    );
    expectSameTensors(avg.stateDict(), FX.bn_tuples, 'update_bn tuples');
    expect((avg.module.at(1) as torch.nn.BatchNorm1d).momentum).toBe(META.momentum_after);
  });
  test('a model without BatchNorm is left alone', () => {
    const m = new nn.Sequential(new nn.Linear(3, 2));
    const before = m.stateDict();
    S.updateBn(FX.bn_batches, m.eval());
    expectSameTensors(m.stateDict(), before, 'no batchnorm');
    expect(m.training).toBe(false);
  });
});

describe("PyTorch's errors", () => {
  const opt = (): torch.optim.Optimizer =>
    new torch.optim.SGD([{ params: [torch.zeros(2).requiresGrad_()] }, { params: [torch.zeros(1).requiresGrad_()] }], { lr: 0.1 });
  const calls: Record<string, () => unknown> = {
    ema_decay: () => S.getEmaMultiAvgFn(1.5),
    ema_decay_single: () => S.getEmaAvgFn(-0.1),
    both_fns: () => new S.AveragedModel(model(), { avgFn: S.getSwaAvgFn(), multiAvgFn: S.getSwaMultiAvgFn() }),
    swalr_strategy: () => new S.SWALR(opt(), 0.05, { annealStrategy: 'exp' as never }),
    swalr_epochs: () => new S.SWALR(opt(), 0.05, { annealEpochs: -1 }),
    swalr_epochs_float: () => new S.SWALR(opt(), 0.05, { annealEpochs: torch.pyFloat(2) as never }),
    swalr_lengths: () => new S.SWALR(opt(), [0.05, 0.01, 0.1]),
    swa_multi_integer_buffers: () => {
      const m = model();
      const a = new S.AveragedModel(m, { multiAvgFn: S.getSwaMultiAvgFn(), useBuffers: true });
      for (let i = 0; i < 2; i++) a.updateParameters(m);
    },
    swa_multi_integer_alpha: () => S.getSwaMultiAvgFn()([torch.tensor([10, 20])], [torch.tensor([13, 29])], 2),
  };
  const jsName: Record<string, string> = { ValueError: 'RangeError', AssertionError: 'Error', RuntimeError: 'Error' };
  test('the same cases as the fixture', () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(META.errors).sort());
  });
  test.each(Object.entries(META.errors))('%s', (name, { type, message }) => {
    let thrown: { name?: string; message?: string } | undefined;
    try {
      calls[name]!();
    } catch (e) {
      thrown = e as { name?: string; message?: string };
    }
    expect(thrown).toBeDefined();
    expect(thrown!.name).toBe(jsName[type]);
    expect(thrown!.message).toContain(message);
  });
});
