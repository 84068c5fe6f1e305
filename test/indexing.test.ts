// Python's indexing, x[...] and x[...] = v, against PyTorch (scripts/fixtures/indexing.py). Every
// case below is keyed by its Python text; the fixture holds what PyTorch computed for it.
import * as torch from '../lib';
import { expectClose, expectError, fixture } from './helpers';

type T = torch.Tensor;
interface Env {
  a: T; r: T; e: T; f: T; s: T; bm: T; u: T; v3: T;
  i: T; j: T; n: T; i32: T; z0: T; zb: T; zf: T; u8: T; none: T; fi: T; m1: T; m3: T; m4: T; m23: T; m34: T;
  /** autograd cases: the float64 leaf, y = w * 1, and the assigned value */
  w: T; y: T; p: T;
}
interface Expected { data: unknown; dtype: string; shape: number[]; stride?: number[]; offset?: number; view?: boolean }
interface ErrorCase { py: string; name: string; python: string; message: string }
const data = fixture<{
  inputs: Record<string, [unknown, string]>;
  get: { py: string; expected: Expected }[];
  getErrors: ErrorCase[];
  set: { py: string; expected: Expected }[];
  setErrors: ErrorCase[];
  gradGet: { py: string; gradFn: string; out: Expected; grad: unknown }[];
  gradSet: { py: string; p: unknown; gradFn: string; y: Expected; grad: unknown; pGrad: unknown }[];
  leafError: string;
}>('indexing.json');

const DTYPES: Record<string, torch.DType> = {
  float32: torch.float32, float64: torch.float64, int64: torch.int64, int32: torch.int32, uint8: torch.uint8, bool: torch.bool,
};

function fresh(): Env {
  const env: Record<string, T> = {};
  for (const [name, [values, dtype]] of Object.entries(data.inputs)) env[name] = torch.tensor(values as torch.NestedArray, { dtype: DTYPES[dtype] });
  return env as unknown as Env;
}

