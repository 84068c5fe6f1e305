// torch.optim against PyTorch beyond the OptimizerInfo replay (scripts/fixtures/optim.py):
// checkpoints that cross between Python and Node and resume to the same steps, hook order,
// load_state_dict's errors, named parameters, scheduler keys, repr, ownership under tidy.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Tensor } from '../lib';
import { expectError, fixture } from './helpers';
import { diff, lossOf, optionsOf, type Dict } from './optim/replay';

const DIR = path.join(__dirname, 'fixtures', 'generated', 'optim');
const ROOT = path.join(__dirname, '..');
const TOL = 1e-5;
type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => torch.optim.Optimizer;
const classes = torch.optim as unknown as Record<string, OptimizerClass>;

const index = JSON.parse(fs.readFileSync(path.join(DIR, 'checkpoints', 'index.json'), 'utf8')) as { mid: number; cases: { key: string; file: string }[] };
const cases = index.cases.map(({ file }) => torch.load(path.join(DIR, 'checkpoints', file)) as Dict);

/** The fixture's parameters and a fresh optimizer over them, in the fixture's groups. */
function setup(c: Dict, params: Dict): { p: Record<string, Tensor>; opt: torch.optim.Optimizer } {
  const groups = c.get('groups') as string[][];
  const optimized = new Set(groups.flat());
  const p: Record<string, Tensor> = {};
  for (const [k, v] of params) p[k as string] = (v as Tensor).detach().clone().requiresGrad_(optimized.has(k as string));
  const opt = new classes[c.get('optimizer') as string]!(groups.map((g) => ({ params: g.map((k) => p[k]) })), optionsOf(c.get('kwargs')));
  return { p, opt };
}

function train(c: Dict, p: Record<string, Tensor>, opt: torch.optim.Optimizer, batches: Tensor[][]): void {
  const kind = c.get('kind') as string;
  for (const [x, t] of batches as [Tensor, Tensor][]) {
    const closure = (): Tensor => {
      opt.zeroGrad();
      const loss = lossOf(kind, p, x, t);
      loss.backward();
      return loss;
    };
    if (c.get('optimizer') === 'LBFGS') opt.step(closure);
    else {
      closure();
      opt.step();
    }
  }
}

function compare(p: Record<string, Tensor>, opt: torch.optim.Optimizer | null, sd: unknown, expected: Dict): string[] {
  const problems: string[] = [];
  for (const [k, v] of expected.get('params') as Dict) problems.push(...diff(p[k as string], v, TOL, `param ${String(k)}`));
  problems.push(...diff(opt !== null ? opt.stateDict() : sd, expected.get('state_dict'), TOL, 'state_dict'));
  return problems;
}

const batchesOf = (c: Dict): Tensor[][] => c.get('batches') as Tensor[][];

