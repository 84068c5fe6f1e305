// torch.nn.init against real PyTorch (scripts/fixtures/init.py): the same seed gives the same values.
import * as torch from '../lib';
import { describe as described, expectClose, expectError, fixture, type Described } from './helpers';

const init = torch.nn.init;
const data = fixture<{
  cases: { name: string; seed: number; ts: string; exact: boolean; expected: Described }[];
  gains: { name: string; ts: string; value: number }[];
  errors: { name: string; ts: string; message: string }[];
  warnings: { name: string; ts: string; message: string; shape: number[] }[];
  fans: { shape: number[]; fans: [number, number]; fan_out: number }[];
}>('init.json');

function evaluate(ts: string): unknown {
  return new Function('init', 'torch', `return ${ts};`)(init, torch);
}

// Runs fn with process warnings captured rather than printed; returns their messages.
function captureWarnings(fn: () => unknown): { result: unknown; messages: string[] } {
  const messages: string[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
    messages.push(typeof w === 'string' ? w : w.message);
  });
  try {
    return { result: fn(), messages };
  } finally {
    spy.mockRestore();
  }
}

describe('nn.init matches PyTorch for the same seed', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    torch.manualSeed(c.seed);
    const { result } = captureWarnings(() => evaluate(c.ts));
    const got = described(result as torch.Tensor);
    expect(got.dtype).toBe(c.expected.dtype);
    expect(got.shape).toEqual(c.expected.shape);
    if (c.exact) expect(got.data).toEqual(c.expected.data);
    else expectClose(got.data, c.expected.data, 1e-6, 1e-6);
  });

  test.each(data.gains.map((g) => [g.name, g] as const))('calculateGain %s', (_n, g) => {
    expect(evaluate(g.ts)).toBe(g.value);
  });

  test('fan in and fan out', () => {
    for (const f of data.fans) {
      expect(init._calculateFanInAndFanOut(torch.empty(f.shape))).toEqual(f.fans);
      expect(init._calculateCorrectFan(torch.empty(f.shape), 'fan_out')).toBe(f.fan_out);
    }
  });

  test.each(data.errors.map((c) => [c.name, c] as const))('error: %s', (_n, c) => {
    expectError(() => evaluate(c.ts), c.message);
  });

  test.each(data.warnings.map((c) => [c.name, c] as const))('warning: %s', (_n, c) => {
    const { result, messages } = captureWarnings(() => evaluate(c.ts));
    expect(messages).toEqual([c.message]);
    expect([...(result as torch.Tensor).shape]).toEqual(c.shape);
  });
});

