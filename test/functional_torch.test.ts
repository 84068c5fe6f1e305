// torch/functional.py and torch/_tensor.py (lib/functional.ts, lib/tensor_python.ts) against real
// PyTorch (scripts/fixtures/functional_torch.py).
import * as torch from '../lib';
import { describe as described, expectClose, expectError, fixture, type Described } from './helpers';

type Result = { tensor: Described } | { size: number[] } | { list: Result[] } | { value: unknown };
const data = fixture<{
  inputs: Record<string, { data: torch.NestedArray; dtype: string }>;
  cases: { name: string; ts: string; expected: Result }[];
  errors: { name: string; ts: string; message: string }[];
}>('functional_torch.json');

const DTYPES: Record<string, torch.DType> = { float32: torch.float32, float64: torch.float64, int64: torch.int64 };

function env(): Record<string, torch.Tensor> {
  const e: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(data.inputs)) e[k] = torch.tensor(v.data, { dtype: DTYPES[v.dtype] });
  return e;
}

function evaluate(ts: string): unknown {
  const e = env();
  const names = Object.keys(e);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('torch', ...names, `return ${ts};`)(torch, ...names.map((n) => e[n]));
}

function check(got: unknown, want: Result, where: string): void {
  if ('tensor' in want) {
    expect(got).toBeInstanceOf(torch.Tensor);
    const d = described(got as torch.Tensor);
    expect([where, d.dtype, d.shape]).toEqual([where, want.tensor.dtype, want.tensor.shape]);
    expectClose(d.data, want.tensor.data, 1e-5, 1e-5, where);
  } else if ('size' in want) {
    expect(got).toBeInstanceOf(torch.Size);
    expect([...(got as torch.Size)]).toEqual(want.size);
  } else if ('list' in want) {
    expect(Array.isArray(got)).toBe(true);
    expect((got as unknown[]).length).toBe(want.list.length);
    want.list.forEach((w, i) => check((got as unknown[])[i], w, `${where}[${i}]`));
  } else {
    expect(got).toEqual(want.value);
  }
}

describe('torch/functional.py and torch/_tensor.py match PyTorch', () => {
  let spy: jest.SpyInstance;
  beforeAll(() => {
    spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterAll(() => spy.mockRestore());

  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    check(evaluate(c.ts), c.expected, c.name);
  });

  test.each(data.errors.map((c) => [c.name, c] as const))('error: %s', (_n, c) => {
    expectError(() => evaluate(c.ts), c.message);
  });
});

describe('Python-level details', () => {
  test('the generated binding is overridden by the hand-written function', () => {
    const x = torch.arange(6);
    expect(torch.split(x, [2, 4]).map((t) => t.numel())).toEqual([2, 4]);
    expect(x.split(4).map((t) => t.numel())).toEqual([4, 2]);
  });

  test('split pieces are views', () => {
    const x = torch.zeros(4);
    const [first] = x.split(2);
    first!.fill_(1);
    expect(x.tolist()).toEqual([1, 1, 0, 0]);
  });

  test('lu with infos is a named tuple', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const r = torch.lu(torch.eye(3), { getInfos: true });
      expect(r.LU).toBe(r[0]);
      expect(r.pivots).toBe(r[1]);
      expect(r.info).toBe(r[2]);
      expect(Object.keys(r)).toEqual(['0', '1', '2']);
    } finally {
      spy.mockRestore();
    }
  });

  test('real and imag are properties, and assigning copies into the parts', () => {
    const z = torch.complex(torch.zeros(2), torch.zeros(2));
    z.real = torch.tensor([1, 2], { dtype: torch.float32 });
    z.imag = 3;
    expect(torch.viewAsReal(z).tolist()).toEqual([[1, 3], [2, 3]]);
    const x = torch.ones(2);
    x.real = torch.full([2], 5);
    expect(x.tolist()).toEqual([5, 5]);
  });

  test('T reverses the dimensions, as a view', () => {
    const x = torch.zeros(2, 3);
    x.T.fill_(2);
    expect(x.sum().item()).toBe(12);
    expect([...torch.zeros(2, 3, 4).T.shape]).toEqual([4, 3, 2]);
  });

  test('newTensor copies a tensor with a warning, detached', () => {
    const seen: string[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((m: string | Error) => {
      seen.push(typeof m === 'string' ? m : m.message);
    }) as typeof process.emitWarning);
    try {
      const src = torch.ones(2, { requiresGrad: true });
      const t = torch.zeros(1, { dtype: torch.float64 }).newTensor(src);
      expect(t.dtype).toBe(torch.float64);
      expect(t.requiresGrad).toBe(false);
      expect(seen).toEqual([
        'To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).',
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  test('hand-written functions bind arguments as Python does', () => {
    const a = torch.ones(2, 2);
    expectError(() => torch.norm(a, { foo: 1 } as never), "norm() got an unexpected keyword argument 'foo'", 'TypeError');
    expectError(() => torch.unique(a, { returnInvers: true } as never), "unique() got an unexpected keyword argument 'returnInvers'", 'TypeError');
    expectError(() => (torch.tensordot as (...x: unknown[]) => unknown)(a), "tensordot() missing 1 required positional argument: 'b'", 'TypeError');
    expectError(() => (a.isShared as (x: number) => boolean)(1), 'Tensor.is_shared() takes 1 positional argument but 2 were given', 'TypeError');
    expectError(() => a.newTensor([1], { requiresGrad: true, pin: true } as never), "new_tensor() got an unexpected keyword argument 'pin'", 'TypeError');
  });

  test('broadcastShapes accepts a torch.Size', () => {
    expect(String(torch.broadcastShapes(torch.zeros(3, 1).shape, [4]))).toBe('torch.Size([3, 4])');
  });
});
