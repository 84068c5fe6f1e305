// torch.loadAsync / torch.saveAsync: the file I/O off the event loop, the same options, results and
// errors as load / save, saveAsync atomic as save is and a snapshot of the tensors when called.
// Files cross with Python (scripts/fixtures/serialization_async.py): Python's checkpoint loads
// here with loadAsync, and what saveAsync writes loads in Python's torch.load(weights_only=True).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture } from './helpers';

const dir = path.join(__dirname, 'fixtures', 'generated', 'serialization_async');
const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
const script = path.join(__dirname, '..', 'scripts', 'fixtures', 'serialization_async.py');

type Desc = { dtype: string; shape: number[]; data: unknown };
function describe(v: unknown): unknown {
  if (v instanceof torch.Tensor) {
    const data = v.dtype === torch.float16 || v.dtype === torch.bfloat16 ? v.float().tolist() : v.tolist();
    return { dtype: `torch.${v.dtype.name}`, shape: [...v.shape], data };
  }
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), describe(x)]));
  if (Array.isArray(v)) return v.map(describe);
  return v;
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-async-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

test("loadAsync reads Python's checkpoint as load does (mapLocation, mmap, bytes)", async () => {
  const file = path.join(dir, 'python.pth');
  const expected = fixture<Record<string, unknown>>('serialization_async/python.json');
  const loaded = (await torch.loadAsync(file)) as Map<string, unknown>;
  expect(describe(loaded)).toEqual(expected);
  // Shared storage survives: the view and its base are one storage, as in Python.
  const base = loaded.get('base') as torch.Tensor;
  (loaded.get('view') as torch.Tensor).fill_(7);
  expect((base.tolist() as number[]).slice(1, 4)).toEqual([7, 7, 7]);
  expect(describe(await torch.loadAsync(file, { mapLocation: 'cpu' }))).toEqual(expected);
  expect(describe(await torch.loadAsync(file, { mmap: true }))).toEqual(expected);
  expect(describe(await torch.loadAsync(fs.readFileSync(file)))).toEqual(expected);
});

test('saveAsync writes what Python loads, atomically, from a snapshot of the tensors', async () => {
  const target = path.join(tmp, 'node.pth');
  fs.writeFileSync(target, 'the previous file');
  fs.chmodSync(target, 0o640);
  const w = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  const obj = new Map<string, unknown>([
    ['w', w],
    ['row', w.select(0, 1)],
    ['ints', torch.tensor([1, 2, 3])],
    ['meta', new Map<string, unknown>([['epoch', 2], ['lr', 0.5]])],
  ]);
  const pending = torch.saveAsync(obj, target);
  // Changed after the call, before the file is written: the file has the values of the call.
  w.add_(100);
  await pending;
  expect(fs.readdirSync(tmp)).toEqual(['node.pth']);
  expect(fs.statSync(target).mode & 0o777).toBe(0o640);
  const py = JSON.parse(execFileSync(python, [script, '--check', target], { encoding: 'utf8' }));
  expect(py).toEqual({
    w: { dtype: 'torch.float32', shape: [2, 3], data: [[0, 1, 2], [3, 4, 5]] },
    row: { dtype: 'torch.float32', shape: [3], data: [3, 4, 5] },
    ints: { dtype: 'torch.int64', shape: [3], data: [1, 2, 3] },
    meta: { epoch: 2, lr: 0.5 },
  });
  // The same bytes as save writes.
  w.sub_(100);
  fs.mkdirSync(path.join(tmp, 'a'));
  fs.mkdirSync(path.join(tmp, 'b'));
  torch.save(obj, path.join(tmp, 'a', 'x.pth'));
  await torch.saveAsync(obj, path.join(tmp, 'b', 'x.pth'));
  expect(fs.readFileSync(path.join(tmp, 'b', 'x.pth')).equals(fs.readFileSync(path.join(tmp, 'a', 'x.pth')))).toBe(true);
});

test('the event loop runs while files are read and written', async () => {
  const big = torch.randn(4_000_000); // 16 MB
  const target = path.join(tmp, 'big.pth');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    const saving = torch.saveAsync(new Map([['big', big]]), target);
    const before = ticks;
    await saving;
    expect(ticks).toBeGreaterThan(before);
    const atSave = ticks;
    const loaded = (await torch.loadAsync(target)) as Map<string, torch.Tensor>;
    expect(ticks).toBeGreaterThan(atSave);
    expect(torch.equal(loaded.get('big')!, big)).toBe(true);
  } finally {
    clearInterval(timer);
  }
});

