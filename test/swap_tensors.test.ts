// torch.utils.swapTensors and torch.future's flags in Module._apply, against
// scripts/fixtures/swap_tensors.py.
import * as torch from '../lib';
import { fixture, expectClose } from './helpers';

type Described = { cls: string; dtype: string; values: unknown; requires_grad: boolean; grad: unknown; foo: string | null };
type Failure = { type: string; message: string } | null;
type Conversion = {
  same_param: boolean;
  same_grad: boolean;
  old: Described;
  weight: Described;
  bias: Described;
  flags: [boolean, boolean];
  after_step: Described;
  stale_backward: Failure;
};
const fx = fixture<{
  basic: { t1: Described; t2: Described; holder_sees_t1: boolean };
  same: number[];
  missing: Failure;
  default: Conversion;
  swap: Conversion;
  overwrite: Conversion;
  bn: { same_buffer: boolean; dtype: string; nbt: string };
  buffer: { t_is_buffer: boolean; t_persistent: boolean; b_is_buffer: boolean; b_has_persistent: boolean; b: number[] };
  lazy: { cls: string; same: boolean; dtype: string; shape: number[]; forward: Failure };
}>('swap_tensors.json');

function expectDescribed(t: torch.Tensor, e: Described, rtol = 1e-6): void {
  expect(t.constructor.name).toBe(e.cls);
  expect(t instanceof torch.nn.Parameter).toBe(e.cls === 'Parameter');
  expect(t.dtype.toString()).toBe(`torch.${e.dtype}`);
  expectClose(t.tolist(), e.values, rtol);
  expect(t.requiresGrad).toBe(e.requires_grad);
  if (e.grad === null) expect(t.grad).toBeNull();
  else expectClose(t.grad!.tolist(), e.grad, rtol);
  expect((t as unknown as { foo?: string }).foo ?? null).toBe(e.foo);
}

describe('torch.utils.swapTensors', () => {
  test('two tensors exchange class, own properties, data, requires_grad and grad', () => {
    const t1 = torch.tensor([1, 2, 3], { requiresGrad: true });
    t1.mul(2).sum().backward();
    const g = t1.grad;
    const t2 = new torch.nn.Parameter(torch.tensor([[5, 6]], { dtype: torch.float64 }), false);
    (t2 as unknown as { foo: string }).foo = 'bar';
    const holder = [t1];
    torch.utils.swapTensors(t1, t2);
    expectDescribed(t1, fx.basic.t1);
    expectDescribed(t2, fx.basic.t2);
    expect(holder[0] === t1).toBe(fx.basic.holder_sees_t1);
    expect(t2.grad).toBe(g); // the same grad object, as Python's
    expect(t1.toString()).toContain('Parameter containing:');
  });

  test('a tensor swapped with itself is unchanged; bad arguments', () => {
    const same = torch.ones(2);
    torch.utils.swapTensors(same, same);
    expect(same.tolist()).toEqual(fx.same);
    expect(() => (torch.utils.swapTensors as (...a: unknown[]) => void)(same)).toThrow(new TypeError(fx.missing!.message));
    // Python fails with "'int' object has no attribute '_use_count'"; a JS TypeError names the argument.
    expect(() => (torch.utils.swapTensors as (...a: unknown[]) => void)(same, 1)).toThrow("swap_tensors(): argument 't2' must be Tensor, not number");
    const gone = torch.ones(1);
    gone.dispose();
    expect(() => torch.utils.swapTensors(gone, same)).toThrow('Cannot swap t1 because it has been disposed');
  });

  test("a Buffer's persistent flag moves with the swap", () => {
    const b = new torch.nn.Buffer(torch.ones(2), { persistent: false });
    const t = torch.zeros(2);
    torch.utils.swapTensors(b, t);
    expect(t instanceof torch.nn.Buffer).toBe(fx.buffer.t_is_buffer);
    expect((t as torch.nn.Buffer).persistent).toBe(fx.buffer.t_persistent);
    expect(b instanceof torch.nn.Buffer).toBe(fx.buffer.b_is_buffer);
    expect('persistent' in b).toBe(fx.buffer.b_has_persistent);
    expect(b.tolist()).toEqual(fx.buffer.b);
  });

  test('a temporary swapped into a kept tensor inside tidy frees the old data, not the new', () => {
    const kept = torch.keep(torch.zeros(3));
    torch.tidy(() => torch.utils.swapTensors(kept, torch.arange(3, { dtype: torch.float32 })));
    expect(kept.isDisposed).toBe(false);
    expect(kept.tolist()).toEqual([0, 1, 2]);
  });
});