describe('nn.init records no gradients', () => {
  const inits: [string, (w: torch.Tensor) => torch.Tensor][] = [
    ['uniform_', (w) => init.uniform_(w, -1, 1)],
    ['normal_', (w) => init.normal_(w)],
    ['truncNormal_', (w) => init.truncNormal_(w, 0, 1, -0.5, 0.5)],
    ['truncNormal_ uniform branch', (w) => init.truncNormal_(w, 0, 1, 2, 3)],
    ['constant_', (w) => init.constant_(w, 0.5)],
    ['ones_', (w) => init.ones_(w)],
    ['zeros_', (w) => init.zeros_(w)],
    ['eye_', (w) => init.eye_(w.view(6, 6))],
    ['dirac_', (w) => init.dirac_(w.view(4, 3, 3))],
    ['xavierUniform_', (w) => init.xavierUniform_(w)],
    ['xavierNormal_', (w) => init.xavierNormal_(w)],
    ['kaimingUniform_', (w) => init.kaimingUniform_(w, Math.sqrt(5))],
    ['kaimingNormal_', (w) => init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })],
    ['orthogonal_', (w) => init.orthogonal_(w)],
    ['sparse_', (w) => init.sparse_(w, 0.5)],
  ];
  test.each(inits)('%s on a leaf that requires grad', (_n, fn) => {
    for (const w of [torch.empty([4, 9], { requiresGrad: true }), new torch.nn.Parameter(torch.empty(4, 9))]) {
      fn(w);
      expect(w.isLeaf).toBe(true);
      expect(w.gradFn).toBeNull();
      expect(w.requiresGrad).toBe(true);
      // The initialised leaf still takes part in autograd as usual afterwards.
      w.sum().backward();
      expect(w.grad!.tolist()).toEqual(torch.ones(4, 9).tolist());
    }
  });

  test('returns the tensor it was given', () => {
    const w = torch.empty(3, 4);
    for (const out of [init.uniform_(w), init.normal_(w), init.truncNormal_(w), init.constant_(w, 1), init.ones_(w), init.zeros_(w), init.eye_(w),
      init.xavierUniform_(w), init.xavierNormal_(w), init.kaimingUniform_(w), init.kaimingNormal_(w), init.orthogonal_(w), init.sparse_(w, 0.1)]) {
      expect(out).toBe(w);
    }
    const c = torch.empty(2, 2, 3);
    expect(init.dirac_(c)).toBe(c);
  });

  test('grad mode is restored afterwards, also after an error', () => {
    expect(torch.isGradEnabled()).toBe(true);
    init.kaimingUniform_(torch.empty(2, 2));
    expect(torch.isGradEnabled()).toBe(true);
    expectError(() => init.kaimingUniform_(torch.empty(2, 2), { mode: 'bad' as 'fan_in' }));
    expect(torch.isGradEnabled()).toBe(true);
  });
});

describe('nn.init arguments', () => {
  test('positional arguments and the options object agree', () => {
    const same = (a: () => torch.Tensor, b: () => torch.Tensor): void => {
      torch.manualSeed(5);
      const x = a().tolist();
      torch.manualSeed(5);
      expect(b().tolist()).toEqual(x);
    };
    same(() => init.uniform_(torch.empty(3, 3), -2, 2), () => init.uniform_(torch.empty(3, 3), { a: -2, b: 2 }));
    same(() => init.uniform_(torch.empty(3, 3), -2, 2), () => init.uniform_(torch.empty(3, 3), -2, { b: 2 }));
    same(() => init.kaimingNormal_(torch.empty(3, 3), 0, 'fan_out', 'relu'), () => init.kaimingNormal_(torch.empty(3, 3), { mode: 'fan_out', nonlinearity: 'relu' }));
    same(() => init.truncNormal_(torch.empty(9), 0, 0.5, -1, 1), () => init.trunc_normal_(torch.empty(9), { std: 0.5, a: -1, b: 1 }));
    same(() => init.sparse_(torch.empty(4, 4), 0.5, 0.1), () => init.sparse_(torch.empty(4, 4), { sparsity: 0.5, std: 0.1 }));
  });

  test('unknown options, duplicated and missing arguments are TypeErrors', () => {
    expectError(() => init.uniform_(torch.empty(2), { c: 1 } as never), "uniform_() got an unexpected keyword argument 'c'", 'TypeError');
    expectError(() => init.uniform_(torch.empty(2), 0, { a: 1 }), "uniform_() got multiple values for argument 'a'", 'TypeError');
    expectError(() => (init.sparse_ as (t: torch.Tensor) => torch.Tensor)(torch.empty(2, 2)), "missing 1 required positional argument: 'sparsity'", 'TypeError');
    expectError(() => (init.xavierUniform_ as (...a: unknown[]) => torch.Tensor)(torch.empty(2, 2), 1, 2), 'positional arguments', 'TypeError');
  });

  test('the deprecated names warn', () => {
    const { messages } = captureWarnings(() => init.xavierUniform(torch.empty(2, 2)));
    expect(messages).toEqual(['`nn.init.xavierUniform` is now deprecated in favor of `nn.init.xavierUniform_`.']);
  });
});
