// torch.signal.windows and torch.masked against values PyTorch computed (scripts/fixtures/signal_masked.py).
import * as torch from '../lib';
import { describe as described, expectClose, expectError, fixture } from './helpers';

interface Case { name: string; inputs: string[]; ts: string; expected: { data: unknown; dtype: string; shape: number[] } }
interface ErrorCase { name: string; inputs: string[]; ts: string; mro: string[]; message: string }
const data = fixture<{ inputs: Record<string, [unknown, string]>; cases: Case[]; errors: ErrorCase[] }>('signal_masked.json');

const dtypes: Record<string, torch.DType> = {
  float32: torch.float32, float64: torch.float64, int64: torch.int64, int32: torch.int32,
  uint8: torch.uint8, int8: torch.int8, bool: torch.bool,
};

function evaluate(ts: string, inputs: string[]): unknown {
  const [a, b, c] = inputs.map((n) => {
    const [values, dtype] = data.inputs[n]!;
    return torch.tensor(values as torch.NestedArray, { dtype: dtypes[dtype] });
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('torch', 'a', 'b', 'c', `return ${ts};`)(torch, a, b, c);
}

/** The JS error class a Python exception maps to (README "Errors"). */
function jsErrorName(mro: string[]): string {
  if (mro.includes('TypeError')) return 'TypeError';
  if (mro.includes('IndexError') || mro.includes('ValueError') || mro.includes('OverflowError')) return 'RangeError';
  return 'Error';
}

describe('torch.signal.windows and torch.masked match PyTorch', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = evaluate(c.ts, c.inputs) as torch.Tensor;
    const got = described(result);
    expect(got.dtype).toBe(c.expected.dtype);
    expect(got.shape).toEqual(c.expected.shape);
    expectClose(got.data, c.expected.data, 1e-5, 1e-6);
  });
});

describe("bad input gives PyTorch's error class and message", () => {
  test.each(data.errors.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectError(() => evaluate(c.ts, c.inputs), c.message, jsErrorName(c.mro));
  });
});

describe('surface', () => {
  test('the namespaces hold every function PyTorch has', () => {
    expect(Object.keys(torch.signal.windows).sort()).toEqual([
      'bartlett', 'blackman', 'cosine', 'exponential', 'gaussian', 'generalCosine', 'generalHamming', 'hamming', 'hann', 'kaiser', 'nuttall',
    ]);
    for (const name of ['amax', 'amin', 'argmax', 'argmin', 'cumprod', 'cumsum', 'logSoftmax', 'logaddexp', 'logsumexp', 'mean', 'median',
      'norm', 'normalize', 'prod', 'softmax', 'softmin', 'std', 'sum', 'var']) {
      expect(typeof (torch.masked as unknown as Record<string, unknown>)[name]).toBe('function');
    }
  });

  test('windows are leaves that require grad when asked', () => {
    const w = torch.signal.windows.hann(4, { requiresGrad: true });
    expect(w.requiresGrad).toBe(true);
    const e = torch.signal.windows.kaiser(0, { requiresGrad: true, dtype: torch.float64 });
    expect([...e.shape]).toEqual([0]);
    expect(e.dtype).toBe(torch.float64);
  });

  test('masked reductions are differentiable through the kept elements', () => {
    const x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], { dtype: torch.float64, requiresGrad: true });
    const mask = torch.tensor([[true, false, true], [false, true, true]]);
    torch.masked.sum(x, 1, { mask }).sum().backward();
    expect(x.grad!.tolist()).toEqual([[1, 0, 1], [0, 1, 1]]);
  });
});