describe('torch.future and Module._apply', () => {
  afterEach(() => {
    torch.future.setSwapModuleParamsOnConversion(false);
    torch.future.setOverwriteModuleParamsOnConversion(false);
  });

  test.each(['default', 'swap', 'overwrite'] as const)('Linear.double() with the %s behaviour', (flag) => {
    const e = fx[flag];
    torch.future.setSwapModuleParamsOnConversion(flag === 'swap');
    torch.__future__.setOverwriteModuleParamsOnConversion(flag === 'overwrite');
    torch.manualSeed(0);
    const m = new torch.nn.Linear(3, 2);
    const x = torch.randn(4, 3);
    m.forward(x).sum().backward();
    const w = m.weight;
    const g = w.grad;
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    m.double();
    expect(m.weight === w).toBe(e.same_param);
    expect(m.weight.grad === g).toBe(e.same_grad);
    expectDescribed(w, e.old);
    expectDescribed(m.weight, e.weight);
    expectDescribed(m.bias!, e.bias);
    expect([torch.future.getSwapModuleParamsOnConversion(), torch.future.getOverwriteModuleParamsOnConversion()]).toEqual(e.flags);
    m.forward(x.double()).pow(2).sum().backward();
    opt.step();
    expectDescribed(m.weight, e.after_step, 1e-12);
    const y = m.forward(x.double()).sum();
    m.float();
    if (e.stale_backward === null) y.backward();
    else expect(() => y.backward()).toThrow(e.stale_backward.message);
  });

  test('buffers are replaced by the converted tensors under the swap flag too', () => {
    torch.future.setSwapModuleParamsOnConversion(true);
    const bn = new torch.nn.BatchNorm1d(2);
    const rm = bn.running_mean;
    bn.double();
    expect(bn.running_mean === rm).toBe(fx.bn.same_buffer);
    expect(bn.running_mean!.dtype.toString()).toBe(`torch.${fx.bn.dtype}`);
    expect(bn.num_batches_tracked!.dtype.toString()).toBe(`torch.${fx.bn.nbt}`);
  });

  test('an uncalled lazy module converted with the swap flag gets plain empty Parameters, as in PyTorch', () => {
    torch.future.setSwapModuleParamsOnConversion(true);
    const lazy = new torch.nn.LazyLinear(3);
    const w = lazy.weight;
    lazy.double();
    expect(lazy.weight.constructor.name).toBe(fx.lazy.cls);
    expect(lazy.weight === w).toBe(fx.lazy.same);
    expect(lazy.weight.dtype.toString()).toBe(`torch.${fx.lazy.dtype}`);
    expect([...lazy.weight.shape]).toEqual(fx.lazy.shape);
    expect(() => lazy.call(torch.ones([2, 4], { dtype: torch.float64 }))).toThrow(fx.lazy.forward!.message);
  });

  test('converting inside tidy keeps the swapped parameters', () => {
    torch.future.setSwapModuleParamsOnConversion(true);
    const m = new torch.nn.Linear(2, 2);
    const before = m.weight.tolist() as number[][];
    torch.tidy(() => {
      m.double();
    });
    expect(m.weight.isDisposed).toBe(false);
    expect(m.weight.dtype).toBe(torch.float64);
    expectClose(m.weight.tolist(), before);
  });

  test('a failed swap names the parameter and restores its grad', () => {
    torch.future.setSwapModuleParamsOnConversion(true);
    const m = new torch.nn.Linear(2, 1);
    m.forward(torch.ones(1, 2)).sum().backward();
    const g = m.weight.grad;
    const fn = (t: torch.Tensor): torch.Tensor => {
      if (t === m.weight) {
        const gone = torch.zeros(1);
        gone.dispose();
        return gone;
      }
      return t;
    };
    let err: Error | undefined;
    try {
      m._apply(fn);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toBe("_apply(): Couldn't swap Linear.weight");
    expect((err?.cause as Error).message).toMatch(/disposed/);
    expect(m.weight.grad).toBe(g);
  });
});