/** x[...] → x.get(...) */
const GET: Record<string, (x: Env) => T> = {
  // ints
  'a[0]': ({ a }) => a.get(0),
  'a[-1]': ({ a }) => a.get(-1),
  'a[1, 2]': ({ a }) => a.get(1, 2),
  'a[1, 2, 3]': ({ a }) => a.get(1, 2, 3),
  'a[-2, -3, -4]': ({ a }) => a.get(-2, -3, -4),
  'r[9]': ({ r }) => r.get(9),
  'r[-10]': ({ r }) => r.get(-10n),
  'a[1][2]': ({ a }) => a.get(1).get(2),
  // slices
  'a[:]': ({ a }) => a.get(':'),
  'a[1:]': ({ a }) => a.get('1:'),
  'a[:1]': ({ a }) => a.get(':1'),
  'r[::2]': ({ r }) => r.get('::2'),
  'r[1:8:3]': ({ r }) => r.get('1:8:3'),
  'r[-3:]': ({ r }) => r.get('-3:'),
  'r[:-3]': ({ r }) => r.get(':-3'),
  'r[5:2]': ({ r }) => r.get('5:2'),
  'r[100:]': ({ r }) => r.get('100:'),
  'r[-100:3]': ({ r }) => r.get('-100:3'),
  'r[2:2]': ({ r }) => r.get('2:2'),
  'r[::20]': ({ r }) => r.get('::20'),
  'r[1:-1:2]': ({ r }) => r.get('1:-1:2'),
  'a[:, 1]': ({ a }) => a.get(':', 1),
  'a[:, :, 0]': ({ a }) => a.get(':', ':', 0),
  'a[1:, 1:3, ::3]': ({ a }) => a.get('1:', '1:3', '::3'),
  'a[0, 1:3, -1]': ({ a }) => a.get(0, '1:3', -1),
  'a[0:1, 0:1, 0:1]': ({ a }) => a.get('0:1', '0:1', '0:1'),
  'a[:, :]': ({ a }) => a.get(':', ':'),
  'a[:, :, :]': ({ a }) => a.get(':', ':', ':'),
  'f[:, -1]': ({ f }) => f.get(':', -1),
  'f[1:, ::2]': ({ f }) => f.get('1:', '::2'),
  'r[-(2**70):2**70]': ({ r }) => r.get(torch.slice(-(2n ** 70n), 2n ** 70n)),
  'r[1:99999999999999999999]': ({ r }) => r.get('1:99999999999999999999'),
  // slice objects
  'r[slice(2, None)]': ({ r }) => r.get(torch.slice(2, null)),
  'r[slice(None, None, 3)]': ({ r }) => r.get(torch.slice(null, null, 3)),
  'r[slice(5)]': ({ r }) => r.get(torch.slice(5)),
  'a[slice(1, 2), slice(None, None, 2)]': ({ a }) => a.get(torch.slice(1, 2), torch.slice(null, null, 2)),
  'a[1, slice(2, None)]': ({ a }) => a.get(1n, torch.slice(2n, null)),
  // None and Ellipsis
  'a[...]': ({ a }) => a.get('...'),
  'a[..., 0]': ({ a }) => a.get('...', 0),
  'a[0, ...]': ({ a }) => a.get(0, '...'),
  'a[..., 1, :]': ({ a }) => a.get('...', 1, ':'),
  'a[None]': ({ a }) => a.get(null),
  'a[None, 0]': ({ a }) => a.get(null, 0),
  'a[:, None, 1]': ({ a }) => a.get(':', null, 1),
  'a[..., None]': ({ a }) => a.get('...', null),
  'a[0, None, ..., None, 1]': ({ a }) => a.get(0, null, '...', null, 1),
  'a[None, None, ..., None]': ({ a }) => a.get(null, null, '...', null),
  'a[..., ...]': ({ a }) => a.get('...', '...'),
  'a[..., 0, ...]': ({ a }) => a.get('...', 0, '...'),
  'a[()]': ({ a }) => a.get(),
  // 0-dim
  's[()]': ({ s }) => s.get(),
  's[None]': ({ s }) => s.get(null),
  's[...]': ({ s }) => s.get('...'),
  's[True]': ({ s }) => s.get(true),
  's[False]': ({ s }) => s.get(false),
  's[None, None]': ({ s }) => s.get(null, null),
  // True / False
  'a[True]': ({ a }) => a.get(true),
  'a[False]': ({ a }) => a.get(false),
  'a[0, True]': ({ a }) => a.get(0, true),
  'a[False, 1]': ({ a }) => a.get(false, 1),
  'a[True, ..., False]': ({ a }) => a.get(true, '...', false),
  'a[:, True, 1]': ({ a }) => a.get(':', true, 1),
  // integer tensors and lists
  'r[i]': ({ r, i }) => r.get(i),
  'r[n]': ({ r, n }) => r.get(n),
  'r[j]': ({ r, j }) => r.get(j),
  'r[[0, 2, 4]]': ({ r }) => r.get([0, 2, 4]),
  'r[[-1, -2]]': ({ r }) => r.get([-1, -2]),
  'r[[]]': ({ r }) => r.get([]),
  'r[[0.5, 2.7]]': ({ r }) => r.get([0.5, 2.7]),
  'r[[True, 1]]': ({ r }) => r.get([true, 1]),
  'a[i32]': ({ a, i32 }) => a.get(i32),
  'a[none]': ({ a, none }) => a.get(none),
  'a[[0, 1], [1, 2]]': ({ a }) => a.get([0, 1], [1, 2]),
  'a[[0, 1], :, [1, 2]]': ({ a }) => a.get([0, 1], ':', [1, 2]),
  'a[:, [0, 1], [1, 2]]': ({ a }) => a.get(':', [0, 1], [1, 2]),
  'a[:, [0, 2]]': ({ a }) => a.get(':', [0, 2]),
  'a[..., [0, 3]]': ({ a }) => a.get('...', [0, 3]),
  'a[[[0], [1]], [0, 2]]': ({ a }) => a.get([[0], [1]], [0, 2]),
  'a[j]': ({ a, j }) => a.get(j),
  'a[j, j]': ({ a, j }) => a.get(j, j),
  'a[1, [0, 2], 1:3]': ({ a }) => a.get(1, [0, 2], '1:3'),
  'a[[0, 1], 1, [1, 2]]': ({ a }) => a.get([0, 1], 1, [1, 2]),
  'a[None, [0, 1], None, [1, 2]]': ({ a }) => a.get(null, [0, 1], null, [1, 2]),
  'a[[0, 1], None]': ({ a }) => a.get([0, 1], null),
  'a[[0, 1], [0, 1], [0, 1]]': ({ a }) => a.get([0, 1], [0, 1], [0, 1]),
  'a[[[0, 1], [1, 0]], [[0, 1], [2, 0]]]': ({ a }) => a.get([[0, 1], [1, 0]], [[0, 1], [2, 0]]),
  'a[i32, :, i]': ({ a, i32, i }) => a.get(i32, ':', i),
  'a[[0, 1]][:, 1]': ({ a }) => a.get([0, 1]).get(':', 1),
  'f[1:3, [0, 3]]': ({ f }) => f.get('1:3', [0, 3]),
  // 0-dim tensor indices
  'a[z0]': ({ a, z0 }) => a.get(z0),
  'a[:, z0]': ({ a, z0 }) => a.get(':', z0),
  'a[z0, z0, z0]': ({ a, z0 }) => a.get(z0, z0, z0),
  'a[zb]': ({ a, zb }) => a.get(zb),
  'a[zf]': ({ a, zf }) => a.get(zf),
  'a[0, zb]': ({ a, zb }) => a.get(0, zb),
  // boolean tensors and lists
  'a[m1]': ({ a, m1 }) => a.get(m1),
  'a[:, m3]': ({ a, m3 }) => a.get(':', m3),
  'a[..., m4]': ({ a, m4 }) => a.get('...', m4),
  'a[m23]': ({ a, m23 }) => a.get(m23),
  'a[m23, 1:3]': ({ a, m23 }) => a.get(m23, '1:3'),
  'a[0, m34]': ({ a, m34 }) => a.get(0, m34),
  'a[m23, [0, 3, 1, 2]]': ({ a, m23 }) => a.get(m23, [0, 3, 1, 2]),
  'a[m1, :, m4]': ({ a, m1, m4 }) => a.get(m1, ':', m4),
  'a[a > 20]': ({ a }) => a.get(a.gt(20)),
  'f[f > 2]': ({ f }) => f.get(f.gt(2)),
  'r[[True, False] * 5]': ({ r }) => r.get([true, false, true, false, true, false, true, false, true, false]),
  'a[[True, False], 1]': ({ a }) => a.get([true, false], 1),
  'a[torch.tensor([[True, False, True], [False, True, True]])]': ({ a }) => a.get([[true, false, true], [false, true, true]]),
  'a[u8]': ({ a, u8 }) => a.get(u8),
  // advanced indices separated by a basic index go first
  'e[:, [0, 1], :, [1, 2]]': ({ e }) => e.get(':', [0, 1], ':', [1, 2]),
  'e[[0, 1], :, :, [1, 2]]': ({ e }) => e.get([0, 1], ':', ':', [1, 2]),
  'e[:, [0, 1], [1, 2], :]': ({ e }) => e.get(':', [0, 1], [1, 2], ':'),
  'e[..., [0, 1], :]': ({ e }) => e.get('...', [0, 1], ':'),
  'e[1, :, [0, 1], [2, 3]]': ({ e }) => e.get(1, ':', [0, 1], [2, 3]),
  'e[[0, 1], 1, :, [1, 2]]': ({ e }) => e.get([0, 1], 1, ':', [1, 2]),
  'e[None, ..., [1], None]': ({ e }) => e.get(null, '...', [1], null),
  'e[[1], ..., [2]]': ({ e }) => e.get([1], '...', [2]),
  'e[:, :, [[0], [3]], [[1, 2]]]': ({ e }) => e.get(':', ':', [[0], [3]], [[1, 2]]),
  'e[:, m3, 1:, [0, 4]]': ({ e, m3 }) => e.get(':', m3, '1:', [0, 4]),
  'e[i32, ..., 2:, i]': ({ e, i32, i }) => e.get(i32, '...', '2:', i),
};

