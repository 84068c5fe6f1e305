// Python's argument binding of the generated ops (lib/arg_parser.ts) against PyTorch
// (scripts/fixtures/arg_parser.py): each case is keyed by its Python text and written here in JS.
import * as torch from '../lib';
import { expectClose, fixture } from './helpers';

type T = torch.Tensor;
interface Env { x: T; y: T; i: T; v: T }
interface Described { kind: 'tensor' | 'tuple' | 'value'; data?: unknown; dtype?: string; shape?: number[]; items?: Described[]; fields?: string[]; value?: unknown }
interface Case { py: string; ok?: Described; error?: { type: string; message: string } }
const data = fixture<{ inputs: Record<string, [unknown, string]>; cases: Case[]; settings: Record<string, unknown> }>('arg_parser.json');

const DT: Record<string, torch.DType> = { float32: torch.float32, float64: torch.float64, int64: torch.int64 };
function env(): Env {
  const out: Record<string, T> = {};
  for (const [k, [values, dt]] of Object.entries(data.inputs)) out[k] = torch.tensor(values as torch.NestedArray, { dtype: DT[dt] });
  return out as unknown as Env;
}
const f = torch.pyFloat;
// Type errors are the point of some cases: call through an untyped view.
const any = (x: unknown): any => x; // eslint-disable-line @typescript-eslint/no-explicit-any

const JS: Record<string, (e: Env) => unknown> = {
  'x.sum([0, 1], keepdim=True, dtype=torch.float64)': ({ x }) => x.sum([0, 1], { keepdim: true, dtype: torch.float64 }),
  'x.sum(1, True)': ({ x }) => x.sum(1, true),
  'x.sum()': ({ x }) => x.sum(),
  'x.sum(dim=0)': ({ x }) => x.sum({ dim: 0 }),
  "x.div(y, rounding_mode='floor')": ({ x, y }) => x.div(y, { roundingMode: 'floor' }),
  "x.div(y, rounding_mode='trunc')": ({ x, y }) => x.div(y, { roundingMode: 'trunc' }),
  'x.div(y)': ({ x, y }) => x.div(y),
  'x.add(y, alpha=2)': ({ x, y }) => x.add(y, { alpha: 2 }),
  'torch.add(x, y, alpha=2)': ({ x, y }) => torch.add(x, y, { alpha: 2 }),
  'x.add(2)': ({ x }) => x.add(2),
  'x.mul(2.5)': ({ x }) => x.mul(2.5),
  'i.mul(2)': ({ i }) => i.mul(2),
  'i.mul(2.0)': ({ i }) => i.mul(f(2)),
  'i.add(y)': ({ i, y }) => i.add(y),
  'torch.clamp(x, 0, 1)': ({ x }) => torch.clamp(x, 0, 1),
  'torch.clamp(x, min=0)': ({ x }) => torch.clamp(x, { min: 0 }),
  'x.clamp(max=1.0)': ({ x }) => x.clamp({ max: f(1) }),
  'torch.max(x)': ({ x }) => torch.max(x),
  'torch.max(x, 1)': ({ x }) => torch.max(x, 1),
  'torch.max(x, dim=1, keepdim=True)': ({ x }) => torch.max(x, { dim: 1, keepdim: true }),
  'torch.max(x, y)': ({ x, y }) => torch.max(x, y),
  'x.max(0)': ({ x }) => x.max(0),
  'x.min(dim=1)': ({ x }) => x.min({ dim: 1 }),
  'torch.sort(v, descending=True)': ({ v }) => torch.sort(v, { descending: true }),
  'x.topk(2)': ({ x }) => x.topk(2),
  'torch.std(x, 1, correction=0)': ({ x }) => torch.std(x, 1, { correction: 0 }),
  'torch.var(x, unbiased=False)': ({ x }) => torch.var(x, { unbiased: false }),
  'x.view(3, 2)': ({ x }) => x.view(3, 2),
  'x.view([6])': ({ x }) => x.view([6]),
  'x.view(torch.int32)': ({ x }) => x.view(torch.int32),
  'x.reshape(-1)': ({ x }) => x.reshape(-1),
  'x.permute(1, 0)': ({ x }) => x.permute(1, 0),
  'torch.zeros(2, 3, dtype=torch.int32)': () => torch.zeros(2, 3, { dtype: torch.int32 }),
  'torch.zeros([2, 3])': () => torch.zeros([2, 3]),
  'torch.ones(2, dtype=torch.float64)': () => torch.ones(2, { dtype: torch.float64 }),
  'torch.full([2], 7)': () => torch.full([2], 7),
  'torch.full([2], 7.0)': () => torch.full([2], f(7)),
  'torch.arange(5)': () => torch.arange(5),
  'torch.arange(1, 4, 0.5)': () => torch.arange(1, 4, 0.5),
  'torch.cat([x, y], 1)': ({ x, y }) => torch.cat([x, y], 1),
  'torch.cat([x, y], dim=1)': ({ x, y }) => torch.cat([x, y], { dim: 1 }),
  'torch.stack([v, v])': ({ v }) => torch.stack([v, v]),
  'torch.add(x, y, out=torch.empty(2, 3))': ({ x, y }) => {
    const out = torch.empty(2, 3);
    const r = torch.add(x, y, { out });
    expect(r).toBe(out); // out= returns the tensor it wrote
    return r;
  },
  'torch.zeros(2, requires_grad=True).requires_grad': () => torch.zeros(2, { requiresGrad: true }).requiresGrad,
  'torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)': () => torch.tensor([[1, 2], [3, 4]], { requiresGrad: true }),
  'torch.linalg.vector_norm(x, 2, dim=1)': ({ x }) => torch.linalg.vectorNorm(x, 2, { dim: 1 }),
  'torch.linalg.qr(torch.tensor([[1., 2.], [3., 4.]]))': () => torch.linalg.qr(torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 })),
  'torch.special.erf(v)': ({ v }) => torch.special.erf(v),
  'torch.fft.rfft(v).abs()': ({ v }) => torch.fft.rfft(v).abs(),
  "torch.max(x, 'a')": ({ x }) => torch.max(x, any('a')),
  "x.max('a')": ({ x }) => x.max(any('a')),
  'x.sum(1, keepdm=True)': ({ x }) => x.sum(1, any({ keepdm: true })),
  'torch.randperm(3, generator=5)': () => torch.randperm(3, any({ generator: 5 })),
  'torch.zeros(2, 3, out=5)': () => torch.zeros(2, 3, any({ out: 5 })),
  'x.add(y, y)': ({ x, y }) => any(x).add(y, y),
  'x.abs(2)': ({ x }) => any(x).abs(2),
  'torch.abs()': () => any(torch.abs)(),
  'torch.mm(x, 2)': ({ x }) => torch.mm(x, any(2)),
  'x.sum(1, True, 3)': ({ x }) => any(x).sum(1, true, 3),
  'torch.cat([x, 1])': ({ x }) => torch.cat([x, any(1)]),
  'x.view(1.5)': ({ x }) => x.view(any(1.5)),
  "torch.add(x, 'x')": ({ x }) => torch.add(x, any('x')),
  'x.max(1, 2)': ({ x }) => x.max(1, any(2)),
};

