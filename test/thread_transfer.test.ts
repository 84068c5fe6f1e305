// Tensor hand-off between worker_threads (native.exportTensor / importTensor): the receiving
// thread gets the same storage (no copy), each id is taken once, accounting follows the tensor,
// and nothing leaks. The worker loads the built package (dist/cjs, `npm run build:ts`).
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../lib';

const { native } = torch;
const MB = 1024 * 1024;

// The worker: takes or makes tensors on request and answers with what it sees.
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const torch = require(workerData.dist);
const { native } = torch;
const kept = [];
const report = (t) => ({ bytes: Buffer.from(native.toBytes(t._h)), storage: native.storageInfo(t._h)[0], shape: [...t.shape] });
parentPort.on('message', (m) => {
  try {
    if (m.op === 'take') {
      const t = new torch.Tensor(native.importTensor(m.id));
      parentPort.postMessage({ ...report(t), memory: torch.memory().liveBytes });
      if (m.keep) kept.push(t); else t.dispose();
    } else if (m.op === 'make') {
      torch.manualSeed(m.seed);
      const t = torch.randn(m.n);
      const r = report(t);
      const id = native.exportTensor(t._h);
      t.dispose();
      parentPort.postMessage({ ...r, id });
    } else if (m.op === 'bounce') {
      const t = new torch.Tensor(native.importTensor(m.id));
      const id = native.exportTensor(t._h);
      t.dispose();
      parentPort.postMessage({ id });
    } else if (m.op === 'exportMany') {
      const ids = [];
      for (let i = 0; i < m.n; i++) {
        const t = torch.ones(m.size);
        ids.push(native.exportTensor(t._h));
        t.dispose();
      }
      parentPort.postMessage({ ids });
    } else if (m.op === 'charge') {
      const t = new torch.Tensor(native.importTensor(m.id));
      const live = torch.memory().liveBytes;
      t.dispose();
      parentPort.postMessage({ live, liveAfter: torch.memory().liveBytes });
    } else if (m.op === 'memory') {
      kept.splice(0).forEach((t) => t.dispose());
      parentPort.postMessage({ liveBytes: torch.memory().liveBytes, liveTensors: torch.memory().liveTensors });
    } else if (m.op === 'retake') {
      try { native.importTensor(m.id); parentPort.postMessage({ error: null }); }
      catch (e) { parentPort.postMessage({ error: e.message }); }
    }
  } catch (e) {
    parentPort.postMessage({ error: e.stack });
  }
});
`;

type Reply = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIST = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');

function startWorker(): { worker: Worker; ask: (m: object) => Promise<Reply> } {
  if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build:ts\` (npm test does)`);
  const worker = new Worker(WORKER, { eval: true, workerData: { dist: DIST } });
  const ask = (m: object) =>
    new Promise<Reply>((resolve, reject) => {
      worker.once('message', (r: Reply) => (r.error && (m as Reply).op !== 'retake' ? reject(new Error(r.error)) : resolve(r)));
      worker.once('error', reject);
      worker.postMessage(m);
    });
  return { worker, ask };
}

