// torch.save / torch.load against real PyTorch: files written by PyTorch load with exact values
// (scripts/fixtures/serialization.py), files written here load in a live Python run with
// weights_only=True equal to the originals (test/serialization/compare.py), hostile files are
// refused with no side effect, and saves are atomic.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Complex, PY_CLASS, PY_FLOATS, Tuple, markFloat } from '../lib/serialization';
import { ZipReader, BufferSource } from '../lib/serialization/zip';
import { expectError, fixture, rng } from './helpers';

const root = path.join(__dirname, '..');
const FX = path.join(__dirname, 'fixtures', 'generated', 'serialization');
const python = path.join(root, '.venv', 'bin', 'python');

interface Spec {
  expect: Record<string, unknown>;
  hostile: Record<string, string>;
  structural: string[];
  python_errors: Record<string, string | null>;
  marker: string;
}
const spec = fixture<Spec>('serialization.json');
const fx = (name: string): string => path.join(FX, name);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-serialization-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---- the same description scripts/fixtures/serialization.py gives ----------------------------

type Json = unknown;

function values(t: torch.Tensor): Json {
  const d = t.dtype.name;
  const v = d === 'float16' || d === 'bfloat16' ? t.to(torch.float32).tolist() : t.tolist();
  const norm = (x: unknown): unknown => (Array.isArray(x) ? x.map(norm) : typeof x === 'bigint' ? Number(x) : x);
  return norm(v);
}

function describeJs(obj: unknown, storages: Map<string, number>, isFloat = false): Json {
  if (obj instanceof torch.Tensor) {
    const [id, nbytes] = torch.native.storageInfo(obj._h);
    if (!storages.has(id)) storages.set(id, storages.size);
    return {
      kind: obj instanceof torch.nn.Parameter ? 'parameter' : 'tensor',
      dtype: obj.dtype.name,
      shape: [...obj.shape],
      stride: obj.stride(),
      offset: obj.storageOffset(),
      requires_grad: obj.requiresGrad,
      storage: storages.get(id),
      storage_nbytes: nbytes,
      values: values(obj),
    };
  }
  if (obj instanceof Map) {
    const items = [...obj].map(([k, v]) => [describeJs(k, storages), describeJs(v, storages, ((obj as unknown as Record<symbol, Set<unknown>>)[PY_FLOATS])?.has(k) ?? false)]);
    const cls = (obj as unknown as Record<symbol, string>)[PY_CLASS];
    const d: Record<string, Json> = { kind: cls === 'collections.OrderedDict' ? 'OrderedDict' : 'dict', items };
    const md = (obj as { _metadata?: unknown })._metadata;
    if (md !== undefined) d.metadata = describeJs(md, storages);
    return d;
  }
  if (obj instanceof torch.Size) return { kind: 'Size', value: [...obj] };
  if (Array.isArray(obj)) {
    const floats = (obj as unknown as Record<symbol, Set<unknown>>)[PY_FLOATS];
    return { kind: obj instanceof Tuple ? 'tuple' : 'list', items: obj.map((x, i) => describeJs(x, storages, floats?.has(i) ?? false)) };
  }
  if (obj === null) return { kind: 'None' };
  if (typeof obj === 'boolean') return { kind: 'bool', value: obj };
  if (typeof obj === 'bigint') return { kind: 'int', value: String(obj) };
  if (typeof obj === 'number') {
    return isFloat || !Number.isInteger(obj) || Object.is(obj, -0) ? { kind: 'float', value: obj } : { kind: 'int', value: String(obj) };
  }
  if (typeof obj === 'string') return { kind: 'str', value: obj };
  if (Buffer.isBuffer(obj)) return { kind: 'bytes', hex: obj.toString('hex') };
  if (obj instanceof torch.DType) return { kind: 'dtype', value: obj.name };
  if (obj instanceof torch.Device) return { kind: 'device', value: String(obj) };
  throw new Error(`cannot describe ${String(obj)}`);
}

