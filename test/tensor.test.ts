// The native Tensor against values PyTorch computed (scripts/fixtures/tensor_basic.py).
import * as torch from '../lib';
import { native, type Handle } from '../lib/native';
import { op } from '../lib/ops';
import { wrap } from '../lib/tensor';
import { describe as described, expectClose, expectError, fixture } from './helpers';

interface Case { name: string; inputs: string[]; ts: string; expected: { data: unknown; dtype: string; shape: number[] } }
interface ErrorCase { name: string; inputs: string[]; ts: string; message: string }
const data = fixture<{ inputs: Record<string, [unknown, string]>; cases: Case[]; errors: ErrorCase[] }>('tensor_basic.json');

const dtypes: Record<string, torch.DType> = {
  float32: torch.float32, float64: torch.float64, float16: torch.float16, bfloat16: torch.bfloat16,
  int8: torch.int8, int16: torch.int16, int32: torch.int32, int64: torch.int64, uint8: torch.uint8, bool: torch.bool,
};

function evaluate(ts: string, inputs: string[]): unknown {
  const [a, b] = inputs.map((n) => {
    const [values, dtype] = data.inputs[n]!;
    return torch.tensor(values as torch.NestedArray, { dtype: dtypes[dtype] });
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('torch', 'a', 'b', `return ${ts};`)(torch, a, b);
}

describe('ops match PyTorch', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = evaluate(c.ts, c.inputs) as torch.Tensor;
    const got = described(result);
    expect(got.dtype).toBe(c.expected.dtype);
    expect(got.shape).toEqual(c.expected.shape);
    const loose = c.expected.dtype === 'float16' || c.expected.dtype === 'bfloat16';
    expectClose(got.data, c.expected.data, loose ? 1e-3 : 1e-6);
  });
});

describe("bad input gives PyTorch's message as a JS Error", () => {
  test.each(data.errors.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectError(() => evaluate(c.ts, c.inputs), c.message);
  });

  test('the process survives a batch of malformed calls', () => {
    const t = torch.ones(2, 3);
    const bad: (() => unknown)[] = [
      () => t.add('x' as never),
      () => t.add(null as never),
      () => t.add({} as never),
      () => t.reshape(NaN),
      () => t.reshape(2 ** 70),
      () => t.view([1.5]),
      () => t.sum(99),
      () => t.sum([0, 0]),
      () => torch.zeros(-1),
      () => torch.zeros(2 ** 62, 2 ** 62),
      () => torch.tensor([1, 'a'] as never),
      () => torch.tensor([[1], 2] as never),
      () => torch.native.callOp(-1),
      () => torch.native.callOp(1e9),
      () => torch.native.fromBytes(new Float32Array(3), 6, [4]),
      () => torch.native.fromBytes(new Float32Array(3), 99, [3]),
      () => torch.native.toBytes({} as never),
      () => torch.native.lookupOp('aten::nope', ''),
    ];
    for (const f of bad) expectError(f);
    expect(t.add(1).sum().item()).toBe(12);
  });

  test('argument type errors name the op and the argument', () => {
    expect(() => torch.ones(2).add('x' as never)).toThrow("add(): argument 'other' (position 1) must be Tensor, not str");
    expectError(() => torch.ones(2).sum(1.5), 'sum() received an invalid combination of arguments - got (float), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n', 'TypeError');
  });
});

