// torch.jit.load's pre-check (lib/jit/validate.ts). Every archive real PyTorch writes passes it and
// loads with PyTorch's outputs (scripts/fixtures/jit_fuzz.py: scripted, traced, frozen, quantized,
// views, sparse COO and CSR, old and missing debug tables, extra files, lite interpreter; the
// jit_models.py fixtures; what torchnode's own jit.save writes). Malformed archives are refused
// with what is wrong. And 5,000 seeded mutations of three small real archives (scripted, traced,
// sparse), loaded in a child process (so that a crash is a failure naming its mutation, not a
// dead jest), each end in a loaded module or an Error.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { validateArchive } from '../lib/jit/validate';
import { expectError, fixture } from './helpers';

const gen = path.join(__dirname, 'fixtures', 'generated');
const dir = path.join(gen, 'jit_fuzz');
const results = torch.load(path.join(dir, 'results.pt')) as Map<string, any>;
const variety = fixture<{ models: string[] }>('jit_fuzz/variety.json');
const model = (name: string): string => path.join(dir, `${name}.pt`);

function expectTensorClose(a: torch.Tensor | torch.Tensor[], b: torch.Tensor | torch.Tensor[]): void {
  if (Array.isArray(a) || Array.isArray(b)) {
    expect((a as torch.Tensor[]).length).toBe((b as torch.Tensor[]).length);
    (a as torch.Tensor[]).forEach((x, i) => expectTensorClose(x, (b as torch.Tensor[])[i]!));
    return;
  }
  expect(a.shape).toEqual(b.shape);
  expect(torch.allclose(a, b, 1e-5, 1e-6)).toBe(true);
}

// ---- a small zip toolkit over real archives -------------------------------------------------------

// Plain JavaScript, shared with the child process below.
const ZIP_JS = String.raw`
const zlib = require('zlib');
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b) {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
// The records of an archive PyTorch wrote (the central directory's order).
function readZip(b) {
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    const method = b.readUInt16LE(p + 10);
    const csize = b.readUInt32LE(p + 20);
    const nameLen = b.readUInt16LE(p + 28);
    const name = b.toString('utf8', p + 46, p + 46 + nameLen);
    const lho = b.readUInt32LE(p + 42);
    const start = lho + 30 + b.readUInt16LE(lho + 26) + b.readUInt16LE(lho + 28);
    const raw = b.subarray(start, start + csize);
    out.push({ name, data: method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw) });
    p += 46 + nameLen + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  return out;
}
// A plain zip of stored records with their CRC-32s.
function writeZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(e.data.length, 18);
    h.writeUInt32LE(e.data.length, 22);
    h.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(h, name, e.data);
    centrals.push(c, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
return { readZip, writeZip };
`;
interface Entry { name: string; data: Buffer }
const { readZip, writeZip } = new Function('require', ZIP_JS)(require) as { readZip: (b: Buffer) => Entry[]; writeZip: (e: Entry[]) => Buffer };

const replaced = (entries: Entry[], name: string, data: Buffer): Buffer =>
  writeZip(entries.map((e) => (e.name.endsWith(name) ? { name: e.name, data } : e)));

// ---- archives real PyTorch (and torchnode) writes pass ------------------------------------------