const GET_ERRORS: Record<string, (x: Env) => unknown> = {
  'a[2]': ({ a }) => a.get(2),
  'a[0, 3]': ({ a }) => a.get(0, 3),
  'a[0, 0, -5]': ({ a }) => a.get(0, 0, -5),
  'a[None, 0, 5]': ({ a }) => a.get(null, 0, 5),
  'a[..., 4]': ({ a }) => a.get('...', 4),
  'a[0, 0, 0, 0]': ({ a }) => a.get(0, 0, 0, 0),
  'a[..., 0, 0, 0, 0]': ({ a }) => a.get('...', 0, 0, 0, 0),
  'a[None, 0, 0, 0, 0]': ({ a }) => a.get(null, 0, 0, 0, 0),
  's[0]': ({ s }) => s.get(0),
  's[1]': ({ s }) => s.get(1),
  'r[::-1]': ({ r }) => r.get('::-1'),
  'r[::0]': ({ r }) => r.get('::0'),
  'r[1.5]': ({ r }) => r.get(1.5),
  'r[[5, 10]]': ({ r }) => r.get([5, 10]),
  'r[fi]': ({ r, fi }) => r.get(fi),
  'a[m3]': ({ a, m3 }) => a.get(m3),
  'a[[0, 1], [0, 1, 2]]': ({ a }) => a.get([0, 1], [0, 1, 2]),
  'r[slice(1.5, None)]': ({ r }) => r.get(torch.slice(1.5, null)),
  'a[m23, m23]': ({ a, m23 }) => a.get(m23, m23),
  'a[:, :, :, None, 0]': ({ a }) => a.get(':', ':', ':', null, 0),
  // a JS array is torch.tensor(list): a nested array of bools is a 2-d mask
  'r[torch.tensor([[True, False] * 5])]': ({ r }) => r.get([[true, false, true, false, true, false, true, false, true, false]]),
};

