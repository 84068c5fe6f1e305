// torch.autocast and torch.amp against PyTorch (scripts/fixtures/amp.py): a small model's outputs
// and gradients under CPU autocast, ops from libtorch's casting lists in bfloat16 and float16,
// nesting and the state functions, PyTorch's warnings and errors.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectError, fixture, liveTensorsAfterGc, recordWarnings } from './helpers';

const { nn } = torch;
const F = torch.nn.functional;
type Dict = Map<string, torch.Tensor>;
const saved = torch.load(path.join(__dirname, 'fixtures', 'generated', 'amp_autocast.pth')) as Map<string, torch.Tensor & Dict>;
const json = fixture<{ autocast: Record<string, any> }>('amp.json').autocast; // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (k: string) => saved.get(k) as torch.Tensor;
const expected = saved.get('tensors') as Dict;

function expectSame(actual: torch.Tensor, want: torch.Tensor, where: string): void {
  expect(`${where}: ${String(actual.dtype)}`).toBe(`${where}: ${String(want.dtype)}`);
  expect([...actual.shape]).toEqual([...want.shape]);
  expect(actual.float().tolist()).toEqual(want.float().tolist());
}

function ops(): Record<string, torch.Tensor> {
  const [a, b, c] = [T('a'), T('b'), T('c')];
  const mm = torch.mm(a, b);
  return {
    mm,
    matmul: a.matmul(b),
    addmm: torch.addmm(c, a, b),
    add: mm.add(c),
    cat: torch.cat([mm, c]),
    softmax: torch.softmax(mm, 1),
    mse_loss: F.mseLoss(mm, c),
    cdist: torch.cdist(a, a),
    relu: torch.relu(mm),
  };
}

function makeModel(): torch.nn.Sequential {
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 8), new nn.LayerNorm(8), new nn.Linear(8, 3));
  model.loadStateDict(saved.get('state_dict') as Dict);
  return model;
}