function check(actual: unknown, expected: Described, where: string): void {
  if (expected.kind === 'tensor') {
    const t = actual as T;
    expect(t).toBeInstanceOf(torch.Tensor);
    expect(t.dtype.name).toBe(expected.dtype);
    expect([...t.shape]).toEqual(expected.shape);
    expectClose(t.dtype.isFloatingPoint ? t.to(torch.float64).tolist() : t.tolist(), expected.data, 1e-6, 1e-6, where);
  } else if (expected.kind === 'tuple') {
    const arr = actual as unknown[];
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.length).toBe(expected.items!.length);
    expected.items!.forEach((e, k) => check(arr[k], e, `${where}[${k}]`));
    // Named tuples: the elements are also the named properties.
    expected.fields!.forEach((name, k) => expect((arr as unknown as Record<string, unknown>)[name]).toBe(arr[k]));
  } else {
    expect(actual).toBe(expected.value);
  }
}

// Python adds "didn't match because ..." notes under some signatures; torchnode lists them bare.
const withoutNotes = (m: string): string => m.split('\n').filter((l) => !l.startsWith("      didn't match")).join('\n');

describe('generated ops bind arguments as Python does', () => {
  test('every Python case has its JS twin and the other way round', () => {
    expect(Object.keys(JS).sort()).toEqual(data.cases.map((c) => c.py).sort());
  });
  test.each(data.cases.map((c) => [c.py, c] as const))('%s', (_py, c) => {
    const run = (): unknown => JS[c.py]!(env());
    if (c.ok) {
      check(run(), c.ok, c.py);
      return;
    }
    let thrown: { name?: string; message?: string } | undefined;
    try {
      run();
    } catch (e) {
      thrown = e as { name?: string; message?: string };
    }
    expect(thrown).toBeDefined();
    expect(thrown!.name).toBe(c.error!.type);
    expect(thrown!.message).toBe(withoutNotes(c.error!.message));
  });
});

describe('settings', () => {
  test('setDefaultDtype changes what factories and tensor() make, as in PyTorch', () => {
    const before = torch.getDefaultDtype();
    torch.setDefaultDtype(torch.float64);
    try {
      expect(String(torch.getDefaultDtype())).toBe(data.settings.defaultAfterSet);
      expect(String(torch.zeros(1).dtype)).toBe(data.settings.zerosDtype);
      expect(String(torch.tensor([1.5]).dtype)).toBe(data.settings.tensorDtype);
      expect(String(torch.arange(0.5, 2).dtype)).toBe(data.settings.arangeDtype);
    } finally {
      torch.setDefaultDtype(before);
    }
    expect(torch.getDefaultDtype()).toBe(torch.float32);
    expect(() => torch.setDefaultDtype(torch.int64)).toThrow(data.settings.intDefaultError as string);
  });
  test('setNumThreads sets libtorch intra-op pool', () => {
    const before = torch.getNumThreads();
    torch.setNumThreads(1);
    expect(torch.getNumThreads()).toBe(data.settings.threadsAfterSet);
    torch.setNumThreads(before);
    expect(torch.getNumThreads()).toBe(before);
    expect(torch.getNumInteropThreads()).toBeGreaterThan(0);
    expect(() => torch.setNumThreads(0)).toThrow('set_num_threads expects a positive integer');
  });
});