/** x[index] = value → x.set(index, value); x[i, j] = value → x.set([i, j], value) */
const SET: Record<string, (x: Env) => unknown> = {
  'a[0] = 5': ({ a }) => a.set(0, 5),
  'a[-1] = -1': ({ a }) => a.set(-1, -1),
  'a[:, 1] = 7': ({ a }) => a.set([':', 1], 7),
  'a[..., 0] = v3': ({ a, v3 }) => a.set(['...', 0], v3),
  'a[0, 1:3] = torch.tensor([[1], [2]])': ({ a }) => a.set([0, '1:3'], torch.tensor([[1], [2]])),
  'a[None] = 3': ({ a }) => a.set(null, 3),
  'a[True] = 4': ({ a }) => a.set(true, 4),
  'a[False] = 4': ({ a }) => a.set(false, 4),
  'a[...] = 9': ({ a }) => a.set('...', 9),
  'a[[0, 1], [1, 2]] = 100': ({ a }) => a.set([[0, 1], [1, 2]], 100),
  'a[[0, 1], :, [1, 2]] = torch.tensor([[1, 2, 3], [4, 5, 6]])': ({ a }) => a.set([[0, 1], ':', [1, 2]], torch.tensor([[1, 2, 3], [4, 5, 6]])),
  'a[m23] = 0': ({ a, m23 }) => a.set(m23, 0),
  'a[m23] = torch.tensor([[1], [2], [3], [4]])': ({ a, m23 }) => a.set(m23, torch.tensor([[1], [2], [3], [4]])),
  'a[a > 10] = -1': ({ a }) => a.set(a.gt(10), -1),
  'f[0] = 2.5': ({ f }) => f.set(0, 2.5),
  'a[0, 0, 0] = 2.7': ({ a }) => a.set([0, 0, 0], 2.7),
  'a[1] = -2.5': ({ a }) => a.set(1, -2.5),
  'f[:, 0] = v3': ({ f, v3 }) => f.set([':', 0], v3),
  'f[[0, 2]] = torch.tensor([1.5, 2.5, 3.5, 4.5])': ({ f }) => f.set([[0, 2]], torch.tensor([1.5, 2.5, 3.5, 4.5])),
  'bm[0] = 5': ({ bm }) => bm.set(0, 5),
  'bm[1] = 0': ({ bm }) => bm.set(1, 0),
  'bm[:, 1] = True': ({ bm }) => bm.set([':', 1], true),
  'u[0] = -1': ({ u }) => u.set(0, -1),
  'u[1:] = 255': ({ u }) => u.set('1:', 255),
  'a[0] = torch.ones(1, 1, 3, 4, dtype=torch.long)': ({ a }) => a.set(0, torch.ones(1, 1, 3, 4, { dtype: torch.long })),
  'a[[0]] = torch.ones(1, 1, 3, 4, dtype=torch.long)': ({ a }) => a.set([[0]], torch.ones(1, 1, 3, 4, { dtype: torch.long })),
  'a[None, 0, ..., None] = 8': ({ a }) => a.set([null, 0, '...', null], 8),
  'a[0] = torch.tensor(3)': ({ a }) => a.set(0, torch.tensor(3)),
  'a[0, :, z0] = 6': ({ a, z0 }) => a.set([0, ':', z0], 6),
  'a[1:, [0, 2], 2:] = torch.tensor([1, 2])': ({ a }) => a.set(['1:', [0, 2], '2:'], torch.tensor([1, 2])),
  'a[0] = True': ({ a }) => a.set(0, true),
  's[()] = 3': ({ s }) => s.set([], 3),
  's[...] = 4': ({ s }) => s.set('...', 4),
  's[None] = 5': ({ s }) => s.set(null, 5),
  'a[slice(0, 1)] = 0': ({ a }) => a.set(torch.slice(0, 1), 0),
  "f[0] = float('nan')": ({ f }) => f.set(0, NaN),
  "f[1, 1:] = float('inf')": ({ f }) => f.set([1, '1:'], Infinity),
  'a[0] = 2**40': ({ a }) => a.set(0, 2 ** 40),
  'a[1, :, m4] = torch.tensor([-5, -6])': ({ a, m4 }) => a.set([1, ':', m4], torch.tensor([-5, -6])),
  'a[:, i32] = 1': ({ a, i32 }) => a.set([':', i32], 1),
  'a[zb] = 11': ({ a, zb }) => a.set(zb, 11),
  'a[zf] = 11': ({ a, zf }) => a.set(zf, 11),
  'a[n, ...] = 0': ({ a, n }) => a.set([n, '...'], 0),
  'a[:, [0, 2], [1, 3]] = torch.tensor([[1], [2]])': ({ a }) => a.set([':', [0, 2], [1, 3]], torch.tensor([[1], [2]])),
  'e[:, [0, 1], :, [1, 2]] = 0': ({ e }) => e.set([':', [0, 1], ':', [1, 2]], 0),
  'f[1] = torch.tensor([True, False, True, False])': ({ f }) => f.set(1, torch.tensor([true, false, true, false])),
  'a[0][1] = 42': ({ a }) => a.get(0).set(1, 42),
  'a[1][:, 0] = torch.tensor([7, 8, 9])': ({ a }) => a.get(1).set([':', 0], torch.tensor([7, 8, 9])),
  'f[f > 2] = f[f > 2] * 10': ({ f }) => f.set(f.gt(2), f.get(f.gt(2)).mul(10)),
};

