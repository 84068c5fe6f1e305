// The complex, unsigned, float8 and float4 dtypes against real PyTorch (scripts/fixtures/dtypes.py):
// creation and conversion, repr(), tolist(), item(), toTypedArray(), the dtypes' flags,
// torch.finfo / torch.iinfo, and files: .pth (zip, big-endian, legacy) and .safetensors written
// by PyTorch load here with the same bytes, and files written here load in Python equal.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import * as torch from '../lib';
import { expectError, fixture } from './helpers';

const root = path.join(__dirname, '..');
const python = path.join(root, '.venv', 'bin', 'python');
const FX = path.join(__dirname, 'fixtures', 'generated', 'dtypes');
const fx = (name: string): string => path.join(FX, name);

type Encoded = number | boolean | { re: number; im: number } | { big: string } | Encoded[] | null;
interface Case {
  name: string; python: string; ts: string; repr: string; dtype: string; shape: number[]; bytes: string;
  tolist: Encoded; tolist_error?: string; item?: Encoded;
}
type Attempt<T> = { value: T } | { error: string; message: string };
interface DtypeInfo {
  name: string; repr: string; itemsize: number; is_floating_point: boolean; is_complex: boolean; is_signed: boolean;
  to_real: Attempt<string>; to_complex: Attempt<string>;
  finfo: Attempt<{ bits: number; eps: number; max: number; min: number; tiny: number; smallest_normal: number; resolution: number; dtype: string; str: string }>;
  iinfo: Attempt<{ bits: number; max: Encoded; min: Encoded; dtype: string; str: string }>;
}
interface Described { dtype: string; shape: number[]; stride: number[]; offset: number; requires_grad: boolean; parameter: boolean; bytes: string; conj: boolean; neg: boolean; storage: number }
interface Spec {
  cases: Case[];
  dtypes: DtypeInfo[];
  aliases: Record<string, string>;
  finfo_default: string;
  files: Record<string, [string, Described][]>;
  safetensors_names: Record<string, string>;
  complex_reprs: [number, number, string][];
  default_float64: { name: string; ts: string; repr: string }[];
}
const spec = fixture<Spec>('dtypes.json');

/** The fixture's encoding of a Python value, as torchnode gives it. */
function decode(v: Encoded): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') return 'big' in v ? BigInt(v.big) : new torch.Complex(v.re, v.im);
  return v;
}

const c = (re: number, im: number): torch.Complex => new torch.Complex(re, im);
function build(ts: string): torch.Tensor {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('torch', 'nan', 'inf', 'c', `return ${ts};`)(torch, NaN, Infinity, c) as torch.Tensor;
}

const hex = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
const dtypeNamed = (name: string): torch.DType => (torch as unknown as Record<string, torch.DType>)[name]!;

// The TypedArray of each dtype (README "Dtypes").
const ARRAY_TYPES: Record<string, string> = {
  uint8: 'Uint8Array', int8: 'Int8Array', int16: 'Int16Array', int32: 'Int32Array', int64: 'BigInt64Array',
  float16: 'Uint16Array', bfloat16: 'Uint16Array', float32: 'Float32Array', float64: 'Float64Array', bool: 'Uint8Array',
  uint16: 'Uint16Array', uint32: 'Uint32Array', uint64: 'BigUint64Array',
  complex32: 'Uint16Array', complex64: 'Float32Array', complex128: 'Float64Array',
  float8_e5m2: 'Uint8Array', float8_e4m3fn: 'Uint8Array', float8_e5m2fnuz: 'Uint8Array', float8_e4m3fnuz: 'Uint8Array',
  float8_e8m0fnu: 'Uint8Array', float4_e2m1fn_x2: 'Uint8Array',
};

describe('tensors of the new dtypes match PyTorch', () => {
  describe.each(spec.cases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    let t: torch.Tensor;
    beforeAll(() => {
      t = build(k.ts);
    });

    test('dtype, shape and repr()', () => {
      expect(t.dtype.name).toBe(k.dtype);
      expect(t.dtype).toBe(dtypeNamed(k.dtype));
      expect([...t.shape]).toEqual(k.shape);
      expect(String(t)).toBe(k.repr);
      expect(inspect(t)).toBe(k.repr);
    });

    test('toTypedArray(): the raw elements in the dtype\'s TypedArray', () => {
      const a = t.toTypedArray();
      expect(a.constructor.name).toBe(ARRAY_TYPES[k.dtype]);
      expect(hex(a)).toBe(k.bytes);
    });

    test('tolist()', () => {
      if (k.tolist_error !== undefined) {
        expect(() => t.tolist()).toThrow();
        return;
      }
      expect(t.tolist()).toStrictEqual(decode(k.tolist));
    });

    if (k.item !== undefined) {
      test('item()', () => {
        expect(t.item()).toStrictEqual(decode(k.item!));
      });
    }
  });
});

