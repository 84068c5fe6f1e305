// Training checkpoints across Python and Node (scripts/fixtures/checkpoint_resume.py): a small
// CNN (conv, BatchNorm, dropout, linear) on a shuffled DataLoader with SGD (nesterov) + StepLR or
// Adam + OneCycleLR under bfloat16 autocast, and a CPU GradScaler. A checkpoint
// {epoch, model, optimizer, scheduler, scaler, rng (+ loader_rng)} that Python wrote resumes in Node
// to Python's losses and parameters; one that Node wrote resumes in Python to Node's own.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectClose } from './helpers';

const { nn } = torch;
const F = nn.functional;
type Dict = Map<string, unknown>;
type State = Map<string, torch.Tensor>;

// scripts/fixtures/checkpoint_resume.py's constants and variants
const N_EPOCHS = 2;
const K_EPOCHS = 2;
const BATCH = 16;
const STEPS_PER_EPOCH = 48 / BATCH;
const VARIANTS = {
  sgd_nesterov_steplr: { optimizer: 'sgd', autocast: false, loaderGenerator: false },
  adam_onecycle_bf16_generator: { optimizer: 'adam', autocast: true, loaderGenerator: true },
} as const;
type Variant = keyof typeof VARIANTS;

const root = path.join(__dirname, '..');
const DIR = path.join(__dirname, 'fixtures', 'generated', 'checkpoint_resume');
const expected = (variant: Variant): Dict => torch.load(path.join(DIR, `${variant}_expected.pth`)) as Dict;

const buildModel = (): torch.nn.Sequential =>
  new nn.Sequential(new nn.Conv2d(1, 6, 3), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(6 * 3 * 3, 10));

interface Run {
  model: torch.nn.Sequential;
  opt: torch.optim.Optimizer;
  sched: torch.optim.lrScheduler.LRScheduler;
  scaler: torch.amp.GradScaler;
  generator: torch.Generator | null;
  loader: torch.utils.data.DataLoader<torch.Tensor[]>;
}

function build(variant: Variant, want: Dict): Run {
  const v = VARIANTS[variant];
  const model = buildModel();
  let opt: torch.optim.Optimizer;
  let sched: torch.optim.lrScheduler.LRScheduler;
  if (v.optimizer === 'sgd') {
    opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
    sched = new torch.optim.lrScheduler.StepLR(opt, 2, { gamma: 0.7 });
  } else {
    opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
    sched = new torch.optim.lrScheduler.OneCycleLR(opt, 0.02, { totalSteps: (N_EPOCHS + K_EPOCHS) * STEPS_PER_EPOCH });
  }
  const scaler = new torch.amp.GradScaler('cpu', { initScale: 1024, growthInterval: 4 });
  const generator = v.loaderGenerator ? new torch.Generator().manualSeed(7) : null;
  const dataset = new torch.utils.data.TensorDataset(want.get('x') as torch.Tensor, want.get('y') as torch.Tensor);
  const loader = new torch.utils.data.DataLoader<torch.Tensor[]>(dataset, { batchSize: BATCH, shuffle: true, generator });
  return { model, opt, sched, scaler, generator, loader };
}

function train(variant: Variant, r: Run, epochs: number): number[] {
  const losses: number[] = [];
  r.model.train();
  for (let e = 0; e < epochs; e++) {
    for (const [x, y] of r.loader) {
      losses.push(
        torch.tidy(() => {
          r.opt.zeroGrad();
          const loss = torch.autocast('cpu', { dtype: torch.bfloat16, enabled: VARIANTS[variant].autocast }, () => F.crossEntropy(r.model.call(x!), y!));
          (r.scaler.scale(loss) as torch.Tensor).backward();
          r.scaler.step(r.opt);
          r.scaler.update();
          r.sched.step();
          return loss.item() as number;
        }),
      );
    }
  }
  return losses;
}

function checkpoint(r: Run): Dict {
  const c: Dict = new Map<string, unknown>([
    ['epoch', N_EPOCHS],
    ['model', r.model.stateDict()],
    ['optimizer', r.opt.stateDict()],
    ['scheduler', r.sched.stateDict()],
    ['scaler', r.scaler.stateDict()],
    ['rng', torch.getRngState()],
  ]);
  if (r.generator !== null) c.set('loader_rng', r.generator.getState());
  return c;
}

function restore(r: Run, c: Dict): void {
  r.model.loadStateDict(c.get('model') as State);
  r.opt.loadStateDict(c.get('optimizer') as Dict);
  r.sched.loadStateDict(c.get('scheduler') as Dict);
  r.scaler.loadStateDict(c.get('scaler') as Dict);
  torch.setRngState(c.get('rng') as torch.Tensor);
  if (r.generator !== null) r.generator.setState(c.get('loader_rng') as torch.Tensor);
}

/** Every parameter and buffer within 1e-5 (num_batches_tracked exactly). */
function expectSameState(actual: State, want: State, where: string): void {
  expect([...actual.keys()]).toEqual([...want.keys()]);
  for (const [k, w] of want) {
    const a = actual.get(k)!;
    expect(`${where} ${k}: ${String(a.dtype)} [${a.shape.join(', ')}]`).toBe(`${where} ${k}: ${String(w.dtype)} [${w.shape.join(', ')}]`);
    expectClose(a.flatten().tolist(), w.flatten().tolist(), 1e-5, 1e-5, `${where} ${k}`);
  }
}