const SET_ERRORS: Record<string, (x: Env) => unknown> = {
  'a[0] = torch.ones(2)': ({ a }) => a.set(0, torch.ones(2)),
  'a[[0, 1]] = torch.ones(3, dtype=torch.long)': ({ a }) => a.set([[0, 1]], torch.ones(3, { dtype: torch.long })),
  "a[0] = 'x'": ({ a }) => a.set(0, 'x' as never),
  'a[0] = None': ({ a }) => a.set(0, null as never),
  'a[5] = 1': ({ a }) => a.set(5, 1),
  'f[[0, 2]] = v3': ({ f, v3 }) => f.set([[0, 2]], v3),
  'f[[0, 2]] = torch.tensor([1, 2, 3, 4])': ({ f }) => f.set([[0, 2]], torch.tensor([1, 2, 3, 4])),
  'u[0] = 300': ({ u }) => u.set(0, 300),
  'a[0, 0, 0, 0] = 1': ({ a }) => a.set([0, 0, 0, 0], 1),
  'r[::0] = 1': ({ r }) => r.set('::0', 1),
};

const GRAD_GET: Record<string, (x: Env) => T> = {
  'w[0]': ({ w }) => w.get(0),
  'w[:, 1:3]': ({ w }) => w.get(':', '1:3'),
  'w[..., ::2]': ({ w }) => w.get('...', '::2'),
  'w[None, 1]': ({ w }) => w.get(null, 1),
  'w[[0, 1], :, [1, 2]]': ({ w }) => w.get([0, 1], ':', [1, 2]),
  'w[[0, 0, 1]]': ({ w }) => w.get([0, 0, 1]),
  'w[m23]': ({ w, m23 }) => w.get(m23),
  'w[w > 1]': ({ w }) => w.get(w.gt(1)),
  'w[1, [0, 2], 1:3]': ({ w }) => w.get(1, [0, 2], '1:3'),
  'w[True]': ({ w }) => w.get(true),
  'w[...]': ({ w }) => w.get('...'),
  'w[:, :]': ({ w }) => w.get(':', ':'),
  'w[()]': ({ w }) => w.get(),
  'w[:, None, -1]': ({ w }) => w.get(':', null, -1),
  'w[i32, ..., i]': ({ w, i32, i }) => w.get(i32, '...', i),
};