describe('archives PyTorch writes pass the pre-check', () => {
  test.each(variety.models)('%s loads with PyTorch\'s outputs', (name) => {
    const bytes = fs.readFileSync(model(name));
    expect(() => validateArchive(bytes, name)).not.toThrow();
    const m = torch.jit.load(model(name));
    expectTensorClose(m.forward(results.get(`${name}.x`)) as torch.Tensor, results.get(`${name}.out`));
    m.dispose();
  });

  test('the jit_models.py fixtures, and what torchnode\'s jit.save and freeze write', () => {
    const jitDir = path.join(gen, 'jit');
    for (const name of ['cnn_script', 'cnn_trace', 'multi', 'raiser', 'gen']) {
      expect(() => validateArchive(fs.readFileSync(path.join(jitDir, `${name}.pt`)), name)).not.toThrow();
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-fuzz-'));
    try {
      const x = results.get('conv_trace.x') as torch.Tensor;
      for (const name of ['conv_trace', 'views', 'quantized', 'old_debug']) {
        const m = torch.jit.load(model(name));
        const out = path.join(tmp, `${name}.pt`);
        torch.jit.save(m, out);
        validateArchive(fs.readFileSync(out), out);
        torch.jit.load(out).dispose();
      }
      const frozen = torch.jit.freeze(torch.jit.load(model('conv_trace')).eval());
      torch.jit.save(frozen, path.join(tmp, 'frozen.pt'));
      expectTensorClose(torch.jit.load(path.join(tmp, 'frozen.pt')).forward(x) as torch.Tensor, results.get('conv_trace.out'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

// ---- malformed archives are refused before libtorch sees them ------------------------------------

describe('malformed archives are refused with what is wrong', () => {
  const bytes = fs.readFileSync(model('tiny_script'));
  const entries = readZip(bytes);
  const pkl = entries.find((e) => e.name.endsWith('/data.pkl'))!.data;

  test('zip container', () => {
    const flipped = Buffer.from(bytes);
    const at = bytes.indexOf(pkl);
    flipped[at + 10]! ^= 0x01;
    expectError(() => torch.jit.load(flipped), "torch.jit.load: <buffer>: entry 'tiny_script/data.pkl' CRC-32 mismatch");
    expectError(() => torch.jit.load(bytes.subarray(0, bytes.length - 30)), 'torch.jit.load: <buffer>: PytorchStreamReader failed reading zip archive: failed finding central directory');
    expectError(() => torch.jit.load(Buffer.from('not a zip archive, but long enough to have an end record')), 'PytorchStreamReader failed reading zip archive');
    expectError(() => torch.jit.load(writeZip([...entries, entries[0]!])), 'PytorchStreamReader failed reading zip archive: duplicate record');
    expectError(() => torch.jit.load(writeZip(entries.filter((e) => !e.name.endsWith('constants.pkl')))), 'PytorchStreamReader failed locating file constants.pkl: file not found');
    expectError(() => torch.jit.load(writeZip(entries.map((e) => ({ name: e.name.replace('tiny_script/code/', 'other/code/'), data: e.data })))), "is not in the archive folder 'tiny_script/'");
    expectError(() => torch.jit.load(replaced(entries, '/version', Buffer.from('99\n'))), 'Attempted to read a PyTorch file with version 99, but the maximum supported version for reading is 10.');
    expectError(() => torch.jit.load(replaced(entries, '/code/__torch__.py', Buffer.from([0x63, 0xff, 0xfe]))), "entry 'tiny_script/code/__torch__.py' is not UTF-8 text");
    // A compressed record that claims to inflate to 300 MB (a zip bomb's shape).
    const bomb = Buffer.from(bytes);
    const eocd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    let p = bomb.readUInt32LE(eocd + 16);
    while (bomb.readUInt16LE(p + 10) !== 8) p += 46 + bomb.readUInt16LE(p + 28) + bomb.readUInt16LE(p + 30) + bomb.readUInt16LE(p + 32);
    bomb.writeUInt32LE(300 << 20, p + 24);
    expectError(() => torch.jit.load(bomb), 'inflates past 268435456 bytes of compressed records');
    // Two records over the same bytes.
    const overlap = writeZip(entries);
    const cd = overlap.readUInt32LE(overlap.length - 6);
    overlap.writeUInt32LE(overlap.readUInt32LE(cd + 42), cd + 46 + overlap.readUInt16LE(cd + 28) + 42);
    expect(() => validateArchive(overlap, 'x.pt')).toThrow(/x\.pt: (entries .* overlap|.*local header)/);
  });

  test('pickles', () => {
    // A tensor of 2 x 2 over the 4-element storage of lin.weight, made 3 x 2 (same byte length).
    const sizeAt = pkl.indexOf(Buffer.from([0x4b, 0x02, 0x4b, 0x02, 0x74])); // BININT1 2 BININT1 2 TUPLE
    expect(sizeAt).toBeGreaterThan(0);
    const big = Buffer.from(pkl);
    big[sizeAt + 1] = 3;
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', big)), 'a tensor of size [3, 2] and stride [2, 1] at offset 0 lies outside its storage of 4 elements');
    // A storage of more elements than its record holds.
    const numelAt = pkl.indexOf(Buffer.from([0x4b, 0x04, 0x74])); // numel 4, TUPLE (the persistent id)
    const numel = Buffer.from(pkl);
    numel[numelAt + 1] = 5;
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', numel)), 'has 16 bytes, not 5 Float elements');
    const noData = entries.filter((e) => !e.name.endsWith('/data/0'));
    expectError(() => torch.jit.load(writeZip(noData)), 'PytorchStreamReader failed locating file 0: file not found');
    // Popping below a MARK, an unknown global, a disallowed opcode, trailing bytes, an unknown class.
    const tupleAt = pkl.indexOf(0x74);
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', Buffer.concat([pkl.subarray(0, tupleAt), Buffer.from([0x52]), pkl.subarray(tupleAt + 1)]))), 'entry \'tiny_script/data.pkl\':');
    const evil = Buffer.concat([Buffer.from([0x80, 0x02, 0x63]), Buffer.from('os\nsystem\n'), pkl.subarray(2)]);
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', evil)), 'Unpickler found unknown type os.system');
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', Buffer.concat([Buffer.from([0x80, 0x02, 0x8c, 0x01, 0x61]), pkl.subarray(2)]))), 'Unknown opcode for unpickling: 140');
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', Buffer.concat([pkl, Buffer.from([0x4e])]))), "bytes follow the pickle's STOP");
    const renamed = Buffer.from(pkl.toString('latin1').replace('__torch__\nTiny', '__torch__\nTinz'), 'latin1');
    expectError(() => torch.jit.load(replaced(entries, '/data.pkl', renamed)), "class __torch__.Tinz is not defined in code/");
    expectError(() => torch.jit.load(replaced(entries, '/constants.pkl', Buffer.from([0x80, 0x02, 0x4e, 0x2e]))), 'the constants must be a tuple, not none');
  });

  test('sparse tensors: indices inside the size (libtorch builds them unchecked)', () => {
    const sparse = readZip(fs.readFileSync(model('sparse')));
    const indices = Buffer.from(sparse.find((e) => e.name === 'sparse/data/0')!.data);
    indices.writeBigInt64LE(9n, 2 * 8);
    expectError(() => torch.jit.load(replaced(sparse, '/data/0', indices)), "entry 'sparse/data.pkl': a sparse COO index lies outside the size");
    const col = Buffer.from(sparse.find((e) => e.name === 'sparse/data/3')!.data);
    col.writeBigInt64LE(-1n, 3 * 8);
    expectError(() => torch.jit.load(replaced(sparse, '/data/3', col)), 'a sparse CSR column index lies outside the size');
    const crow = Buffer.from(sparse.find((e) => e.name === 'sparse/data/2')!.data);
    crow.writeBigInt64LE(7n, 3 * 8);
    expectError(() => torch.jit.load(replaced(sparse, '/data/2', crow)), 'sparse CSR row offsets must rise from 0 to the number of values');
  });

  test('debug tables', () => {
    const debugName = '/code/__torch__.py.debug_pkl';
    const debug = entries.find((e) => e.name.endsWith(debugName))!.data;
    // A text index past the string table (libtorch would read out of bounds).
    const i = debug.indexOf(Buffer.from([0x5d, 0x28, 0x4b])); // EMPTY_LIST MARK BININT1 (the first index list)
    const bad = Buffer.from(debug);
    bad[i + 3] = 250;
    expectError(() => torch.jit.load(replaced(entries, debugName, bad)), "entry 'tiny_script/code/__torch__.py.debug_pkl': a string table index is out of range");
    // Not a pickle at all (libtorch reads debug tables when it reports a compile error).
    expectError(() => torch.jit.load(replaced(entries, debugName, Buffer.from('\x80\x02\x0a garbage', 'latin1'))), 'debug_pkl\': Unknown opcode for unpickling: 10');
    const orphan = writeZip([...entries, { name: 'tiny_script/code/nothing.py.debug_pkl', data: debug }]);
    expectError(() => torch.jit.load(orphan), "entry 'tiny_script/code/nothing.py.debug_pkl' has no source file");
  });

  test('loadAsync checks too; errors reject', async () => {
    const tmp = path.join(os.tmpdir(), `jit-fuzz-${process.pid}.pt`);
    const flipped = Buffer.from(bytes);
    flipped[bytes.indexOf(pkl) + 10]! ^= 0x01;
    fs.writeFileSync(tmp, flipped);
    try {
      await expect(torch.jit.loadAsync(tmp)).rejects.toThrow(`torch.jit.load: ${tmp}: entry 'tiny_script/data.pkl' CRC-32 mismatch`);
      await expect(torch.jit.loadAsync(flipped)).rejects.toThrow("torch.jit.load: <buffer>: entry 'tiny_script/data.pkl' CRC-32 mismatch");
      const m = await torch.jit.loadAsync(bytes);
      expectTensorClose(m.forward(results.get('tiny_script.x')) as torch.Tensor, results.get('tiny_script.out'));
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  });
});

// ---- the fuzz, in a child process ----------------------------------------------------------------

// The child (plain Node over dist/cjs, `npm run build:ts`) prints each case's mutation before it
// loads it, then the counts as JSON; a crash leaves the last mutation as the last line.
const CHILD = String.raw`
const fs = require('fs'), path = require('path'), os = require('os'), zlib = require('zlib');
const { dist, seeds, count, seed, zipJs } = JSON.parse(process.argv[1]);
const torch = require(dist);
const { validateArchive } = require(path.join(path.dirname(dist), 'jit', 'validate.js'));
const { readZip, writeZip } = new Function('require', zipJs)(require);
let s = seed >>> 0;
const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const int = (n) => Math.floor(rnd() * n);
const pick = (xs) => xs[int(xs.length)];
const bases = seeds.map((f) => { const b = fs.readFileSync(f); return { bytes: b, entries: readZip(b) }; });
// Protocol-2 opcodes libtorch knows, with their argument bytes (-1: a length-prefixed or line argument).
const ARGS = { 0x28: 0, 0x2e: 0, 0x47: 8, 0x4a: 4, 0x4b: 1, 0x4d: 2, 0x4e: 0, 0x51: 0, 0x52: 0, 0x58: -1, 0x65: 0, 0x62: 0, 0x63: -1, 0x64: 0,
  0x68: 1, 0x6a: 4, 0x6c: 0, 0x71: 1, 0x72: 4, 0x73: 0, 0x74: 0, 0x75: 0, 0x7d: 0, 0x5d: 0, 0x29: 0, 0x80: 1, 0x81: 0, 0x85: 0, 0x86: 0,
  0x87: 0, 0x88: 0, 0x89: 0, 0x8a: -1, 0x61: 0, 0x55: -1, 0x8c: -1, 0x30: 0, 0x32: 0 };
const OPS = Object.keys(ARGS).map(Number);
const GLOBALS = ['torch._utils\n_rebuild_tensor_v2\n', 'torch._utils\n_rebuild_qtensor\n', 'collections\nOrderedDict\n', 'torch\nFloatStorage\n', 'torch\nLongStorage\n',
  'torch.jit._pickle\nrestore_type_tag\n', 'torch.jit._pickle\nbuild_intlist\n', 'torch.jit._pickle\nbuild_tensor_from_id\n', 'torch\ndevice\n', 'builtins\ncomplex\n',
  'torch\nper_tensor_affine\n', 'os\nsystem\n', '__main__\nTensorID\n', 'torch._utils\n_rebuild_sparse_tensor\n'];
function ops(p) {
  const out = []; let i = 2;
  while (i < p.length) {
    const op = p[i]; let n = ARGS[op];
    if (n === undefined) break;
    if (op === 0x58) n = i + 5 > p.length ? -1 : 4 + p.readUInt32LE(i + 1);
    else if (op === 0x63) { const a = p.indexOf(10, i + 1); n = a < 0 ? -1 : p.indexOf(10, a + 1) - i; }
    else if (op === 0x8a || op === 0x55 || op === 0x8c) n = 1 + p[i + 1];
    if (n < 0 || i + 1 + n > p.length) break;
    out.push([i, 1 + n]); i += 1 + n;
  }
  return out;
}
function randomOp() {
  const op = pick(OPS); const n = ARGS[op];
  if (op === 0x63) return Buffer.concat([Buffer.from([op]), Buffer.from(pick(GLOBALS))]);
  if (op === 0x58) { const t = Buffer.from(pick(['storage', 'cpu', '0', 'List[int]', 'Dict[str, Tensor]', 'weight', 'x'.repeat(int(5))])); const h = Buffer.alloc(5); h[0] = op; h.writeUInt32LE(t.length, 1); return Buffer.concat([h, t]); }
  if (n < 0) { const b = Buffer.alloc(2 + 8); b[0] = op; b[1] = 8; for (let k = 2; k < 10; k++) b[k] = int(256); return b; }
  const b = Buffer.alloc(1 + n); b[0] = op; for (let k = 1; k <= n; k++) b[k] = pick([0, 1, 2, 3, 255, int(256)]); return b;
}
function mutatePickle(p) {
  let b = Buffer.from(p); const what = [];
  for (let k = 0; k < 1 + int(3); k++) {
    const list = ops(b); if (list.length === 0) break;
    const [at, len] = pick(list); const kind = int(7);
    if (kind === 0) { b[at] = pick(OPS); what.push('replace@' + at); }
    else if (kind === 1) { b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]); what.push('delete@' + at); }
    else if (kind === 2) { b = Buffer.concat([b.subarray(0, at), randomOp(), b.subarray(at)]); what.push('insert@' + at); }
    else if (kind === 3) { b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]); what.push('duplicate@' + at); }
    else if (kind === 4 || kind === 5) {
      const ints = list.filter(([i]) => b[i] === 0x4b || b[i] === 0x4d || b[i] === 0x4a || b[i] === 0x68 || b[i] === 0x71);
      if (ints.length === 0) continue;
      const [i, l] = pick(ints);
      for (let q = i + 1; q < i + l; q++) b[q] = pick([0, 1, 2, 3, 4, 5, 8, 16, 127, 128, 255, int(256)]);
      what.push('int@' + i);
    } else {
      const strs = list.filter(([i]) => b[i] === 0x58 || b[i] === 0x63);
      if (strs.length === 0) continue;
      const [i, l] = pick(strs); b[i + 1 + int(l - 1)] = pick([0, 10, 46, 95, 97, 255, int(256)]); what.push('string@' + i);
    }
  }
  return [b, what.join(',')];
}
function mutate(i) {
  const bi = int(bases.length); const base = bases[bi]; const b = Buffer.from(base.bytes);
  const r = rnd(); const e = base.entries;
  if (r < 0.12) { const n = 1 + int(8); for (let k = 0; k < n; k++) b[int(b.length)] ^= 1 << int(8); return [b, 'base ' + bi + ': ' + n + ' bit flips'] }
  if (r < 0.2) { const at = int(b.length), n = 1 + int(64), v = pick([0, 255, -1]); for (let k = at; k < Math.min(b.length, at + n); k++) b[k] = v < 0 ? int(256) : v; return [b, 'base ' + bi + ': run of ' + n + ' at ' + at]; }
  if (r < 0.28) { const n = int(b.length); return [b.subarray(0, n), 'base ' + bi + ': truncated to ' + n]; }
  if (r < 0.4) {
    // A field of a central directory entry or a local header.
    const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])); let p = b.readUInt32LE(eocd + 16);
    const which = int(b.readUInt16LE(eocd + 10)); for (let k = 0; k < which; k++) p += 46 + b.readUInt16LE(p + 28) + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
    const local = rnd() < 0.4; const at = local ? b.readUInt32LE(p + 42) : p;
    const fields = local ? [[6, 2], [8, 2], [14, 4], [18, 4], [22, 4], [26, 2], [28, 2]] : [[8, 2], [10, 2], [16, 4], [20, 4], [24, 4], [28, 2], [30, 2], [32, 2], [42, 4]];
    const [off, w] = pick(fields); const old = w === 2 ? b.readUInt16LE(at + off) : b.readUInt32LE(at + off);
    const max = w === 2 ? 0xffff : 0xffffffff;
    const v = pick([0, 1, max, old + 1, Math.max(0, old - 1), old * 2, int(max)]) % (max + 1);
    if (w === 2) b.writeUInt16LE(v, at + off); else b.writeUInt32LE(v >>> 0, at + off);
    const eocdField = rnd() < 0.1 ? pick([8, 10, 12, 16]) : -1;
    if (eocdField >= 0) b.writeUInt16LE(int(0x10000), eocd + eocdField);
    return [b, 'base ' + bi + ': ' + (local ? 'local' : 'central') + ' header ' + which + ' field +' + off + ' = ' + v + (eocdField >= 0 ? ' and eocd +' + eocdField : '')];
  }
  if (r < 0.78) {
    const pkls = e.filter((x) => x.name.endsWith('.pkl') || x.name.endsWith('debug_pkl'));
    const target = rnd() < 0.6 ? e.find((x) => x.name.endsWith('/data.pkl')) : pick(pkls);
    const [p, what] = mutatePickle(target.data);
    return [writeZip(e.map((x) => (x === target ? { name: x.name, data: p } : x))), 'base ' + bi + ': ' + target.name + ' ' + what];
  }
  if (r < 0.88) {
    const code = e.filter((x) => x.name.endsWith('.py'));
    const target = pick(code); const c = Buffer.from(target.data); const n = 1 + int(4);
    for (let k = 0; k < n; k++) c[int(c.length)] = pick([32, 40, 41, 58, 10, 97, 48, int(128)]);
    return [writeZip(e.map((x) => (x === target ? { name: x.name, data: c } : x))), 'base ' + bi + ': ' + target.name + ' ' + n + ' bytes'];
  }
  const k = int(e.length);
  if (rnd() < 0.5) return [writeZip(e.filter((_, j) => j !== k)), 'base ' + bi + ': without ' + e[k].name];
  const dup = e.slice(); dup.splice(int(e.length), 0, { name: rnd() < 0.5 ? e[k].name : e[k].name + '2', data: e[k].data });
  return [writeZip(dup), 'base ' + bi + ': duplicated ' + e[k].name];
}
(async () => {
  const counts = { refused: 0, reached: 0, loaded: 0, libtorchError: 0, async: 0 };
  const tmp = path.join(os.tmpdir(), 'jit-fuzz-' + process.pid + '.pt');
  const out = (line) => fs.writeSync(1, line + '\n');
  for (let i = 0; i < count; i++) {
    const [bytes, what] = mutate(i);
    out('case ' + i + ': ' + what);
    const errorOk = (e) => { if (!(e instanceof Error) || typeof e.message !== 'string' || e.message.length === 0) throw new Error('case ' + i + ' threw a non-Error: ' + String(e)); };
    try { validateArchive(bytes, 'case'); } catch (e) {
      errorOk(e);
      // Every refusal is the pre-check's own, not an exception from inside it.
      if (!e.message.startsWith('torch.jit.load: case: ')) throw new Error('case ' + i + ': the pre-check failed with ' + e.stack);
      counts.refused++;
      continue;
    }
    counts.reached++;
    try {
      let m;
      if (i % 25 === 0) { fs.writeFileSync(tmp, bytes); m = await torch.jit.loadAsync(tmp); counts.async++; }
      else m = torch.jit.load(bytes);
      m.dispose();
      counts.loaded++;
    } catch (e) { errorOk(e); counts.libtorchError++; }
  }
  fs.rmSync(tmp, { force: true });
  out(JSON.stringify(counts));
})().catch((e) => { fs.writeSync(2, String(e && e.stack || e)); process.exit(3); });
`;

test('5,000 mutated archives: each an Error or a module, never a crash', () => {
  const dist = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
  if (!fs.existsSync(path.join(path.dirname(dist), 'jit', 'validate.js'))) throw new Error(`${dist} is missing or stale: run \`npm run build:ts\` (npm test does)`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', CHILD, JSON.stringify({ dist, seeds: ['tiny_script', 'tiny_trace', 'sparse'].map(model), count: 5000, seed: 14, zipJs: ZIP_JS })], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 300_000,
  });
  const lines = r.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    throw new Error(`the child died (status ${r.status}, signal ${r.signal}) at ${last}\n${r.stderr.slice(-2000)}`);
  }
  const counts = JSON.parse(last) as { refused: number; reached: number; loaded: number; libtorchError: number; async: number };
  console.log(`jit fuzz: 5000 cases in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  expect(counts.refused + counts.reached).toBe(5000);
  expect(counts.refused).toBeGreaterThan(0);
  expect(counts.reached).toBeGreaterThan(0);
  expect(counts.loaded).toBeGreaterThan(0);
  expect(counts.loaded + counts.libtorchError).toBe(counts.reached);
  expect(counts.async).toBeGreaterThan(0);
});