/** An optimizer's or scheduler's state_dict: the same keys and values, tensors and floats within 1e-5. */
function expectSameTree(actual: unknown, want: unknown, where: string): void {
  const entries = (v: unknown): [string, unknown][] | null => {
    if (v instanceof Map) return [...v].map(([k, x]) => [String(k), x]);
    if (v !== null && typeof v === 'object' && !(v instanceof torch.Tensor) && !Array.isArray(v) && !(v instanceof torch.PyFloat)) return Object.entries(v);
    return null;
  };
  const plain = (v: unknown): unknown => (v instanceof torch.PyFloat ? v.value : v);
  if (want instanceof torch.Tensor) {
    expect(actual instanceof torch.Tensor ? `${where}: ${String(actual.dtype)} [${actual.shape.join(', ')}]` : actual).toBe(`${where}: ${String(want.dtype)} [${want.shape.join(', ')}]`);
    expectClose((actual as torch.Tensor).flatten().tolist(), want.flatten().tolist(), 1e-5, 1e-5, where);
    return;
  }
  if (Array.isArray(want)) {
    expect(Array.isArray(actual) ? `${where}: ${(actual as unknown[]).length} items` : actual).toBe(`${where}: ${want.length} items`);
    want.forEach((w, i) => expectSameTree((actual as unknown[])[i], w, `${where}[${i}]`));
    return;
  }
  const w = entries(want);
  if (w !== null) {
    const a = new Map(entries(actual) ?? []);
    expect(`${where}: ${[...a.keys()].sort().join(', ')}`).toBe(`${where}: ${w.map(([k]) => k).sort().join(', ')}`);
    for (const [k, x] of w) expectSameTree(a.get(k), x, `${where}.${k}`);
    return;
  }
  const [a, x] = [plain(actual), plain(want)];
  if (typeof x === 'number' && typeof a === 'number') expectClose(a, x, 1e-5, 1e-12, where);
  else expect({ where, value: a }).toEqual({ where, value: x });
}

const losses = (t: unknown): number[] => (t as torch.Tensor).tolist() as number[];
const variants = Object.keys(VARIANTS) as Variant[];

describe.each(variants)("Python's checkpoint, resumed in Node: %s", (variant) => {
  test("the next epochs' losses, the final model, optimizer and scheduler states and the scale are Python's", () => {
    const want = expected(variant);
    const c = torch.load(path.join(DIR, `${variant}.pth`)) as Dict;
    expect(c.get('epoch')).toBe(N_EPOCHS);
    const r = build(variant, want);
    restore(r, c);
    const ours = train(variant, r, K_EPOCHS);
    expect(ours.length).toBe(K_EPOCHS * STEPS_PER_EPOCH);
    expectClose(ours, losses(want.get('losses')), 1e-5, 1e-5, 'losses');
    expectSameState(r.model.stateDict() as State, want.get('final') as State, 'final');
    expect(r.scaler.getScale()).toBe(want.get('scale'));
    expectSameTree(r.opt.stateDict(), want.get('final_optimizer'), 'optimizer');
    expectSameTree(r.sched.stateDict(), want.get('final_scheduler'), 'scheduler');
  });
});

describe("Node's checkpoint, resumed in Python", () => {
  // Node trains from Python's initial model and RNG seed, saves its checkpoint and goes on; one
  // Python run then resumes every variant's checkpoint (torch.load with weights_only=True).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-resume-'));
  const runs = new Map<Variant, { before: number[]; atCheckpoint: State; after: number[]; final: State; optimizer: unknown; scheduler: unknown; scale: number }>();
  let python: Map<Variant, Dict>;
  beforeAll(() => {
    for (const variant of variants) {
      const r = build(variant, expected(variant));
      r.model.loadStateDict(expected(variant).get('init') as State);
      torch.manualSeed(1);
      const before = train(variant, r, N_EPOCHS);
      const c = checkpoint(r);
      torch.save(c, path.join(tmp, `${variant}.pth`));
      // state_dict tensors share the parameters' storage, which the next epochs update in place
      const atCheckpoint = new Map([...(c.get('model') as State)].map(([k, t]) => [k, t.clone()]));
      const after = train(variant, r, K_EPOCHS);
      runs.set(variant, { before, atCheckpoint, after, final: r.model.stateDict() as State, optimizer: r.opt.stateDict(), scheduler: r.sched.stateDict(), scale: r.scaler.getScale() });
    }
    execFileSync(path.join(root, '.venv', 'bin', 'python'), [path.join(root, 'scripts', 'fixtures', 'checkpoint_resume.py'), '--resume', tmp], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    python = new Map(variants.map((v) => [v, torch.load(path.join(tmp, `${v}_python.pth`)) as Dict]));
  }, 120000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each(variants)("%s: Node's first epochs from Python's initial model reach Python's checkpoint", (variant) => {
    const run = runs.get(variant)!;
    const want = expected(variant);
    expectClose(run.before, losses(want.get('losses_before')), 1e-5, 1e-5, 'losses before the checkpoint');
    const pyCheckpoint = torch.load(path.join(DIR, `${variant}.pth`)) as Dict;
    expectSameState(run.atCheckpoint, pyCheckpoint.get('model') as State, 'checkpoint');
  });

  test.each(variants)("%s: Python's resumed losses, final model, optimizer, scheduler and scale are Node's own continuation", (variant) => {
    const run = runs.get(variant)!;
    const py = python.get(variant)!;
    expect(py.get('epoch')).toBe(N_EPOCHS);
    expectClose(losses(py.get('losses')), run.after, 1e-5, 1e-5, 'losses');
    expectSameState(py.get('final') as State, run.final, 'final');
    expect(py.get('scale')).toBe(run.scale);
    expectSameTree(run.optimizer, py.get('final_optimizer'), 'optimizer');
    expectSameTree(run.scheduler, py.get('final_scheduler'), 'scheduler');
  });
});