const GRAD_SET: Record<string, (x: Env) => unknown> = {
  'y[0] = 5': ({ y }) => y.set(0, 5),
  'y[:, 1] = p': ({ y, p }) => y.set([':', 1], p),
  'y[[0, 1], :, [1, 2]] = p': ({ y, p }) => y.set([[0, 1], ':', [1, 2]], p),
  'y[m23] = p': ({ y, p, m23 }) => y.set(m23, p),
  'y[..., 0] = 0': ({ y }) => y.set(['...', 0], 0),
  'y[True] = p': ({ y, p }) => y.set(true, p),
  'y[1, 2] = p': ({ y, p }) => y.set([1, 2], p),
  'y[y > 1] = p': ({ y, p }) => y.set(y.gt(1), p),
  'y[[1, 0]] = p * 2': ({ y, p }) => y.set([[1, 0]], p.mul(2)),
};

function expectTensor(got: T, want: Expected, base?: T): void {
  expect(got.dtype.name).toBe(want.dtype);
  expect([...got.shape]).toEqual(want.shape);
  expectClose(got.tolist(), want.data);
  if (base !== undefined) {
    expect(got.stride()).toEqual(want.stride);
    expect(got.storageOffset()).toBe(want.offset);
    expect(torch.native.storageInfo(got._h)[0] === torch.native.storageInfo(base._h)[0]).toBe(want.view);
  }
}

