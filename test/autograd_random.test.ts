// Random streams, element-wise ops and autograd against real PyTorch
// (scripts/fixtures/autograd_random.py).
import * as torch from '../lib';
import { describe as described, expectClose, expectError, fixture } from './helpers';

type Described = { data: unknown; dtype: string; shape: number[] };
const data = fixture<{
  x: number[][]; y: number[][]; x0: number[][]; w0: number[][];
  random: { name: string; seed: string; ts: string; expected: Described }[];
  unary: Record<string, Described>;
  binary: { op: string; arg: number | 'y'; expected: Described }[];
  grads: { name: string; ts: string; out: number; x_grad: number[][]; w_grad: number[][] }[];
  higher: { g: number[][]; g_grad_fn: string; g2: number[][]; unused_is_none: boolean[]; x_grad_untouched: boolean };
}>('autograd_random.json');

const f32 = { dtype: torch.float32 };

describe('manualSeed reproduces PyTorch random streams exactly', () => {
  test.each(data.random.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    torch.manualSeed(BigInt(c.seed));
    const result = new Function('torch', `return ${c.ts};`)(torch) as torch.Tensor;
    const got = described(result);
    expect(got.dtype).toBe(c.expected.dtype);
    expect(got.shape).toEqual(c.expected.shape);
    expect(got.data).toEqual(c.expected.data); // bit-exact
  });

  test('bad seeds are refused', () => {
    expect(torch.manualSeed(1.5).initialSeed()).toBe(1); // Python's int(seed)
    expectError(() => torch.manualSeed('1' as never), 'int() argument must be');
  });
});

describe('element-wise ops match PyTorch', () => {
  test.each(Object.keys(data.unary))('%s', (name) => {
    const x = torch.tensor(data.x, f32);
    const input = ['log', 'sqrt', 'rsqrt', 'log1p'].includes(name) ? x.abs() : x;
    const got = described((input as unknown as Record<string, () => torch.Tensor>)[name]!());
    expect(got.dtype).toBe(data.unary[name]!.dtype);
    expectClose(got.data, data.unary[name]!.data, 1e-6);
    // the in-place twin gives the same values on the same object
    const copy = input.clone();
    expect((copy as unknown as Record<string, () => torch.Tensor>)[`${name}_`]!()).toBe(copy);
    expectClose(copy.tolist(), data.unary[name]!.data, 1e-6);
  });

  test.each(data.binary.map((c) => [`${c.op}(${c.arg})`, c] as const))('%s', (_n, c) => {
    const x = torch.tensor(data.x, f32);
    const other = c.arg === 'y' ? torch.tensor(data.y, f32) : c.arg;
    const got = described((x as unknown as Record<string, (o: unknown) => torch.Tensor>)[c.op]!(other));
    expect(got.dtype).toBe(c.expected.dtype);
    expectClose(got.data, c.expected.data, 1e-6);
  });
});

describe('autograd matches torch.autograd', () => {
  test.each(data.grads.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const x = torch.tensor(data.x0, f32).requiresGrad_();
    const w = torch.tensor(data.w0, { ...f32, requiresGrad: true });
    const out = new Function('torch', 'x', 'w', `return ${c.ts};`)(torch, x, w) as torch.Tensor;
    expect(out.requiresGrad).toBe(true);
    out.backward();
    expectClose(out.item(), c.out, 1e-5, 1e-6);
    expectClose(x.grad!.tolist(), c.x_grad, 1e-5, 1e-6);
    expectClose(w.grad!.tolist(), c.w_grad, 1e-5, 1e-6);
  });

  test('torch.autograd.grad: first and second order, allowUnused, .grad untouched', () => {
    const x = torch.tensor(data.x0, f32).requiresGrad_();
    const w = torch.tensor(data.w0, f32).requiresGrad_();
    const [g] = torch.autograd.grad(x.pow(3).mul(x.sin()).sum(), x, { createGraph: true });
    expectClose(g!.tolist(), data.higher.g, 1e-5, 1e-6);
    expect(g!.gradFn).toBe(data.higher.g_grad_fn);
    const [g2] = torch.autograd.grad(g!.sum(), [x]);
    expectClose(g2!.tolist(), data.higher.g2, 1e-5, 1e-6);
    const unused = torch.autograd.grad(x.sum(), [x, w], { allowUnused: true });
    expect(unused.map((u) => u === null)).toEqual(data.higher.unused_is_none);
    expect(x.grad === null).toBe(data.higher.x_grad_untouched);
    expectError(() => torch.autograd.grad(x.sum(), [x, w]), 'of the differentiated Tensors appears to not have been used in the graph');
  });

  test('gradients accumulate, can be reset, and a second backward needs retainGraph', () => {
    const x = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([4, 8, 12]);
    expectError(() => y.backward(), 'Trying to backward through the graph a second time');
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  test('non-scalar backward takes a gradient; retainGrad keeps an intermediate grad', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const mid = x.mul(3);
    mid.retainGrad();
    const out = mid.exp();
    expectError(() => out.backward(), 'grad can be implicitly created only for scalar outputs');
    out.backward(torch.tensor([1, 0.5], f32));
    expectClose(mid.grad!.tolist(), [Math.exp(3), 0.5 * Math.exp(6)], 1e-6);
    expectClose(x.grad!.tolist(), [3 * Math.exp(3), 1.5 * Math.exp(6)], 1e-6);
    expect(x.isLeaf).toBe(true);
    expect(mid.isLeaf).toBe(false);
  });

  test('noGrad / enableGrad follow libtorch grad mode and restore it', () => {
    const x = torch.ones(2).requiresGrad_();
    expect(torch.isGradEnabled()).toBe(true);
    const y = torch.noGrad(() => {
      expect(torch.isGradEnabled()).toBe(false);
      expect(torch.enableGrad(() => x.mul(2)).requiresGrad).toBe(true);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(torch.isGradEnabled()).toBe(true);
    expect(() => torch.noGrad(() => { throw new Error('inside'); })).toThrow('inside');
    expect(torch.isGradEnabled()).toBe(true);
    expectError(() => torch.noGrad((async () => 1) as never), 'grad mode cannot follow awaits');
  });

  test('inferenceMode makes inference tensors that autograd refuses, and restores the mode', () => {
    const x = torch.ones(2).requiresGrad_();
    const y = torch.inferenceMode(() => {
      expect(torch.isInferenceModeEnabled()).toBe(true);
      expect(torch.isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(torch.isInferenceModeEnabled()).toBe(false);
    expect(torch.isGradEnabled()).toBe(true);
    expect(y.isInference()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expectError(() => y.mul(x).sum().backward(), 'Inference tensors cannot be saved for backward');
    expect(() => torch.inferenceMode(() => { throw new Error('inside'); })).toThrow('inside');
    expect(torch.isInferenceModeEnabled()).toBe(false);
  });

  test('detach cuts the graph and shares storage', () => {
    const x = torch.ones(2).requiresGrad_();
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expectError(() => x.add_(1), 'a leaf Variable that requires grad is being used in an in-place operation');
    d.add_(1);
    expect(x.tolist()).toEqual([2, 2]);
  });

  test('assigning a grad of the wrong shape is refused', () => {
    const x = torch.ones(2).requiresGrad_();
    expectError(() => { x.grad = torch.ones(3); }, 'assigned grad has data of a different size');
  });
});