describe('Tensor surface', () => {
  test('dtypes print as PyTorch prints them and map one to one', () => {
    expect(String(torch.float32)).toBe('torch.float32');
    expect(torch.float).toBe(torch.float32);
    expect(torch.long).toBe(torch.int64);
    for (const [name, d] of Object.entries(dtypes)) {
      const t = torch.zeros(2, { dtype: d });
      expect(t.dtype).toBe(d);
      expect(t.dtype.name).toBe(name);
    }
  });

  test('shape, size(), strides and device', () => {
    const t = torch.zeros(2, 3, 4);
    expect(String(t.size())).toBe('torch.Size([2, 3, 4])');
    expect([...t.shape]).toEqual([2, 3, 4]);
    expect(t.size(-1)).toBe(4);
    expect(t.stride()).toEqual([12, 4, 1]);
    expect(t.ndim).toBe(3);
    expect(t.numel()).toBe(24);
    expect(String(t.device)).toBe('cpu');
    expect(() => t.size(3)).toThrow('Dimension out of range (expected to be in range of [-3, 2], but got 3)');
  });

  test('creation from TypedArrays copies the data', () => {
    const src = new Float64Array([1, 2, 3]);
    const t = torch.tensor(src);
    src[0] = 100;
    expect(t.dtype).toBe(torch.float64);
    expect(t.tolist()).toEqual([1, 2, 3]);
    expect(torch.tensor(new Int32Array([5])).dtype).toBe(torch.int32);
    expect(torch.tensor(new BigInt64Array([5n])).tolist()).toEqual([5]);
    expect(torch.tensor(new Uint8Array([255])).dtype).toBe(torch.uint8);
  });

  test('toTypedArray, item and tolist', () => {
    const t = torch.tensor([[1.5, 2], [3, 4]]);
    expect(t.toTypedArray()).toEqual(new Float32Array([1.5, 2, 3, 4]));
    expect(t.sum().item()).toBe(10.5);
    expect(torch.tensor(true).item()).toBe(true);
    expect(torch.tensor([2n ** 60n + 1n]).tolist()).toEqual([2n ** 60n + 1n]);
    expect(torch.tensor([2 ** 53]).tolist()).toEqual([2 ** 53]);
    expect(torch.tensor(7).tolist()).toBe(7);
  });

  test('in-place ops return the same object and change the data', () => {
    const t = torch.ones(2);
    expect(t.add_(1)).toBe(t);
    expect(t.mul_(torch.tensor([2, 3]))).toBe(t);
    expect(t.tolist()).toEqual([4, 6]);
  });

  test('views share storage with their base', () => {
    const t = torch.zeros(2, 3);
    const v = t.view(6);
    v.add_(1);
    expect(t.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
  });

  test('asking for CUDA without it gives a clear Error', () => {
    if (torch.cuda.isAvailable()) return; // the GPU path is covered where a GPU exists
    expect(torch.cuda.deviceCount()).toBe(0);
    expectError(() => torch.ones(2).cuda(), 'Torch not compiled with CUDA enabled');
    expectError(() => torch.ones(2).to('cuda:0'), 'Torch not compiled with CUDA enabled');
    expectError(() => torch.zeros(2, { device: 'cuda' }), 'Torch not compiled with CUDA enabled');
    expectError(() => torch.zeros(2, { device: 'tpu' }), "not 'tpu'");
    expectError(() => torch.zeros(2, { device: 'cpu:x' }), "Invalid device string: 'cpu:x'");
    expect(torch.ones(2).cpu().isCuda).toBe(false);
  });

  test('to() returns the tensor itself when nothing changes', () => {
    const t = torch.ones(2);
    expect(t.to(torch.float32)).toBe(t);
    expect(t.to('cpu')).toBe(t);
    expect(t.to(torch.float32, { copy: true })).not.toBe(t);
    expect(t.to({ dtype: torch.float32, device: 'cpu' })).toBe(t);
    const d = t.to({ dtype: torch.float64 });
    expect(d.dtype).toBe(torch.float64);
    expect(d.tolist()).toEqual([1, 1]);
  });
});

// A JS number where an op takes a Tensor becomes a wrapped-number tensor, which the addon reuses
// per value while nothing else holds it: whatever is done to a tensor an op handed back, the next
// x.mul(2) still multiplies by a fresh 2 that requires no grad.
describe('numbers as Tensor arguments', () => {
  // aten::contiguous returns its (already contiguous) input: here the number tensor itself.
  const itself = (n: number): torch.Tensor => wrap(native.callOp(op('aten::contiguous'), n) as Handle);
  test('an op that returns the number tensor itself, changed in place or made to require grad, leaves later ops alone', () => {
    const x = torch.ones(3);
    expect(x.mul(2).tolist()).toEqual([2, 2, 2]);
    const same = itself(2);
    same.add_(5);
    expect(same.item()).toBe(7);
    expect(x.mul(2).tolist()).toEqual([2, 2, 2]);
    same.dispose();
    expect(x.mul(2).tolist()).toEqual([2, 2, 2]);
    const leaf = itself(3.5);
    leaf.requiresGrad_();
    leaf.dispose();
    const y = x.mul(3.5);
    expect([y.tolist(), y.requiresGrad]).toEqual([[3.5, 3.5, 3.5], false]);
    // Saved for backward: the number tensor is held by the graph, not reused under it.
    const w = torch.ones(3, { requiresGrad: true });
    const z = w.mul(4);
    x.mul(4).add_(1);
    z.sum().backward();
    expect(w.grad!.tolist()).toEqual([4, 4, 4]);
  });
});