const target = (py: string): keyof Env => /^\w+/.exec(py)![0] as keyof Env;
const cases = <C extends { py: string }>(list: C[]) => list.map((c) => [c.py, c] as const);

function gradInput(): T {
  return torch.arange(24, { dtype: torch.float64 }).reshape(2, 3, 4).div(7).requiresGrad_();
}
function weights(t: T): T {
  return torch.arange(1, t.numel() + 1, { dtype: torch.float64 }).reshape([...t.shape]);
}

describe('every fixture case has its JS twin', () => {
  test.each([
    ['get', data.get, GET], ['get errors', data.getErrors, GET_ERRORS], ['set', data.set, SET],
    ['set errors', data.setErrors, SET_ERRORS], ['autograd get', data.gradGet, GRAD_GET], ['autograd set', data.gradSet, GRAD_SET],
  ] as const)('%s', (_kind, list, twins) => {
    expect(Object.keys(twins).sort()).toEqual(list.map((c) => c.py).sort());
  });
  test('over a hundred index expressions', () => expect(data.get.length).toBeGreaterThanOrEqual(100));
});

describe('x[index] is x.get(...index): values, dtype, shape, strides and views as in PyTorch', () => {
  test.each(cases(data.get))('%s', (py, c) => {
    const env = fresh();
    const got = GET[py]!(env);
    expectTensor(got, c.expected, env[target(py)]);
  });
});

describe("bad indices give PyTorch's error", () => {
  test.each(cases([...data.getErrors, ...data.setErrors]))('%s', (py, c) => {
    const fn = GET_ERRORS[py] ?? SET_ERRORS[py]!;
    expectError(() => fn(fresh()), c.message, c.name);
  });
  test('a leaf that requires grad refuses assignment', () => {
    expectError(() => torch.zeros(3, { requiresGrad: true }).set(0, 1), data.leafError);
  });
});

describe('x[index] = value is x.set(index, value)', () => {
  test.each(cases(data.set))('%s', (py, c) => {
    const env = fresh();
    const x = env[target(py)];
    SET[py]!(env);
    expectTensor(x, c.expected);
  });
});

describe('autograd through get and set', () => {
  test.each(cases(data.gradGet))('%s', (py, c) => {
    const env = fresh();
    const w = (env.w = gradInput());
    const out = GRAD_GET[py]!(env);
    expect(out.gradFn).toBe(c.gradFn);
    expectTensor(out.detach(), c.out);
    out.mul(weights(out)).sum().backward();
    expectClose(w.grad!.tolist(), c.grad, 1e-12);
  });
  test.each(cases(data.gradSet))('%s', (py, c) => {
    const env = fresh();
    const w = gradInput();
    const y = (env.y = w.mul(1));
    if (c.p !== null) env.p = torch.tensor(c.p as torch.NestedArray, { dtype: torch.float64, requiresGrad: true });
    GRAD_SET[py]!(env);
    expect(y.gradFn).toBe(c.gradFn);
    expectTensor(y.detach(), c.y);
    y.mul(weights(y)).sum().backward();
    expectClose(w.grad!.tolist(), c.grad, 1e-12);
    if (c.p !== null) expectClose(env.p.grad!.tolist(), c.pGrad, 1e-12);
  });
});

