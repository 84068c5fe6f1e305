// Lazy modules not called yet in whole-model files, both ways, against
// scripts/fixtures/lazy_pickle.py: Node loads Python's torch.save(model) and the model materialises
// at its first call as Python's does; Python loads Node's file and finds the same modules, hooks
// and handles, and runs the same forward.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture, expectClose } from './helpers';

const nn = torch.nn;
const root = path.join(__dirname, '..');
const python = path.join(root, '.venv', 'bin', 'python');
const script = path.join(root, 'scripts', 'fixtures', 'lazy_pickle.py');
const pythonFile = path.join(__dirname, 'fixtures', 'generated', 'lazy_pickle', 'python_lazy.pt');

type Forward = { output: number[][]; classes: string[]; state: Record<string, unknown>; hooks_left: number };
type Description = Record<string, unknown>[];
const fx = fixture<{ input: number[][][]; describe: Description; forward: Forward }>('lazy_pickle.json');

const model = () => new nn.Sequential(new nn.LazyConv1d(3, 2), new nn.Flatten(), new nn.LazyLinear(4), new nn.LazyBatchNorm1d());

function expectForward(m: torch.nn.Sequential, e: Forward): void {
  torch.manualSeed(1);
  const y = m.call(torch.tensor(fx.input)) as torch.Tensor;
  expectClose(y.tolist(), e.output, 1e-5, 1e-6);
  expect([...m.children()].map((c) => c.constructor.name)).toEqual(e.classes);
  const state = m.stateDict();
  expect([...state.keys()]).toEqual(Object.keys(e.state));
  for (const [k, v] of state) expectClose(v.tolist(), e.state[k], 1e-6, 1e-7, k);
  for (const c of m.children()) {
    expect(c._forwardPreHooks.size).toBe(0);
    expect(c._loadStateDictPreHooks.size).toBe(0);
  }
}

describe("Python's torch.save of an uncalled lazy model", () => {
  test('loads as lazy modules with placeholders', () => {
    const m = torch.load(pythonFile) as torch.nn.Sequential;
    const [conv, , linear, bn] = [...m.children()];
    expect(conv).toBeInstanceOf(nn.LazyConv1d);
    expect(linear).toBeInstanceOf(nn.LazyLinear);
    expect(bn).toBeInstanceOf(nn.LazyBatchNorm1d);
    for (const c of [conv!, linear!, bn!]) {
      for (const p of c.parameters()) {
        expect(p).toBeInstanceOf(nn.UninitializedParameter);
        expect(p.requiresGrad).toBe(true);
      }
    }
    expect((bn as torch.nn.LazyBatchNorm1d).running_mean).toBeInstanceOf(nn.UninitializedBuffer);
    expect((bn as torch.nn.LazyBatchNorm1d).num_batches_tracked!.item()).toBe(0);
    expect((linear as torch.nn.LazyLinear).hasUninitializedParams()).toBe(true);
  });

  test('materialises at its first call, with the numbers of the same call in Python', () => {
    expectForward(torch.load(pythonFile) as torch.nn.Sequential, fx.forward);
  });

  test('a getattr other than a lazy hook is refused', () => {
    expect(() => torch.load(path.join(path.dirname(pythonFile), 'other_getattr.pt'))).toThrow(/getattr is only loaded for a lazy module's hooks/);
  });
});

describe("Node's torch.save of an uncalled lazy model", () => {
  let tmp: string;
  let checked: { describe: Description; forward: Forward }[];
  let nodeFile: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-lazy-'));
    nodeFile = path.join(tmp, 'node_lazy.pt');
    const resaved = path.join(tmp, 'resaved.pt');
    const loadedState = path.join(tmp, 'loaded_state.pt');
    torch.save(model(), nodeFile);
    torch.save(torch.load(pythonFile), resaved);
    // Given a state dict but not called: initialized parameters, still lazy modules with their hooks.
    const m = model();
    m.loadStateDict(new Map(Object.entries(fx.forward.state).map(([k, v]) => [k, torch.tensor(v as number[])])));
    torch.save(m, loadedState);
    checked = JSON.parse(execFileSync(python, [script, '--check', nodeFile, resaved, loadedState], { encoding: 'utf8', cwd: root })) as typeof checked;
  }, 60000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('loads in Python as the modules, parameters, hooks and handles Python pickles', () => {
    expect(checked[0]!.describe).toEqual(fx.describe);
    expect(checked[1]!.describe).toEqual(fx.describe);
  });

  test('runs in Python as the same forward', () => {
    expect(checked[0]!.forward.classes).toEqual(fx.forward.classes);
    expect(checked[0]!.forward.hooks_left).toBe(0);
    expectClose(checked[0]!.forward.output, fx.forward.output, 1e-6);
    expectClose(checked[1]!.forward.output, fx.forward.output, 1e-6);
  });

  test('a lazy model given a state dict but not called loads in Python with its hooks and runs', () => {
    const [r] = checked.slice(2);
    expect(r!.describe.map((d) => d.cls)).toEqual(fx.describe.map((d) => d.cls));
    expect(r!.describe.map((d) => d.keys)).toEqual(fx.describe.map((d) => d.keys));
    expect(r!.describe.map((d) => d.initialize_hook)).toEqual(fx.describe.map((d) => d.initialize_hook));
    for (const d of r!.describe) for (const [, [cls]] of Object.entries(d.params as Record<string, [string]>)) expect(cls).toBe('Parameter');
    expect(r!.forward.classes).toEqual(fx.forward.classes);
    expectClose(r!.forward.output, fx.forward.output, 1e-6);
  });

  test('loads back here as a lazy model', () => {
    expectForward(torch.load(nodeFile) as torch.nn.Sequential, fx.forward);
  });

  test('a lazy model called once saves as the plain modules it became', () => {
    const m = model();
    torch.manualSeed(1);
    m.call(torch.tensor(fx.input));
    const f = path.join(tmp, 'called.pt');
    torch.save(m, f);
    const back = torch.load(f) as torch.nn.Sequential;
    expect([...back.children()].map((c) => c.constructor.name)).toEqual(fx.forward.classes);
    for (const [k, v] of back.stateDict()) expectClose(v.tolist(), fx.forward.state[k], 1e-6, 1e-7, k);
  });
});