describe('checkpoints across Python and Node', () => {
  test.each(cases.map((c) => [c.get('key') as string, c] as const))("%s: Python's state_dict resumes in Node", (_key, c) => {
    const mid = c.get('mid') as Dict;
    const { p, opt } = setup(c, mid.get('params') as Dict);
    opt.loadStateDict(mid.get('state_dict') as Map<string, unknown>);
    train(c, p, opt, batchesOf(c).slice(index.mid));
    expect(compare(p, opt, null, c.get('final') as Dict)).toEqual([]);
  });

  test("Node's state_dicts resume in Python, reaching PyTorch's own run", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'optim-ck-'));
    try {
      const saved = new Map<string, unknown>();
      const runs = cases.map((c, i) => {
        const { p, opt } = setup(c, c.get('init') as Dict);
        train(c, p, opt, batchesOf(c).slice(0, index.mid));
        // What Python saves: the parameters and the optimizer's state_dict at the checkpoint.
        saved.set(String(i), new Map<string, unknown>([['params', new Map(Object.entries(p).map(([k, v]) => [k, v.detach()]))], ['state_dict', opt.stateDict()]]));
        return { p, opt };
      });
      const src = path.join(tmp, 'node.pt');
      const dst = path.join(tmp, 'python.pt');
      torch.save(saved, src);
      execFileSync(path.join(ROOT, '.venv', 'bin', 'python'), [path.join(ROOT, 'scripts', 'fixtures', 'optim.py'), '--resume', src, dst], { stdio: 'pipe' });
      const resumed = torch.load(dst) as Dict;
      cases.forEach((c, i) => {
        const r = resumed.get(String(i)) as Dict;
        const pythonParams: Record<string, Tensor> = {};
        for (const [k, v] of r.get('params') as Dict) pythonParams[k as string] = v as Tensor;
        expect([c.get('key'), ...compare(pythonParams, null, r.get('state_dict'), c.get('final') as Dict)]).toEqual([c.get('key')]);
        // And the Node run that wrote the checkpoint continues to the same place.
        const { p, opt } = runs[i]!;
        train(c, p, opt, batchesOf(c).slice(index.mid));
        expect([c.get('key'), ...compare(p, opt, null, c.get('final') as Dict)]).toEqual([c.get('key')]);
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('Optimizer', () => {
  const hooks = fixture<{
    calls: string[];
    load_errors: { name: string; message: string }[];
    capturable_errors: { optimizer: string; foreach: boolean; message: string }[];
    fused_errors: { optimizer: string; message: string }[];
  }>('optim/hooks.json');
  const misc = torch.load(path.join(DIR, 'misc.pt')) as Dict;

  test("step and state-dict hooks run in PyTorch's order, and handles remove them", () => {
    const calls: string[] = [];
    const w = torch.zeros(2).requiresGrad_();
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    const handles = [
      torch.optim.registerOptimizerStepPreHook(() => void calls.push('global_pre')),
      torch.optim.registerOptimizerStepPostHook(() => void calls.push('global_post')),
      opt.registerStepPreHook(() => void calls.push('pre')),
      opt.registerStepPostHook(() => void calls.push('post')),
      opt.registerStateDictPreHook(() => void calls.push('sd_pre')),
      opt.registerStateDictPreHook(() => void calls.push('sd_pre_first'), { prepend: true }),
      opt.registerStateDictPostHook(() => void calls.push('sd_post')),
      opt.registerLoadStateDictPreHook(() => void calls.push('load_pre')),
      opt.registerLoadStateDictPostHook(() => void calls.push('load_post')),
    ];
    w.grad = torch.ones(2);
    opt.step();
    opt.loadStateDict(opt.stateDict());
    handles[2]!.remove();
    opt.step();
    for (const h of handles) h.remove();
    opt.step();
    expect(calls).toEqual(hooks.calls);
  });

  test('a step pre-hook may replace the arguments; anything but null or [args, kwargs] is refused', () => {
    const w = torch.zeros(1).requiresGrad_();
    const opt = new torch.optim.SGD([w], { lr: 1 });
    w.grad = torch.ones(1);
    const h = opt.registerStepPreHook(() => [[() => 7], {}]);
    expect(opt.step()).toBe(7);
    h.remove();
    opt.registerStepPreHook(() => 'nope' as never);
    expectError(() => opt.step(), 'must return None or a tuple of (new_args, new_kwargs)');
  });

  test("loadStateDict refuses mismatched state dicts with PyTorch's messages", () => {
    const a = torch.zeros(2).requiresGrad_();
    const b = torch.zeros(3).requiresGrad_();
    const pairs = {
      groups: [new torch.optim.SGD([a], { lr: 0.1 }), new torch.optim.SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 })],
      'group size': [new torch.optim.SGD([a], { lr: 0.1 }), new torch.optim.SGD([a, b], { lr: 0.1 })],
    } as const;
    for (const e of hooks.load_errors) {
      const [target, source] = pairs[e.name as keyof typeof pairs];
      expectError(() => target.loadStateDict(source.stateDict()), e.message, 'RangeError');
    }
  });

  test("capturable=True on the CPU fails each optimizer's device check with PyTorch's message", () => {
    for (const e of hooks.capturable_errors) {
      const w = torch.zeros(2).requiresGrad_();
      const opt = new classes[e.optimizer]!([w], { capturable: true, foreach: e.foreach });
      w.grad = torch.ones(2);
      expectError(() => opt.step(), e.message);
    }
  });

  test("fused=True with an integer parameter fails the fused device check with PyTorch's message", () => {
    for (const e of hooks.fused_errors) {
      const w = torch.zeros([2], { dtype: torch.int64 });
      w.grad = torch.zeros([2], { dtype: torch.int64 });
      expectError(() => new classes[e.optimizer]!([w], { lr: 0.1, fused: true }).step(), e.message);
    }
  });

  test("named parameters give PyTorch's param_names and state_dict", () => {
    const init = misc.get('init') as Dict;
    const w = (init.get('weight') as Tensor).clone().requiresGrad_();
    const b = (init.get('bias') as Tensor).clone().requiresGrad_();
    const opt = new torch.optim.Adam([['weight', w], ['bias', b]], { lr: 0.01 });
    expect(opt.paramGroups[0]!.paramNames).toEqual(['weight', 'bias']);
    w.sum().add(b.pow(2).sum()).backward();
    opt.step();
    expect(diff(opt.stateDict(), misc.get('named'), TOL)).toEqual([]);
    expectError(() => new torch.optim.Adam([['weight', w], b] as never), 'all optimizer params should be with/without names', 'RangeError');
  });

  test("a scheduler's initial_lr loads as initialLr and saves back as initial_lr", () => {
    const init = misc.get('init') as Dict;
    const opt = new torch.optim.SGD([(init.get('weight') as Tensor).clone().requiresGrad_()], { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict(misc.get('scheduled') as Map<string, unknown>);
    expect(opt.paramGroups[0]!.initialLr).toBe(0.1);
    expect(diff(opt.stateDict(), misc.get('scheduled'), 0)).toEqual([]);
  });

  test("repr is PyTorch's (groups, tensor lr, tuples)", () => {
    const init = misc.get('init') as Dict;
    const pw = (init.get('weight') as Tensor).clone().requiresGrad_();
    const pb = (init.get('bias') as Tensor).clone().requiresGrad_();
    const opt = new torch.optim.Adam([{ params: [pw] }, { params: [pb], lr: 0.1, betas: [0.5, 0.6] }], { lr: torch.tensor(0.01) });
    expect(String(opt)).toBe(misc.get('repr'));
  });

  test('state belongs to the optimizer: a tidy around each step frees none of it; dispose() does', () => {
    const w = torch.randn(4, 3).requiresGrad_();
    const opt = new torch.optim.Adam([w], { lr: 0.01, amsgrad: true });
    for (let i = 0; i < 3; i++) {
      torch.tidy(() => {
        opt.zeroGrad();
        w.pow(2).sum().backward();
        opt.step();
      });
    }
    const state = opt.state.get(w)!;
    const tensors = [state.step, state.expAvg, state.expAvgSq, state.maxExpAvgSq] as Tensor[];
    expect(tensors.map((t) => t.isDisposed)).toEqual([false, false, false, false]);
    expect(Number(state.step.item())).toBe(3);
    opt.dispose();
    expect(tensors.map((t) => t.isDisposed)).toEqual([true, true, true, true]);
    expect(opt.state.size).toBe(0);
  });

  test.each((misc.get('differentiable') as Dict[]).map((d) => [`${String(d.get('optimizer'))} ${String(d.get('steps'))} step(s)`, d] as const))(
    'differentiable=True: %s are recorded by autograd as in PyTorch',
    (_name, d) => {
      const [w, g1, g2, c] = d.get('inputs') as Tensor[];
      const leaves = [w!, g1!, g2!].map((t) => t.clone().requiresGrad_());
      const p = leaves[0]!.clone();
      const opt = new classes[d.get('optimizer') as string]!([p], { ...optionsOf(d.get('kwargs')), differentiable: true });
      const run = (): void => {
        for (const g of leaves.slice(1, 1 + (d.get('steps') as number))) {
          p.grad = g;
          opt.step();
        }
        p.mul(c!).sum().backward();
      };
      if (d.has('error')) {
        expectError(run, d.get('error') as string);
        return;
      }
      run();
      const problems = diff(p.detach(), d.get('param'), TOL, 'param');
      problems.push(...diff(leaves.map((l) => l.grad), d.get('grads'), TOL, 'grads'));
      expect(problems).toEqual([]);
    },
  );

  test.each((misc.get('complex') as Dict[]).map((d) => [`${String(d.get('optimizer'))} (foreach ${String(optionsOf(d.get('kwargs')).foreach)})`, d] as const))(
    'complex parameters: %s steps as PyTorch',
    (_name, d) => {
      const p = (d.get('init') as Tensor).clone().requiresGrad_();
      const opt = new classes[d.get('optimizer') as string]!([p], optionsOf(d.get('kwargs')));
      for (const g of d.get('grads') as Tensor[]) {
        p.grad = g.clone();
        opt.step();
      }
      expect([...diff(p.detach(), d.get('param'), TOL, 'param'), ...diff(opt.stateDict(), d.get('state_dict'), TOL, 'state_dict')]).toEqual([]);
    },
  );

  test.each((misc.get('mixed') as Dict[]).map((d) => [String(d.get('optimizer')), d] as const))(
    'foreach over float32 and float64 parameters: %s splits the lists by dtype as PyTorch',
    (_name, d) => {
      const ps = (d.get('init') as Tensor[]).map((t) => t.clone().requiresGrad_());
      const opt = new classes[d.get('optimizer') as string]!(ps, optionsOf(d.get('kwargs')));
      for (const grads of d.get('grads') as Tensor[][]) {
        ps.forEach((p, i) => (p.grad = grads[i]!.clone()));
        opt.step();
      }
      expect([...diff(ps.map((p) => p.detach()), d.get('params'), TOL, 'params'), ...diff(opt.stateDict(), d.get('state_dict'), TOL, 'state_dict')]).toEqual([]);
    },
  );

  test('zeroGrad sets gradients to null by default, or zeroes them in place', () => {
    const w = torch.ones(3).requiresGrad_();
    const opt = new torch.optim.SGD([w], { lr: 0.1, foreach: true });
    w.sum().backward();
    const g = w.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(w.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
    expectError(() => opt.zeroGrad({ setToNon: true } as never), "zero_grad() got an unexpected keyword argument 'setToNon'");
  });

  test('params must be an iterable of tensors or groups; addParamGroup fills in the defaults', () => {
    const a = torch.zeros(2).requiresGrad_();
    const b = torch.zeros(2).requiresGrad_();
    expectError(() => new torch.optim.SGD(a as never), 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor', 'TypeError');
    expectError(() => new torch.optim.SGD([]), 'optimizer got an empty parameter list', 'RangeError');
    expectError(() => new torch.optim.SGD([a.mul(2)]), "can't optimize a non-leaf Tensor", 'RangeError');
    expectError(() => new torch.optim.SGD([a], { lr: 0.1, momentom: 0.9 } as never), "SGD.__init__() got an unexpected keyword argument 'momentom'", 'TypeError');
    const opt = new torch.optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: b, lr: 0.01 });
    expect(opt.paramGroups[1]).toMatchObject({ params: [b], lr: 0.01, momentum: 0.9, nesterov: false, foreach: null });
    expectError(() => opt.addParamGroup({ params: [a] }), 'some parameters appear in more than one parameter group', 'RangeError');
  });
});

describe('step({ closure })', () => {
  const keyword = (torch.load(path.join(DIR, 'misc.pt')) as Dict).get('keyword') as Dict;

  test.each((keyword.get('cases') as Dict[]).map((d) => [String(d.get('optimizer')), d] as const))(
    "%s: the keyword form runs the closure, returns its loss and shows it to the hooks as PyTorch's kwargs",
    (_name, d) => {
      const p = (d.get('init') as Tensor).clone().requiresGrad_();
      const c = (d.get('c') as Tensor).abs();
      const opt = new classes[d.get('optimizer') as string]!([p], { lr: 0.1 });
      const seen: string[][] = [];
      opt.registerStepPostHook((_o, _args, kwargs) => void seen.push(Object.keys(kwargs).sort()));
      const closure = (): Tensor => {
        opt.zeroGrad();
        const loss = p.mul(p).mul(c).sum().add(p.sum());
        loss.backward();
        return loss;
      };
      const losses = [0, 1].map(() => Number((opt.step({ closure }) as Tensor).item()));
      expect(losses.map((l, i) => Math.abs(l - (d.get('losses') as number[])[i]!) <= TOL * Math.max(1, Math.abs(l)))).toEqual([true, true]);
      expect(diff(p.detach(), d.get('param'), TOL, 'param')).toEqual([]);
      expect(seen).toEqual(d.get('kwargs_seen'));
    },
  );

  test('a pre-hook may supply the closure as a keyword; an unknown keyword is refused', () => {
    const hooked = keyword.get('hooked') as Dict;
    const p = ((keyword.get('cases') as Dict[])[0]!.get('init') as Tensor).clone().requiresGrad_();
    const opt = new torch.optim.SGD([p], { lr: 0.1 });
    const h = opt.registerStepPreHook((_o, args) => [args, { closure: () => (p.mul(p).sum().backward(), torch.tensor(3.0)) }]);
    expect(Number((opt.step() as Tensor).item())).toBe(hooked.get('result'));
    expect(diff(p.detach(), hooked.get('param'), TOL, 'param')).toEqual([]);
    h.remove();
    expectError(() => opt.step({ closur: () => 0 } as never), "SGD.step() got an unexpected keyword argument 'closur'", 'TypeError');
    expectError(() => (new torch.optim.LBFGS([p]).step as () => unknown)(), "LBFGS.step() missing 1 required positional argument: 'closure'", 'TypeError');
  });
});