describe('CPU autocast (bfloat16) matches PyTorch', () => {
  test("a small model's output, loss and gradients: dtypes and values", () => {
    const model = makeModel();
    const loss = torch.autocast('cpu', { dtype: torch.bfloat16 }, () => {
      const y = model.forward(T('x'));
      expectSame(y, expected.get('output')!, 'output');
      return F.crossEntropy(y, T('target'));
    });
    expectSame(loss, expected.get('loss')!, 'loss');
    loss.backward();
    const grads = saved.get('grads') as Dict;
    for (const [name, p] of model.namedParameters()) {
      expect(`${name}: ${String(p.grad!.dtype)}`).toBe(`${name}: ${json.grad_dtypes[name]}`);
      expectSame(p.grad!, grads.get(name)!, name);
    }
  });

  test('ops of the lower-precision, float32 and promote lists, in bfloat16 and float16', () => {
    for (const [prefix, dtype] of [['bf16_', torch.bfloat16], ['fp16_', torch.float16]] as const) {
      const ours = torch.autocast('cpu', { dtype }, ops);
      for (const [k, v] of Object.entries(ours)) {
        expect(`${prefix}${k}: ${String(v.dtype)}`).toBe(`${prefix}${k}: ${json.dtypes[prefix + k]}`);
        expectSame(v, expected.get(prefix + k)!, prefix + k);
      }
    }
  });

  test('state inside, nested enabled: false, and restored after (also after a throw)', () => {
    expect([torch.isAutocastEnabled('cpu'), String(torch.getAutocastDtype('cpu')), String(torch.getAutocastDtype('cuda'))]).toEqual(json.outside);
    torch.autocast('cpu', { dtype: torch.bfloat16 }, () => {
      expect([torch.isAutocastEnabled('cpu'), String(torch.getAutocastDtype('cpu'))]).toEqual(json.inside);
      torch.autocast('cpu', { enabled: false }, () => {
        expect(torch.isAutocastEnabled('cpu')).toBe(json.nested_off);
        expectSame(torch.mm(T('a'), T('b')), expected.get('disabled_mm')!, 'disabled_mm');
      });
      expect(torch.isAutocastEnabled('cpu')).toBe(json.after_nested);
    });
    expect(() => torch.autocast('cpu', () => {
      throw new Error('inside');
    })).toThrow('inside');
    expect([torch.isAutocastEnabled('cpu'), String(torch.getAutocastDtype('cpu'))]).toEqual(json.outside.slice(0, 2));
    expect(torch.autocast('cpu', { cacheEnabled: false }, () => torch.isAutocastCacheEnabled())).toBe(json.cache_inside);
    expect(torch.isAutocastCacheEnabled()).toBe(json.cache_outside);
    // torch.amp.autocast is the same scope; the return value is fn's.
    expect(torch.amp.autocast('cpu', () => torch.mm(T('a'), T('b')).dtype)).toBe(torch.bfloat16);
    expect(torch.amp.isAutocastAvailable('cpu')).toBe(true);
  });

  test("an unsupported dtype warns and disables autocast, as PyTorch's", () => {
    let enabled: boolean | undefined;
    let dtype: string | undefined;
    const warnings = recordWarnings(() => torch.autocast('cpu', { dtype: torch.float64 }, () => {
      enabled = torch.isAutocastEnabled('cpu');
      dtype = String(torch.mm(T('a'), T('b')).dtype);
    }));
    expect(enabled).toBe(json.float64_enabled);
    expect(dtype).toBe(json.float64_mm);
    expect(warnings).toEqual(json.float64_warning.map((m: string) => [m, 'UserWarning']));
  });

  test('CUDA autocast where there is no CUDA: warns and stays off, as PyTorch', () => {
    if (torch.cuda.isAvailable()) return; // the fixture records this only without CUDA
    let enabled: boolean | undefined;
    const warnings = recordWarnings(() => torch.autocast('cuda', () => (enabled = torch.isAutocastEnabled('cuda'))));
    expect(enabled).toBe(json.cuda_enabled);
    expect(warnings).toEqual(json.cuda_warning.map((m: string) => [m, 'UserWarning']));
  });

  test('bad arguments', () => {
    expectError(() => torch.autocast(3 as unknown as string, () => 1), json.device_type_error, 'RangeError');
    expectError(() => torch.autocast('cpu', { dtyp: torch.bfloat16 } as never, () => 1), "autocast() got an unexpected keyword argument 'dtyp'");
    expectError(() => torch.autocast('cpu', async () => 1), 'fn must be synchronous');
  });
});