describe('exportTensor / importTensor across worker_threads', () => {
  let w: ReturnType<typeof startWorker>;
  beforeAll(() => {
    w = startWorker();
  });
  afterAll(async () => {
    await w.worker.terminate();
  });

  test('main -> worker: the same bytes and the same storage, no copy', async () => {
    // Scopes leave no garbage behind whose collection would move the counters compared below.
    const t = torch.tidy(() => torch.arange(24, { dtype: torch.float64 }).reshape(2, 3, 4).mul(1.5));
    const storage = native.storageInfo(t._h)[0];
    const bytes = Buffer.from(native.toBytes(t._h));
    const r = await w.ask({ op: 'take', id: native.exportTensor(t._h), keep: true });
    expect(r.storage).toBe(storage);
    expect(Buffer.from(r.bytes).equals(bytes)).toBe(true);
    expect(r.shape).toEqual([2, 3, 4]);
    // The exporting handle still works; the worker holds its own reference.
    expect(torch.tidy(() => t.sum().item())).toBe(1.5 * 276);
    t.dispose();
    await w.ask({ op: 'memory' });
  });

  test('worker -> main: a tensor made in the worker arrives intact', async () => {
    const r = await w.ask({ op: 'make', seed: 7, n: 1000 });
    const t = new torch.Tensor(native.importTensor(r.id));
    expect(native.storageInfo(t._h)[0]).toBe(r.storage);
    expect(Buffer.from(native.toBytes(t._h)).equals(Buffer.from(r.bytes))).toBe(true);
    torch.manualSeed(7);
    expect(torch.tidy(() => t.equal(torch.randn(1000)))).toBe(true);
    t.dispose();
  });

  test('an id is taken once; a bad or unknown id is an Error, not a crash', async () => {
    const t = torch.ones(3);
    const id = native.exportTensor(t._h);
    const h = native.importTensor(id);
    expect(() => native.importTensor(id)).toThrow(/no tensor is exported under id/);
    expect((await w.ask({ op: 'retake', id })).error).toMatch(/no tensor is exported under id/);
    expect(() => native.importTensor(123456789n)).toThrow(/no tensor is exported under id 123456789/);
    expect(() => native.importTensor(-1n)).toThrow(/no tensor is exported/);
    expect(() => native.importTensor(2n ** 70n)).toThrow(/no tensor is exported/);
    expect(() => native.importTensor(1 as unknown as bigint)).toThrow(/expects the bigint id/);
    expect(() => native.exportTensor({} as unknown as typeof h)).toThrow(/expects a tensor handle/);
    t.dispose();
    expect(() => native.exportTensor(t._h)).toThrow('Tensor has been disposed');
    native.dispose(h);
  });

  test('the storage charge moves with the tensor (torch.memory(); V8 external memory is fed by the same charge)', async () => {
    const base = torch.memory().liveBytes;
    const t = torch.zeros(4 * MB); // 16 MB of float32
    expect(torch.memory().liveBytes - base).toBe(16 * MB);
    const id = native.exportTensor(t._h);
    expect(torch.memory().liveBytes).toBe(base);
    const before = (await w.ask({ op: 'memory' })).liveBytes;
    const r = await w.ask({ op: 'charge', id });
    expect(r.live - before).toBe(16 * MB);
    expect(r.liveAfter).toBe(before);
    t.dispose();
    expect(torch.memory().liveBytes).toBe(base);
  });

  test('no leak over many round trips', async () => {
    const base = torch.memory();
    const workerBase = await w.ask({ op: 'memory' });
    const t0 = torch.arange(256, { dtype: torch.float32 });
    let h = native.exportTensor(t0._h);
    t0.dispose();
    for (let i = 0; i < 300; i++) {
      const r = await w.ask({ op: 'bounce', id: h });
      const back = new torch.Tensor(native.importTensor(r.id));
      h = native.exportTensor(back._h);
      back.dispose();
    }
    const last = new torch.Tensor(native.importTensor(h));
    expect(torch.tidy(() => last.equal(torch.arange(256, { dtype: torch.float32 })))).toBe(true);
    last.dispose();
    expect(native.exportedTensors()).toBe(0);
    expect(torch.memory().liveBytes).toBe(base.liveBytes);
    const after = await w.ask({ op: 'memory' });
    expect(after.liveBytes).toBe(workerBase.liveBytes);
    expect(after.liveTensors).toBe(workerBase.liveTensors);
  });
});

test('ids nobody takes are freed when the exporting thread ends', async () => {
  const w = startWorker();
  const { ids } = await w.ask({ op: 'exportMany', n: 20, size: 1000 });
  expect(native.exportedTensors()).toBe(20);
  const first = new torch.Tensor(native.importTensor(ids[0]));
  await w.worker.terminate();
  expect(native.exportedTensors()).toBe(0);
  expect(() => native.importTensor(ids[1])).toThrow(/no tensor is exported/);
  // What was taken before the exporter ended is the taker's own.
  expect(torch.tidy(() => first.sum().item())).toBe(1000);
  first.dispose();
});