test('errors reject with the messages of load and save; a failed save leaves no file', async () => {
  const missing = path.join(tmp, 'missing.pth');
  expect((await rejection(torch.loadAsync(missing))).message).toBe(thrown(() => torch.load(missing)).message);
  const garbage = path.join(tmp, 'garbage.pth');
  fs.writeFileSync(garbage, 'not a checkpoint');
  expect((await rejection(torch.loadAsync(garbage))).message).toBe(thrown(() => torch.load(garbage)).message);
  const empty = path.join(tmp, 'empty.pth');
  fs.writeFileSync(empty, '');
  expect((await rejection(torch.loadAsync(empty))).message).toBe('EOFError: Ran out of input (the file is empty)');
  expect((await rejection(torch.loadAsync(garbage, { weightsOnly: false } as never))).message).toBe(thrown(() => torch.load(garbage, { weightsOnly: false } as never)).message);
  expect((await rejection(torch.loadAsync(Buffer.from('x'), { mmap: true }))).message).toBe('f must be a file path in order to use the mmap argument');

  const noParent = path.join(tmp, 'nowhere', 'x.pth');
  expect((await rejection(torch.saveAsync(torch.ones(1), noParent))).message).toBe(`Parent directory ${path.join(tmp, 'nowhere')} does not exist.`);
  expect((await rejection(torch.saveAsync(torch.ones(1), 3 as never))).message).toBe('torch.save expects a file path');
  const kept = path.join(tmp, 'kept.pth');
  torch.save(torch.ones(2), kept);
  const before = fs.readFileSync(kept);
  const unsaveable = new Map<string, unknown>([['f', () => 1]]);
  expect((await rejection(torch.saveAsync(unsaveable, kept))).message).toBe(thrown(() => torch.save(unsaveable, kept)).message);
  expect(fs.readFileSync(kept).equals(before)).toBe(true);
  // A folder in the way: the rename fails, retold about the target; no temporary file is left.
  const folder = path.join(tmp, 'folder.pth');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'inside'), '');
  const e = await rejection(torch.saveAsync(torch.ones(1), folder));
  expect(e.message).toBe(thrown(() => torch.save(torch.ones(1), folder)).message);
  expect(e.message).toContain(`'${folder}'`);
  expect(fs.readdirSync(tmp).sort()).toEqual(['empty.pth', 'folder.pth', 'garbage.pth', 'kept.pth']);
});

test('concurrent saveAsync calls to one file leave one whole file', async () => {
  const target = path.join(tmp, 'race.pth');
  await Promise.all([1, 2, 3, 4].map((k) => torch.saveAsync(torch.full([1000], k), target)));
  const t = torch.load(target) as torch.Tensor;
  const first = t.tolist() as number[];
  expect(new Set(first).size).toBe(1);
  expect([1, 2, 3, 4]).toContain(first[0]);
  expect(fs.readdirSync(tmp)).toEqual(['race.pth']);
});

test('unknown options and extra arguments are TypeErrors, sync and async, before any file is touched', async () => {
  const file = path.join(os.tmpdir(), `torchnode-options-${process.pid}.pth`);
  const bogus = { bogus: 1 } as never;
  expect(() => torch.save({ a: 1 }, file, bogus)).toThrow(new TypeError("save() got an unexpected keyword argument 'bogus'"));
  expect(() => torch.save({ a: 1 }, file, 2 as never, 3 as never)).toThrow(new TypeError('save() takes 2 positional arguments but 4 were given'));
  await expect(torch.saveAsync({ a: 1 }, file, { pickleProtocol: 2 } as never)).rejects.toThrow(new TypeError("save() got an unexpected keyword argument 'pickle_protocol'"));
  expect(fs.existsSync(file)).toBe(false);
  expect(() => torch.load(file, { bogus: 1 } as never)).toThrow(new TypeError("load() got an unexpected keyword argument 'bogus'"));
  await expect(torch.loadAsync(file, { mapLocatoin: 'cpu' } as never)).rejects.toThrow(new TypeError("load() got an unexpected keyword argument 'map_locatoin'"));
});