describe('torch.amp.GradScaler with torch.optim.SGD matches PyTorch', () => {
  const runs = torch.load(path.join(__dirname, 'fixtures', 'generated', 'amp_scaler.pth')) as Map<string, Dict>;
  const flags = fixture<{ scaler: Record<string, any> }>('amp.json').scaler; // eslint-disable-line @typescript-eslint/no-explicit-any

  // The twin of amp.py's train(): step 2 gets an inf gradient (skipped, scale backs off), step 4 unscales explicitly.
  function train(fused: boolean, run: Dict): { record: Record<string, unknown[]>; scaler: torch.amp.GradScaler; params: torch.Tensor[]; unscaled: torch.Tensor | null } {
    torch.manualSeed(1);
    const net = new nn.Linear(4, 3);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9, fused });
    const scaler = new torch.amp.GradScaler('cpu', { initScale: 2 ** 10, growthInterval: 2 });
    const [xs, ys] = [run.get('xs')!, run.get('ys')!];
    const record: Record<string, unknown[]> = { scale: [], tracker: [], loss: [] };
    const params: torch.Tensor[] = [];
    let unscaled: torch.Tensor | null = null;
    for (let i = 0; i < xs.shape[0]!; i++) {
      opt.zeroGrad();
      const out = torch.autocast('cpu', { dtype: torch.bfloat16 }, () => net.forward(xs.get(i)));
      const loss = F.mseLoss(out.float(), ys.get(i));
      scaler.scale(loss).backward();
      if (i === 2) net.weight.grad!.set([0, 0], Infinity);
      if (i === 4) {
        scaler.unscale_(opt);
        unscaled = net.weight.grad!.clone();
      }
      scaler.step(opt);
      scaler.update();
      record.loss!.push(loss);
      record.scale!.push(scaler.getScale());
      record.tracker!.push(scaler._getGrowthTracker());
      params.push(torch.cat([...net.parameters()].map((p) => p.detach().flatten())));
    }
    return { record, scaler, params, unscaled };
  }

  for (const fused of [false, true]) {
    test(`scale, unscale_, step (skipped on inf), update: scales, parameters and losses${fused ? ' (fused SGD: grad_scale/found_inf handed to the step)' : ''}`, () => {
      const name = fused ? 'fused' : 'plain';
      const run = runs.get(name)!;
      const { record, params, unscaled } = train(fused, run);
      expect(record.scale).toEqual(flags[name].scale);
      expect(record.tracker).toEqual(flags[name].tracker);
      expectSame(torch.stack(record.loss as torch.Tensor[]), run.get('loss')!, 'loss');
      expectSame(torch.stack(params), run.get('params')!, 'params');
      expectSame(unscaled!, run.get('unscaled_grad')!, 'unscaled_grad');
    });
  }

  test("stateDict in PyTorch's format, both ways through torch.save / torch.load", () => {
    const { scaler } = train(false, runs.get('plain')!);
    const sd = scaler.stateDict() as Record<string, unknown>;
    expect(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, Number(v)]))).toEqual(flags.state_dict);
    // What Python saved loads into a new scaler.
    const fromPython = torch.load(path.join(__dirname, 'fixtures', 'generated', 'amp_scaler_state.pth')) as Map<string, unknown>;
    const loaded = new torch.amp.GradScaler('cpu');
    loaded.loadStateDict(fromPython);
    expect(loaded.getScale()).toBe(flags.state_dict.scale);
    expect(loaded.getGrowthInterval()).toBe(flags.state_dict.growth_interval);
    expect(loaded._getGrowthTracker()).toBe(flags.state_dict._growth_tracker);
    // What Node saves, Python reads as the state_dict it would have written: floats stay floats.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-amp-'));
    try {
      const file = path.join(dir, 'scaler.pth');
      torch.save(sd, file);
      const code = 'import json, sys, torch\nprint(json.dumps({k: [type(v).__name__, v] for k, v in torch.load(sys.argv[1]).items()}))';
      const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
      const theirs = JSON.parse(execFileSync(python, ['-c', code, file], { encoding: 'utf8' }));
      expect(theirs).toEqual(Object.fromEntries(Object.entries(flags.state_dict).map(([k, v]) => [k, [flags.state_dict_types[k], v]])));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('steps and updates in separate tidy scopes: the scaler keeps what it needs, nothing leaks', async () => {
    torch.manualSeed(2);
    const net = new nn.Linear(4, 3);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const scaler = new torch.amp.GradScaler('cpu');
    const [x, y] = [torch.randn(5, 4), torch.randn(5, 3)];
    const step = () => torch.tidy(() => {
      // opt.zeroGrad() would leave the old gradients to the GC, which this count would see.
      for (const p of net.parameters()) {
        const g = p.grad;
        p.grad = null;
        g?.dispose();
      }
      const loss = torch.autocast('cpu', () => F.mseLoss(net.forward(x).float(), y));
      scaler.scale(loss).backward();
      scaler.step(opt);
    });
    const update = () => torch.tidy(() => scaler.update());
    step();
    update();
    const live = await liveTensorsAfterGc();
    for (let i = 0; i < 20; i++) {
      step();
      update();
    }
    expect(await liveTensorsAfterGc()).toBe(live);
    expect(scaler.getScale()).toBe(flags.defaults.state_dict.scale); // finite steps, growth interval not reached
  });

  test("sparse gradients (Embedding(sparse=True)): their values are unscaled and checked, as PyTorch's", () => {
    const run = runs.get('sparse')!;
    const emb = new nn.Embedding(10, 3, { sparse: true });
    emb.weight.detach().copy_(run.get('init')!);
    const opt = new torch.optim.SGD(emb.parameters(), { lr: 0.1 });
    const scaler = new torch.amp.GradScaler('cpu', { initScale: 2 ** 8, growthInterval: 2 });
    const scales = (run.get('idx')!.unbind(0)).map((ix, i) => {
      opt.zeroGrad();
      const loss = emb.forward(ix).pow(2).sum().mul(i === 1 ? Infinity : 1.0);
      scaler.scale(loss).backward();
      scaler.step(opt);
      scaler.update();
      return scaler.getScale();
    });
    expect(scales).toEqual(flags.sparse_scales);
    expect(emb.weight.detach().sub(run.get('weight')!).abs().max().item()).toBeLessThanOrEqual(1e-6);
  });

  test("defaults, disabled scalers, nested outputs and PyTorch's errors", () => {
    const d = new torch.amp.GradScaler('cpu');
    expect(Object.fromEntries(Object.entries(d.stateDict()).map(([k, v]) => [k, Number(v)]))).toEqual(flags.defaults.state_dict);
    expect([d.getGrowthFactor(), d.getBackoffFactor(), d.getGrowthInterval()]).toEqual([flags.defaults.growth_factor, flags.defaults.backoff_factor, flags.defaults.growth_interval]);
    const s = new torch.amp.GradScaler('cpu');
    s.scale(torch.ones([]));
    s.update(4.0);
    const first = s.getScale();
    s.update(torch.tensor(8.0));
    const second = s.getScale();
    s.update({ newScale: 16.0 });
    expect([first, second, s.getScale()]).toEqual(flags.new_scales);
    expectError(() => s.update({ newscale: 2 } as never), "GradScaler.update() got an unexpected keyword argument 'newscale'", 'TypeError');
    const scaled = d.scale([torch.ones(2), [torch.full([1], 3.0)]]) as [torch.Tensor, torch.Tensor[]];
    expect([scaled[0].tolist(), scaled[1].map((t) => t.tolist())]).toEqual(flags.scaled_nested);
    if (!torch.cuda.isAvailable()) {
      let disabled: torch.amp.GradScaler | undefined;
      const warnings = recordWarnings(() => (disabled = new torch.amp.GradScaler()));
      expect(warnings).toEqual(flags.default_device.warnings.map((m: string) => [m, 'UserWarning']));
      expect([disabled!.isEnabled(), disabled!.getScale(), disabled!.stateDict()]).toEqual([flags.default_device.enabled, flags.default_device.scale, flags.default_device.state_dict]);
    }
    const twice = (first: (s: torch.amp.GradScaler, o: torch.optim.SGD) => unknown, second: (s: torch.amp.GradScaler, o: torch.optim.SGD) => unknown) => () => {
      const net = new nn.Linear(2, 1);
      const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
      const s = new torch.amp.GradScaler('cpu');
      s.scale(net.forward(torch.ones(1, 2)).sum()).backward();
      first(s, opt);
      second(s, opt);
    };
    const PY: Record<string, string> = { RuntimeError: 'Error', AssertionError: 'Error', ValueError: 'RangeError' };
    const cases: Record<string, () => unknown> = {
      unscale_twice: twice((s, o) => s.unscale_(o), (s, o) => s.unscale_(o)),
      unscale_after_step: twice((s, o) => s.step(o), (s, o) => s.unscale_(o)),
      step_twice: twice((s, o) => s.step(o), (s, o) => s.step(o)),
      update_before_scale: () => new torch.amp.GradScaler('cpu').update(),
      growth_factor: () => new torch.amp.GradScaler('cpu', { growthFactor: 1.0 }),
      backoff_factor: () => new torch.amp.GradScaler('cpu', { backoffFactor: 1.0 }),
      fp16_grads: () => {
        const p = torch.zeros(2, { dtype: torch.float16, requiresGrad: true });
        p.grad = torch.ones(2, { dtype: torch.float16 });
        const s = new torch.amp.GradScaler('cpu');
        s.scale(torch.ones([]));
        s.unscale_(new torch.optim.SGD([p], { lr: 0.1 }));
      },
      empty_state_dict: () => new torch.amp.GradScaler('cpu').loadStateDict(new Map()),
    };
    for (const [name, [type, message]] of Object.entries(flags.errors as Record<string, [string, string]>)) {
      expectError(cases[name]!, message, PY[type]);
    }
  });
});