/** The Python description without its float reprs (JS has its own repr). */
function withoutRepr(x: Json): Json {
  if (Array.isArray(x)) return x.map(withoutRepr);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'repr') out[k] = withoutRepr(v);
    return out;
  }
  return x;
}

function pythonCompare(pairs: [string, string][]): { ok: boolean; errors: string[] }[] {
  const out = execFileSync(python, [path.join(__dirname, 'serialization', 'compare.py'), ...pairs.flat()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function pythonRun(code: string, ...args: string[]): string {
  return execFileSync(python, ['-W', 'ignore', '-c', code, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(typeof (e as Error).message).toBe('string');
    return e as Error;
  }
  throw new Error('expected an Error, but nothing was thrown');
}

const PTH = Object.keys(spec.expect).filter((n) => !n.endsWith('.safetensors'));

// ---- loading what PyTorch wrote -------------------------------------------------------------------

describe('torch.load of files written by PyTorch', () => {
  test.each(PTH)('%s loads with exact values, dtypes, strides, offsets and shared storages', (name) => {
    const loaded = torch.load(fx(name));
    expect(describeJs(loaded, new Map())).toEqual(withoutRepr(spec.expect[name]));
    // from memory too
    const fromBuffer = torch.load(fs.readFileSync(fx(name)));
    expect(describeJs(fromBuffer, new Map())).toEqual(withoutRepr(spec.expect[name]));
  });

  test.each(PTH.filter((n) => !n.startsWith('legacy')))('%s with mmap: the same values, layout and sharing', (name) => {
    expect(describeJs(torch.load(fx(name), { mmap: true }), new Map())).toEqual(withoutRepr(spec.expect[name]));
  });

  test('mmap maps copy-on-write: writing to loaded tensors leaves the file as it was', () => {
    const before = fs.readFileSync(fx('views.pth'));
    const v = torch.load(fx('views.pth'), { mmap: true }) as Map<string, torch.Tensor>;
    // Really mapped, not read (Linux shows file mappings in /proc/self/maps).
    if (fs.existsSync('/proc/self/maps')) expect(fs.readFileSync('/proc/self/maps', 'utf8')).toContain(fs.realpathSync(fx('views.pth')));
    v.get('base')!.select(0, 1).select(0, 2).mul_(0).add_(-100);
    expect((v.get('row')!.tolist() as number[])[2]).toBe(-100);
    expect(fs.readFileSync(fx('views.pth')).equals(before)).toBe(true);
    const st = torch.loadSafetensors(fx('tensors.safetensors'), { mmap: true });
    const copy = torch.loadSafetensors(fx('tensors.safetensors'));
    expect([...st.keys()]).toEqual([...copy.keys()]);
    for (const [k, t] of st) {
      expect(t.dtype).toBe(copy.get(k)!.dtype);
      expect(torch.equal(t, copy.get(k)!)).toBe(true);
    }
  });

  test('mmap needs a path and the zip format, as in PyTorch', () => {
    expect(thrown(() => torch.load(fs.readFileSync(fx('tensor.pth')), { mmap: true })).message).toBe('f must be a file path in order to use the mmap argument');
    expect(thrown(() => torch.load(fx('legacy.pth'), { mmap: true })).message).toContain('mmap can only be used with files saved with');
  });

  test('views of one storage stay views after loading: writing through one shows in the others', () => {
    const v = torch.load(fx('views.pth')) as Map<string, torch.Tensor>;
    v.get('base')!.select(0, 1).select(0, 2).mul_(0).add_(-100);
    expect((v.get('row')!.tolist() as number[])[2]).toBe(-100);
    expect((v.get('col')!.tolist() as number[])[1]).toBe(-100);
    expect(v.get('again')).toBe(v.get('block'));
  });

  test('a state_dict is an OrderedDict Map with _metadata; an optimizer checkpoint keeps its nesting', () => {
    const ck = torch.load(fx('checkpoint.pth')) as Map<string, unknown>;
    const model = ck.get('model') as Map<string, torch.Tensor> & { _metadata: Map<string, Map<string, number>> };
    expect(model).toBeInstanceOf(Map);
    expect([...model.keys()]).toContain('1.num_batches_tracked');
    expect(model._metadata.get('1')!.get('version')).toBe(2);
    const opt = ck.get('optimizer') as Map<string, unknown>;
    const groups = opt.get('param_groups') as Map<string, unknown>[];
    expect(groups[0]!.get('lr')).toBe(1);
    expect(groups[0]!.get('params')).toEqual([0, 1, 2, 3, 4, 5]);
    expect((opt.get('state') as Map<number, Map<string, unknown>>).get(0)!.get('momentum_buffer')).toBeInstanceOf(torch.Tensor);
    expect(ck.get('big')).toBe(2n ** 70n);
    expect(ck.get('history')).toEqual([1.5, 1, new Tuple(2, 3, null), [], new Map()]);
    expect((ck.get('history') as unknown[])[2]).toBeInstanceOf(Tuple);
    expect(ck.get('bytes')).toEqual(Buffer.from([0, 0xff, 0x61, 0x62]));
    expect(ck.get('dtype')).toBe(torch.float16);
  });

  test('Parameters come back as nn.Parameter with their requires_grad', () => {
    const v = torch.load(fx('views.pth')) as Map<string, unknown>;
    const [p, frozen] = v.get('params') as torch.Tensor[];
    expect(p).toBeInstanceOf(torch.nn.Parameter);
    expect(p!.requiresGrad).toBe(true);
    expect(frozen!.requiresGrad).toBe(false);
    expect((v.get('leaf') as torch.Tensor).requiresGrad).toBe(true);
    expect((v.get('leaf') as torch.Tensor).isLeaf).toBe(true);
  });

  test('safetensors files load (loadSafetensors and torch.load) with their metadata', () => {
    for (const name of ['tensors.safetensors', 'no_metadata.safetensors']) {
      const want = spec.expect[name] as { metadata: Record<string, string> | null; tensors: Record<string, Json> };
      for (const loaded of [torch.loadSafetensors(fx(name)), torch.loadSafetensors(fs.readFileSync(fx(name))), torch.load(fx(name)) as torch.SafetensorsDict]) {
        expect(loaded.metadata === null ? null : { ...loaded.metadata }).toEqual(want.metadata);
        expect([...loaded.keys()].sort()).toEqual(Object.keys(want.tensors).sort());
        for (const [k, t] of loaded) expect(describeJs(t, new Map())).toEqual(want.tensors[k]);
      }
    }
  });

  test('mapLocation: a device, a dict and a function', () => {
    const a = torch.load(fx('tensor.pth'), { mapLocation: 'cpu' }) as torch.Tensor;
    expect(a.device.type).toBe('cpu');
    torch.load(fx('tensor.pth'), { mapLocation: { cpu: 'cpu' } });
    const seen: string[] = [];
    torch.load(fx('tensor.pth'), { mapLocation: (s, loc) => (seen.push(loc), s) });
    expect(seen).toEqual(['cpu']);
    expect((torch.load(fx('legacy_tensor.pth'), { mapLocation: 'cpu' }) as torch.Tensor).tolist()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    if (!torch.cuda.isAvailable()) {
      expect(thrown(() => torch.load(fx('tensor.pth'), { mapLocation: 'cuda' })).message).toMatch(/CUDA/);
      expect(thrown(() => torch.load(fx('legacy_tensor.pth'), { mapLocation: 'cuda:0' })).message).toMatch(/CPU only/);
    }
  });

  test('a TorchScript archive is refused and pointed to torch.jit.load', () => {
    expect(thrown(() => torch.load(fx('scripted.pt'))).message).toContain('torch.jit.load');
  });
});

// ---- Node -> Python round trips -------------------------------------------------------------------

describe('torch.save: Python reads it back with weights_only=True', () => {
  test('every PyTorch fixture, loaded here and saved again, equals the original in Python', () => {
    const pairs: [string, string][] = [];
    for (const name of PTH) {
      const out = path.join(tmp, `again_${name.replace(/\W/g, '_')}.pth`);
      torch.save(torch.load(fx(name)), out);
      pairs.push([fx(name), out]);
    }
    const results = pythonCompare(pairs);
    results.forEach((r, i) => expect({ file: PTH[i], errors: r.errors }).toEqual({ file: PTH[i], errors: [] }));
  });

  test('objects built here equal the same objects built in Python (int vs float, tuples, nesting, shared storages)', () => {
    const base = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
    const opts = new Map<string, unknown>([['lr', 1], ['momentum', 0.9], ['nesterov', false], ['maximize', null]]);
    markFloat(opts, 'lr');
    const loss = [2, 0.5];
    markFloat(loss, 0);
    const sd = new Map<string, torch.Tensor>([['w', new torch.nn.Parameter(base.clone())], ['b', torch.zeros(4, { dtype: torch.float64 })]]);
    (sd as unknown as { _metadata: unknown })._metadata = new Map([['', new Map([['version', 1]])]]);
    const obj = new Map<unknown, unknown>([
      ['epoch', 5],
      ['opts', opts],
      ['loss', loss],
      ['pair', new Tuple<unknown>(1, 'a', null, true)],
      ['single', new Tuple(new Tuple())],
      [7, 'int key'],
      ['big', 2n ** 64n],
      ['neg', -123456789012],
      ['bytes', Buffer.from('\x00\x01hello\xff', 'latin1')],
      ['views', [base, base.t(), base.select(0, 1), base.slice(1, 1, 3)]],
      ['sd', sd],
      ['dtype', torch.bfloat16],
      ['size', torch.Size.fromDims([2, 3])],
      ['device', new torch.Device('cpu')],
      ['half', torch.tensor([1.5, -2], { dtype: torch.float16 })],
      ['flags', torch.tensor([true, false])],
      ['long', torch.tensor([2n ** 62n, -1n])],
      ['empty', torch.zeros(0, 3)],
      ['scalar', torch.tensor(3)],
      ['grad', torch.ones(2, { requiresGrad: true })],
      ['plain', { a: 1, b: 'x' }],
      ['complex', new Complex(1, -2.5)],
    ]);
    const mine = path.join(tmp, 'built_here.pth');
    torch.save(obj, mine);
    const theirs = path.join(tmp, 'built_in_python.pth');
    pythonRun(`
import collections, sys, torch
base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
sd = collections.OrderedDict([('w', torch.nn.Parameter(base.clone())), ('b', torch.zeros(4, dtype=torch.float64))])
sd._metadata = collections.OrderedDict([('', {'version': 1})])
obj = {
  'epoch': 5, 'opts': {'lr': 1.0, 'momentum': 0.9, 'nesterov': False, 'maximize': None}, 'loss': [2.0, 0.5],
  'pair': (1, 'a', None, True), 'single': ((),), 7: 'int key', 'big': 2**64, 'neg': -123456789012,
  'bytes': b'\\x00\\x01hello\\xff', 'views': [base, base.t(), base[1], base[:, 1:3]], 'sd': sd,
  'dtype': torch.bfloat16, 'size': torch.Size([2, 3]), 'device': torch.device('cpu'),
  'half': torch.tensor([1.5, -2], dtype=torch.float16), 'flags': torch.tensor([True, False]),
  'long': torch.tensor([2**62, -1]), 'empty': torch.zeros(0, 3), 'scalar': torch.tensor(3),
  'grad': torch.ones(2, requires_grad=True), 'plain': {'a': 1, 'b': 'x'}, 'complex': complex(1, -2.5),
}
torch.save(obj, sys.argv[1])
`, theirs);
    const [r] = pythonCompare([[theirs, mine]]);
    expect(r!.errors).toEqual([]);
  });

  test('a state_dict Map with _metadata (as Module.stateDict makes it) is written as Python writes one', () => {
    const loaded = torch.load(fx('state_dict.pth')) as Map<string, torch.Tensor> & { _metadata: Map<string, Map<string, number>> };
    // Rebuilt from plain Maps, as the Module code produces it.
    const plain = new Map(loaded) as Map<string, torch.Tensor> & { _metadata?: unknown };
    plain._metadata = new Map([...loaded._metadata].map(([k, v]) => [k, new Map(v)]));
    const out = path.join(tmp, 'plain_state_dict.pth');
    torch.save(plain, out);
    expect(pythonCompare([[fx('state_dict.pth'), out]])[0]!.errors).toEqual([]);
  });

  test('records are laid out as PyTorch lays them out', () => {
    const out = path.join(tmp, 'layout.pth');
    torch.save(new Map([['a', torch.ones(3)], ['b', torch.zeros(2, { dtype: torch.int64 })]]), out);
    const zip = new ZipReader(new BufferSource(fs.readFileSync(out)));
    expect(zip.names).toEqual([
      'layout/data.pkl', 'layout/.format_version', 'layout/.storage_alignment', 'layout/byteorder',
      'layout/data/0', 'layout/data/1', 'layout/version', 'layout/.data/serialization_id',
    ]);
    for (const n of zip.names) expect(zip.dataOffset(zip.get(n)!) % 64).toBe(0);
    expect(zip.read(zip.get('layout/.data/serialization_id')!).toString()).toMatch(/^\d{40}$/);
    expect(zip.read(zip.get('layout/version')!).toString()).toBe('3\n');
  });

  test('saveSafetensors writes what the format says (checked by a hand-written reader in Python)', () => {
    const loaded = torch.loadSafetensors(fx('tensors.safetensors'));
    const out = path.join(tmp, 'again.safetensors');
    torch.saveSafetensors(loaded, out, loaded.metadata ?? undefined);
    expect(pythonCompare([[fx('tensors.safetensors'), out]])[0]!.errors).toEqual([]);
    const back = torch.loadSafetensors(out);
    expect(back.metadata).toEqual(loaded.metadata);
    // header padded to 8 bytes, offsets sorted by element size then name
    const buf = fs.readFileSync(out);
    const n = Number(buf.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(buf.toString('utf8', 8, 8 + n));
    expect(Object.keys(header)[0]).toBe('__metadata__');
    // non-contiguous and shared tensors are written as plain contiguous copies
    const base = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    torch.saveSafetensors({ t: base.t(), row: base.select(0, 1) }, out);
    const again = torch.loadSafetensors(out);
    expect(again.get('t')!.tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(again.get('row')!.tolist()).toEqual([3, 4, 5]);
  });
});

// ---- hostile files ----------------------------------------------------------------------------------

function pickleArchive(pkl: Buffer): Buffer {
  // A real archive from PyTorch with its data.pkl replaced (the central directory is rewritten).
  const out = path.join(tmp, `crafted_${Math.random().toString(16).slice(2)}.pth`);
  pythonRun(`
import sys, torch
pkl = bytes.fromhex(sys.argv[2])
w = torch._C.PyTorchFileWriter(sys.argv[1])
w.write_record('data.pkl', pkl, len(pkl))
w.write_end_of_file()
`, out, pkl.toString('hex'));
  return fs.readFileSync(out);
}

describe('hostile files are refused, and nothing in them runs', () => {
  beforeEach(() => fs.rmSync(spec.marker, { force: true }));
  afterEach(() => expect(fs.existsSync(spec.marker)).toBe(false));

  test.each(Object.entries(spec.hostile))('%s is refused with an Error naming %s', (name, global) => {
    const e = thrown(() => torch.load(fx(name)));
    expect(e.message).toContain(`GLOBAL ${global}`);
    expect(e.message).toMatch(/^Weights only load failed/);
    expect(e.message).toMatch(/Unsupported global|is blocked/);
  });

  const structural: Record<string, RegExp> = {
    'self_reference.pth': /contains itself/,
    'memo_bomb.pth': /memo bomb/,
    'huge_string.pth': /truncated/,
    'huge_storage.pth': /record size \(16 bytes\) does not match expected size \(8589934588 bytes/,
    'bad_extent.pth': /setStorage: sizes \[4\], strides \[1\], storage offset 2/,
    'missing_memo.pth': /KeyError: 5/,
    'stack_underflow.pth': /pop from empty list/,
    'bad_opcode.pth': /Unsupported operand 147/,
  };
  test.each(Object.entries(structural))('%s is refused', (name, pattern) => {
    expect(spec.structural).toContain(name);
    expect(thrown(() => torch.load(fx(name))).message).toMatch(pattern);
  });

  test('nesting deeper than 1000 levels is refused', () => {
    const depth = 3000;
    const pkl = Buffer.concat([Buffer.from([0x80, 2, 0x5d]), Buffer.from('(]'.repeat(depth), 'latin1'), Buffer.from('e'.repeat(depth) + '.', 'latin1')]);
    expect(thrown(() => torch.load(pickleArchive(pkl))).message).toMatch(/deeper than 1000/);
  });

  test('error messages quote names from the file as printable ASCII only', () => {
    const pkl = Buffer.concat([Buffer.from([0x80, 2, 0x63]), Buffer.from('os\u0000\u00e9\nsys\u001b[2Jtem\n', 'utf8'), Buffer.from('.', 'latin1')]);
    const msg = thrown(() => torch.load(pickleArchive(pkl))).message;
    expect(msg).toMatch(/GLOBAL os\?\?\.sys\?\[2Jtem/);
    expect(msg).not.toMatch(/[\u0000-\u0008\u001b\u007f-\uffff]/);
  });

  test('garbage, empty and truncated inputs give Errors', () => {
    expect(thrown(() => torch.load(Buffer.alloc(0))).message).toMatch(/empty/);
    expect(thrown(() => torch.load(Buffer.from('hello world'))).message).toContain("invalid load key, '\\x68'");
    const good = fs.readFileSync(fx('state_dict.pth'));
    for (const n of [10, 100, good.length - 30, good.length - 1]) thrown(() => torch.load(good.subarray(0, n)));
  });

  test('safetensors headers that break the rules are refused', () => {
    const make = (header: unknown, data: Buffer, n?: bigint): Buffer => {
      const h = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(n ?? BigInt(h.length));
      return Buffer.concat([len, h, data]);
    };
    const t = (offsets: number[], shape = [2], dtype = 'F32') => ({ dtype, shape, data_offsets: offsets });
    const cases: [Buffer, RegExp][] = [
      [make({ a: t([0, 8]) }, Buffer.alloc(8), 200_000_000n), /HeaderTooLarge/],
      [make({ a: t([0, 8]) }, Buffer.alloc(8), 1000n), /InvalidHeaderLength/],
      [make('[1,2]   ', Buffer.alloc(0)), /InvalidHeaderStart/],
      [make('{"a": ', Buffer.alloc(0)), /InvalidHeaderDeserialization/],
      [make({ a: t([0, 8]), b: t([4, 12]) }, Buffer.alloc(12)), /InvalidOffset/],
      [make({ a: t([0, 8]), b: t([12, 20]) }, Buffer.alloc(20)), /InvalidOffset/],
      [make({ a: t([0, 8]) }, Buffer.alloc(12)), /MetadataIncompleteBuffer/],
      [make({ a: t([0, 12]) }, Buffer.alloc(12)), /TensorInvalidInfo/],
      [make({ a: t([0, 8], [2 ** 40, 2 ** 40]) }, Buffer.alloc(8)), /TensorInvalidInfo/],
      [make({ a: t([0, 8], [2], 'X9') }, Buffer.alloc(8)), /unknown dtype/],
      [make({ __metadata__: { a: 1 }, a: t([0, 8]) }, Buffer.alloc(8)), /__metadata__/],
      [Buffer.alloc(5), /HeaderTooSmall/],
    ];
    for (const [buf, pattern] of cases) expect(thrown(() => torch.loadSafetensors(buf)).message).toMatch(pattern);
  });
});

// ---- fuzz -------------------------------------------------------------------------------------------

function disposeAll(x: unknown, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof torch.Tensor) return x.dispose();
  if (x instanceof Map) for (const [k, v] of x) (disposeAll(k, seen), disposeAll(v, seen));
  else if (Array.isArray(x) || x instanceof Set) for (const v of x) disposeAll(v, seen);
}

describe('fuzz: corrupted real files', () => {
  test('10,000+ bit flips, truncations and length/offset corruptions each load or throw an Error', () => {
    const N = Number(process.env.TORCHNODE_SERIALIZATION_FUZZ ?? 10000);
    const next = rng(Number(process.env.TORCHNODE_FUZZ_SEED ?? 20261127));
    const files = ['state_dict.pth', 'checkpoint.pth', 'views.pth', 'dtypes_big.pth', 'legacy.pth', 'shapes.pth', 'tensors.safetensors'].map((n) => {
      const buf = fs.readFileSync(fx(n));
      // The structural regions (pickle, headers, central directory) get most of the mutations.
      const hot: [number, number][] = [];
      if (n.endsWith('.pth') && buf[0] === 0x50) {
        const zip = new ZipReader(new BufferSource(buf));
        const pkl = zip.entries.get([...zip.entries.keys()].find((k) => k.endsWith('/data.pkl'))!)!;
        hot.push([zip.dataOffset(pkl), pkl.size]);
        for (const e of zip.entries.values()) hot.push([e.localHeaderOffset, 30]);
        const cd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
        hot.push([buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])), buf.length - cd + 46]);
      } else {
        hot.push([0, Math.min(buf.length, n.endsWith('.safetensors') ? 8 + Number(buf.readBigUInt64LE(0)) : 2000)]);
      }
      return { n, buf, hot };
    });
    const interesting = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff, -1, 2 ** 31, 64, 1000];
    let loaded = 0;
    let errors = 0;
    for (let i = 0; i < N; i++) {
      const f = files[Math.floor(next() * files.length)]!;
      const buf = Buffer.from(f.buf);
      const pos = (): number => {
        if (next() < 0.8) {
          const [start, len] = f.hot[Math.floor(next() * f.hot.length)]!;
          return Math.min(buf.length - 1, Math.max(0, start + Math.floor(next() * Math.max(1, len))));
        }
        return Math.floor(next() * buf.length);
      };
      let input: Buffer = buf;
      const kind = next();
      if (kind < 0.4) {
        for (let k = 1 + Math.floor(next() * 4); k > 0; k--) buf[pos()]! ^= 1 << Math.floor(next() * 8);
      } else if (kind < 0.55) {
        input = buf.subarray(0, Math.floor(next() * buf.length));
      } else if (kind < 0.9) {
        // a length / offset / size field overwritten with a boundary value
        const p = pos();
        const v = interesting[Math.floor(next() * interesting.length)]!;
        const width = [1, 2, 4, 8][Math.floor(next() * 4)]!;
        if (p + width <= buf.length) {
          if (width === 1) buf.writeUInt8(v & 0xff, p);
          else if (width === 2) buf.writeUInt16LE(v & 0xffff, p);
          else if (width === 4) buf.writeUInt32LE(v >>> 0, p);
          else buf.writeBigInt64LE(BigInt(v), p);
        }
      } else {
        // a run of bytes copied from elsewhere in the file (duplicated opcodes, headers)
        const from = pos();
        const to = pos();
        const len = Math.floor(next() * 64);
        f.buf.copy(buf, to, from, Math.min(from + len, f.buf.length));
      }
      try {
        disposeAll(torch.load(input));
        loaded++;
      } catch (e) {
        if (!(e instanceof Error) || typeof e.message !== 'string') throw new Error(`case ${i} (${f.n}) threw a non-Error: ${String(e)}`);
        errors++;
      }
    }
    expect(loaded + errors).toBe(N);
    expect(errors).toBeGreaterThan(N / 10);
    if (process.env.TORCHNODE_SERIALIZATION_FUZZ) console.log(`serialization fuzz: ${N} cases, ${loaded} loaded, ${errors} refused`);
  }, 900000);
});

// ---- atomic saves ----------------------------------------------------------------------------------

describe('torch.save replaces files atomically', () => {
  test('an error mid-save leaves the previous file intact and no temporary file behind', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'atomic-'));
    const target = path.join(dir, 'ck.pth');
    torch.save(new Map([['w', torch.ones(3)]]), target);
    const before = fs.readFileSync(target);
    expect(() => torch.save(new Map<string, unknown>([['w', torch.zeros(1000)], ['bad', () => 1]]), target)).toThrow(/cannot save a function/);
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['ck.pth']);
  });

  test('a process killed (SIGKILL) while saving leaves the previous checkpoint loadable', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'kill-'));
    const target = path.join(dir, 'checkpoint.pth');
    const child = spawn(process.execPath, [path.join(__dirname, 'serialization', 'saver.js'), target, '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const tmpName = /^\.checkpoint\.pth\.\d+\.[0-9a-f]{12}\.tmp$/;
    let partial = -1;
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`saver exited early (${code})`)));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (!/saved 2\n/.test(out) || partial >= 0) return;
        // Kill it in the middle of its third save (each save rewrites 64 MB), once its temporary
        // file holds more than 1 MB of the new data.
        partial = 0;
        const poll = setInterval(() => {
          for (const n of fs.readdirSync(dir)) {
            if (!tmpName.test(n)) continue;
            let size = 0;
            try {
              size = fs.statSync(path.join(dir, n)).size;
            } catch {
              continue; // renamed meanwhile
            }
            if (size > 1 << 20) {
              child.kill('SIGKILL');
              partial = size;
              clearInterval(poll);
              resolve();
            }
          }
        }, 0);
      });
    });
    await new Promise((r) => child.once('exit', r));
    expect(partial).toBeGreaterThan(1 << 20);
    const saved = Number(/saved (\d+)\n(?![\s\S]*saved)/.exec(out)![1]);
    const ck = torch.load(target) as Map<string, unknown>;
    const step = ck.get('step') as number;
    expect(step === saved || step === saved + 1).toBe(true);
    expect((ck.get('bias') as torch.Tensor).tolist()).toEqual([step, step, step]);
    expect((ck.get('weights') as torch.Tensor).numel()).toBe(16 * 1024 * 1024);
    // The killed save may leave its temporary file (.checkpoint.pth.<pid>.<hex>.tmp); the next
    // save removes it because its process is gone, and nothing else is touched.
    expect(fs.readdirSync(dir).every((n) => n === 'checkpoint.pth' || tmpName.test(n))).toBe(true);
    torch.save(new Map([['step', -1]]), target);
    expect(fs.readdirSync(dir)).toEqual(['checkpoint.pth']);
    expect((torch.load(target) as Map<string, number>).get('step')).toBe(-1);
  }, 120000);
});

describe('the native storage layer refuses what the TypeScript checks should already have refused', () => {
  test('fromStorage: a view outside its storage is an Error, and the storage does not grow', () => {
    const base = torch.zeros(4, { dtype: torch.uint8 });
    const f32 = torch.float32.code;
    for (const [offset, sizes, strides] of [
      [0, [1000000], [1]],
      [1, [1], [1]],
      [0, [2, 2], [1, 1]],
      [-1, [1], [1]],
      [0, [2 ** 52], [2 ** 52]],
    ] as [number, number[], number[]][]) {
      expectError(() => torch.native.fromStorage(base._h, f32, offset, sizes, strides));
    }
    expect(torch.native.storageInfo(base._h)[1]).toBe(4);
    // In bounds: one float32 over the 4 bytes, and an empty view at the end.
    expect(new torch.Tensor(torch.native.fromStorage(base._h, f32, 0, [1], [1])).item()).toBe(0);
    expect(new torch.Tensor(torch.native.fromStorage(base._h, f32, 1, [0], [1])).numel()).toBe(0);
  });
});