describe('with torch.setDefaultDtype(torch.float64), complex128 prints without its dtype', () => {
  test.each(spec.default_float64.map((k) => [k.name, k] as const))('%s', (_n, k) => {
    torch.setDefaultDtype(torch.float64);
    try {
      expect(String(build(k.ts))).toBe(k.repr);
    } finally {
      torch.setDefaultDtype(torch.float32);
    }
  });
});

describe('integers: a bigint beyond ±(2^53 - 1), a number otherwise, never a rounded number', () => {
  test('int64 and uint64 tolist()', () => {
    const i = torch.tensor([2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n - 1n), -(2n ** 53n), 0n, -1n]);
    expect(i.tolist()).toStrictEqual([2 ** 53 - 1, 2n ** 53n, -(2 ** 53 - 1), -(2n ** 53n), 0, -1]);
    const u = torch.tensor([2n ** 64n - 1n, 2n ** 53n - 1n, 2n ** 53n], { dtype: torch.uint64 });
    expect(u.tolist()).toStrictEqual([2n ** 64n - 1n, 2 ** 53 - 1, 2n ** 53n]);
  });
  test('uint32 values above 2^31 stay positive numbers', () => {
    expect(torch.tensor([4294967295, 2147483648], { dtype: torch.uint32 }).tolist()).toStrictEqual([4294967295, 2147483648]);
  });
});

describe('TypedArrays in and out', () => {
  test.each([
    ['Uint16Array', new Uint16Array([0, 1, 65535]), 'uint16', [0, 1, 65535]],
    ['Uint32Array', new Uint32Array([0, 4294967295]), 'uint32', [0, 4294967295]],
    ['BigUint64Array', new BigUint64Array([0n, 2n ** 64n - 1n, 7n]), 'uint64', [0, 2n ** 64n - 1n, 7]],
  ] as const)('torch.tensor(%s) has its dtype and values', (_n, data, dtype, values) => {
    const t = torch.tensor(data);
    expect(t.dtype.name).toBe(dtype);
    expect(t.tolist()).toStrictEqual(values);
    expect(t.toTypedArray()).toEqual(data);
  });

  test('complex64 and complex128 give their parts interleaved; float8 its bytes', () => {
    const z = torch.tensor([c(1, 2), c(-3, 0.5)]);
    expect(z.toTypedArray()).toEqual(new Float32Array([1, 2, -3, 0.5]));
    expect(z.to(torch.complex128).toTypedArray()).toEqual(new Float64Array([1, 2, -3, 0.5]));
    // float8_e4m3fn: 1.0 is 0x38, -2.0 is 0xc0.
    expect(torch.tensor([1, -2], { dtype: torch.float32 }).to(torch.float8_e4m3fn).toTypedArray()).toEqual(new Uint8Array([0x38, 0xc0]));
  });

  test('a conjugated view gives its conjugated values', () => {
    const z = torch.tensor([c(1, 2), c(3, -1)]);
    expect(z.conj().toTypedArray()).toEqual(new Float32Array([1, -2, 3, 1]));
    expect(z.conj().tolist()).toStrictEqual([c(1, -2), c(3, 1)]);
  });
});

describe('conversion', () => {
  test('to() between the new dtypes and the old ones', () => {
    const x = torch.tensor([1.5, -2, 300], { dtype: torch.float32 });
    expect(x.to(torch.complex64).tolist()).toStrictEqual([c(1.5, 0), c(-2, 0), c(300, 0)]);
    expect(x.to(torch.complex64).to(torch.complex128).dtype).toBe(torch.complex128);
    expect(torch.tensor([1, 300, 65535]).to(torch.uint16).to(torch.int64).tolist()).toEqual([1, 300, 65535]);
    // Python: torch.tensor([1.5, -2., 300.]).to(torch.float8_e5m2).float() -> [1.5, -2., 320.]
    expect(x.to(torch.float8_e5m2).to(torch.float32).tolist()).toEqual([1.5, -2, 320]);
    expect(torch.zeros(2, { dtype: torch.uint16 }).dtype).toBe(torch.uint16);
    expect(torch.zeros(2, 3, { dtype: torch.complex64 }).tolist()).toStrictEqual([[c(0, 0), c(0, 0), c(0, 0)], [c(0, 0), c(0, 0), c(0, 0)]]);
  });
});