describe('the JS spelling', () => {
  const x = () => torch.arange(12).reshape(3, 4);

  test('basic indexing returns views: writes go through to the indexed tensor', () => {
    const t = x();
    t.get(0).fill_(-1);
    t.get(':', 1).zero_();
    t.get('...', null, '::3').get(2).mul_(10);
    expect(t.tolist()).toEqual([[-1, 0, -1, -1], [4, 0, 6, 7], [80, 0, 10, 110]]);
    // advanced indexing copies
    t.get([0]).fill_(5);
    expect(t.get(0).tolist()).toEqual([-1, 0, -1, -1]);
  });

  test('set returns the tensor, so assignments chain', () => {
    const t = x();
    expect(t.set(0, 0).set([':', -1], 1)).toBe(t);
    expect(t.tolist()).toEqual([[0, 0, 0, 1], [4, 5, 6, 1], [8, 9, 10, 1]]);
  });

  test('slice strings: spaces, open bounds, steps, big bounds', () => {
    const r = torch.arange(10);
    expect(r.get(' 1 : 7 : 2 ').tolist()).toEqual([1, 3, 5]);
    expect(r.get('::').tolist()).toEqual(r.tolist());
    expect(r.get('+2:-5').tolist()).toEqual([2, 3, 4]);
    expect(r.get('-99999999999999999999999:2').tolist()).toEqual([0, 1]);
    // computed strings are fine too (the cache of parsed strings stays bounded)
    for (let k = 0; k < 5000; k++) expect(r.get(`${k % 10}:${(k % 10) + 1}`).item()).toBe(k % 10);
  });

  test('slice(): Python builtin signature, bigint bounds, its repr', () => {
    const r = torch.arange(10);
    expect(String(torch.slice(3))).toBe('slice(None, 3, None)');
    expect(String(torch.slice(1, null, 2))).toBe('slice(1, None, 2)');
    expect(torch.slice(2, 8, 3)).toBeInstanceOf(torch.Slice);
    expect(r.get(torch.slice(2n, -2n, 2n)).tolist()).toEqual([2, 4, 6]);
    expect(r.get(torch.slice(null, 4)).tolist()).toEqual([0, 1, 2, 3]);
    expectError(() => (torch.slice as (...a: unknown[]) => unknown)(), 'slice expected at least 1 argument, got 0', 'TypeError');
  });

  test('ints may be bigints; TypedArrays index like lists', () => {
    const r = torch.arange(10);
    expect(r.get(3n).item()).toBe(3);
    expectError(() => r.get(2n ** 70n), `index ${2n ** 70n} is out of bounds for dimension 0 with size 10`, 'RangeError');
    expect(r.get(new Int32Array([4, 1])).tolist()).toEqual([4, 1]);
    expect(r.get(new Uint8Array([1, 1])).tolist()).toEqual([1, 1]); // ints, not a byte mask
  });

  test('values: bigint, Python floats (pyFloat), booleans', () => {
    const t = torch.zeros(3, { dtype: torch.int64 });
    t.set(0, 2n ** 62n).set(1, torch.pyFloat(3)).set(2, true);
    expect(t.tolist()).toEqual([2n ** 62n, 3, 1]);
  });

  test('strings that are not slices, and values of no index type, are refused', () => {
    const t = x();
    for (const bad of ['a', '1', '1:2:3:4', '1.5:', ':x', '- 1:', '.. .']) {
      expectError(() => t.get(bad), `invalid index '${bad}'`, 'TypeError');
    }
    expectError(() => t.get(undefined as never), 'valid indices (got undefined)', 'RangeError');
    expectError(() => t.get({} as never), 'valid indices (got', 'RangeError');
    expectError(() => t.get(0, NaN), 'valid indices (got float)', 'RangeError');
    expectError(() => t.set(0, {} as never), "can't assign a", 'TypeError');
  });

  test('indexing frees every intermediate tensor it makes', () => {
    const t = x();
    const before = torch.memory().liveTensors;
    for (let k = 0; k < 200; k++) {
      t.get(1, null, [0, 1]).dispose();
      t.get('1:', null, [0, 1]).dispose();
      t.get(true, '...', [[0], [1]], torch.slice(0, 2)).dispose();
      t.set([[0, 2], '::2'], 1);
      t.set([':', 0], k);
    }
    expect(torch.memory().liveTensors).toBeLessThanOrEqual(before);
  });
});