describe('torch.dtype objects', () => {
  test.each(spec.dtypes.map((d) => [d.name, d] as const))('%s: flags, to_real/to_complex, finfo/iinfo', (_n, d) => {
    const dt = dtypeNamed(d.name);
    expect(dt).toBeInstanceOf(torch.DType);
    expect(String(dt)).toBe(d.repr);
    expect(inspect(dt)).toBe(d.repr);
    expect(dt.itemsize).toBe(d.itemsize);
    expect(dt.isFloatingPoint).toBe(d.is_floating_point);
    expect(dt.isComplex).toBe(d.is_complex);
    expect(dt.isSigned).toBe(d.is_signed);
    const attempt = <T>(f: () => T, a: Attempt<unknown>, check: (v: T) => void): void => {
      if ('value' in a) check(f());
      else expectError(f, a.message, a.error === 'TypeError' ? 'TypeError' : 'Error');
    };
    attempt(() => dt.toReal(), d.to_real, (v) => expect(v).toBe(dtypeNamed((d.to_real as { value: string }).value)));
    attempt(() => dt.toComplex(), d.to_complex, (v) => expect(v).toBe(dtypeNamed((d.to_complex as { value: string }).value)));
    attempt(() => torch.finfo(dt), d.finfo, (f) => {
      const e = (d.finfo as { value: Record<string, unknown> }).value;
      expect({ bits: f.bits, eps: f.eps, max: f.max, min: f.min, tiny: f.tiny, smallest_normal: f.smallestNormal, resolution: f.resolution, dtype: f.dtype, str: String(f) }).toEqual(e);
      expect(inspect(f)).toBe(e.str);
    });
    attempt(() => torch.iinfo(dt), d.iinfo, (i) => {
      const e = (d.iinfo as { value: { bits: number; max: Encoded; min: Encoded; dtype: string; str: string } }).value;
      expect({ bits: i.bits, max: i.max, min: i.min, dtype: i.dtype, str: String(i) }).toStrictEqual({ ...e, max: decode(e.max), min: decode(e.min) });
    });
  });

  test('aliases are the same objects', () => {
    for (const [alias, name] of Object.entries(spec.aliases)) expect(dtypeNamed(alias)).toBe(dtypeNamed(name));
  });

  test('torch.finfo() describes the default dtype', () => {
    expect(String(torch.finfo())).toBe(spec.finfo_default);
  });

  test("Complex prints as Python's repr of a complex", () => {
    for (const [re, im, repr] of spec.complex_reprs) expect(String(c(re, im))).toBe(repr);
    expect(inspect(c(1, -2))).toBe('(1-2j)');
    expect(inspect([c(1, 2)])).toBe('[ (1+2j) ]');
  });
});

// ---- files -------------------------------------------------------------------------------------------

function describeTensor(t: torch.Tensor, groups: Map<string, number>): Described {
  const id = torch.native.storageInfo(t._h)[0];
  if (!groups.has(id)) groups.set(id, groups.size);
  return {
    dtype: t.dtype.name, shape: [...t.shape], stride: t.stride(), offset: t.storageOffset(), requires_grad: t.requiresGrad,
    parameter: t instanceof torch.nn.Parameter, bytes: hex(t.toTypedArray()),
    conj: torch.native.callOp(torch.op('aten::is_conj'), t._h) as boolean, neg: torch.native.callOp(torch.op('aten::is_neg'), t._h) as boolean,
    storage: groups.get(id)!,
  };
}

function describeAll(m: Map<unknown, unknown>): [string, Described][] {
  const groups = new Map<string, number>();
  return [...m].map(([k, v]) => [k as string, describeTensor(v as torch.Tensor, groups)]);
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-dtypes-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function pythonRun(code: string, ...args: string[]): string {
  return execFileSync(python, ['-W', 'ignore', '-c', code, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

describe('files written by PyTorch load with the same tensors', () => {
  test.each(['dtypes.pth', 'dtypes_big.pth', 'dtypes_legacy.pth'])('torch.load(%s)', (name) => {
    const loaded = torch.load(fx(name)) as Map<unknown, unknown>;
    expect(describeAll(loaded)).toEqual(spec.files[name]);
  });

  test('torch.load(dtypes.pth, { mmap: true }) and from a Buffer', () => {
    expect(describeAll(torch.load(fx('dtypes.pth'), { mmap: true }) as Map<unknown, unknown>)).toEqual(spec.files['dtypes.pth']);
    expect(describeAll(torch.load(fs.readFileSync(fx('dtypes.pth'))) as Map<unknown, unknown>)).toEqual(spec.files['dtypes.pth']);
  });

  test('loadSafetensors: U16, U32, U64, every F8, F4 (two values a byte) and C64', () => {
    const loaded = torch.loadSafetensors(fx('dtypes.safetensors'));
    // Each safetensors tensor has its own storage.
    const expected = spec.files['dtypes.safetensors']!.map(([k, d]) => [k, { ...d, storage: 0, stride: d.stride, offset: 0 }]);
    expect(describeAll(loaded).map(([k, d]) => [k, { ...d, storage: 0 }])).toEqual(expected);
    expect(torch.load(fx('dtypes.safetensors'))).toBeInstanceOf(Map);
  });
});

describe('files written here load in PyTorch', () => {
  test('torch.save of every new dtype (typed and untyped storages, views, a complex Parameter) equals the original in Python', () => {
    const pairs: [string, string][] = [];
    for (const name of ['dtypes.pth', 'dtypes_big.pth', 'dtypes_legacy.pth']) {
      const out = path.join(tmp, `again_${name}`);
      torch.save(torch.load(fx(name)), out);
      pairs.push([name === 'dtypes_legacy.pth' ? fx(name) : fx('dtypes.pth'), out]);
    }
    const compare = path.join(__dirname, 'serialization', 'compare.py');
    const results = JSON.parse(execFileSync(python, [compare, ...pairs.flat()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { errors: string[] }[];
    results.forEach((r, i) => expect({ file: pairs[i]![1], errors: r.errors }).toEqual({ file: pairs[i]![1], errors: [] }));
  });

  test('Python reads what torch.save wrote here with the same values, conjugate and negative bits', () => {
    const out = path.join(tmp, 'described.pth');
    torch.save(torch.load(fx('dtypes.pth')), out);
    const got = JSON.parse(pythonRun(`
import json, sys, torch
d = torch.load(sys.argv[1], weights_only=True)
groups = {}
out = []
for k, t in d.items():
    r = t.detach().resolve_conj().resolve_neg().contiguous().clone()
    out.append([k, {"dtype": str(t.dtype)[6:], "shape": list(t.shape), "stride": list(t.stride()), "offset": t.storage_offset(),
                    "requires_grad": t.requires_grad, "parameter": isinstance(t, torch.nn.Parameter),
                    "bytes": bytes(r.untyped_storage()).hex(), "conj": t.is_conj(), "neg": t.is_neg(),
                    "storage": groups.setdefault(t.untyped_storage()._cdata, len(groups))}])
print(json.dumps(out))
`, out)) as [string, Described][];
    expect(got).toEqual(spec.files['dtypes.pth']);
  });

  test('saveSafetensors writes the format\'s dtype names, F4 shapes in 4-bit values, and the reference order', () => {
    const tensors = torch.loadSafetensors(fx('dtypes.safetensors'));
    const out = path.join(tmp, 'again.safetensors');
    torch.saveSafetensors(tensors, out);
    const got = JSON.parse(pythonRun(`
import json, struct, sys, torch
NAMES = ${JSON.stringify(Object.fromEntries(Object.entries(spec.safetensors_names).map(([k, v]) => [v, k])))}
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
out = []
for name, info in sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"]):
    b, e = info["data_offsets"]
    dtype = getattr(torch, NAMES[info["dtype"]])
    shape = list(info["shape"])
    if dtype == torch.float4_e2m1fn_x2:
        shape[-1] //= 2
    t = torch.frombuffer(bytearray(data[8 + n + b:8 + n + e]), dtype=torch.uint8).view(dtype).reshape(shape)
    out.append([name, info["dtype"], info["shape"], str(t.dtype)[6:], bytes(t.contiguous().untyped_storage()).hex()])
print(json.dumps(out))
`, out)) as [string, string, number[], string, string][];
    // safetensors' Dtype enum order, largest first (then by name).
    expect(got.map((g) => g[0])).toEqual(['u64', 'c64', 'u32', 'u16', 'float8_e5m2fnuz', 'float8_e4m3fnuz', 'float8_e8m0fnu', 'float8_e4m3fn', 'float8_e5m2', 'float4_e2m1fn_x2']);
    const want = new Map(spec.files['dtypes.safetensors']!);
    for (const [name, stName, shape, dtype, bytes] of got) {
      const w = want.get(name)!;
      expect({ name, stName, dtype, bytes }).toEqual({ name, stName: spec.safetensors_names[w.dtype], dtype: w.dtype, bytes: w.bytes });
      expect(shape).toEqual(w.dtype === 'float4_e2m1fn_x2' ? [...w.shape.slice(0, -1), w.shape[w.shape.length - 1]! * 2] : w.shape);
    }
  });

  test('saveSafetensors refuses the dtypes the format has no name for', () => {
    expectError(() => torch.saveSafetensors({ z: torch.zeros(2, { dtype: torch.complex128 }) }, path.join(tmp, 'no.safetensors')), 'cannot save torch.complex128 tensors');
    expectError(() => torch.saveSafetensors({ z: torch.zeros(2, { dtype: torch.complex32 }) }, path.join(tmp, 'no.safetensors')), 'cannot save torch.complex32 tensors');
    expect(fs.existsSync(path.join(tmp, 'no.safetensors'))).toBe(false);
  });
});
