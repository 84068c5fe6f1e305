// DataLoader workers (worker_threads) against PyTorch's multi-process DataLoader
// (scripts/fixtures/data.py): the same batches in the same order, each worker seeded with
// base_seed + id, errors from workers, batches built in parallel, and workers that end with
// their iteration.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as torch from '../lib';
import { fixture } from './helpers';
import { Exits, Failing, Info, Range, Seeds, Slow, StorageOf, failingInit, stackWithStorage, sumCollate } from './data/datasets';

const data = torch.utils.data;
const F = fixture<Record<string, any>>('data.json'); // eslint-disable-line @typescript-eslint/no-explicit-any
const after = (): unknown => torch.randint(0, 2 ** 31, [2]).tolist();

type Batch = Record<string, torch.Tensor | string[]>;
const plain = (b: Batch): Record<string, unknown> => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Array.isArray(v) ? v : v.tolist()]));

async function collect<T>(loader: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

/** The workers of an iterator (PyTorch's `_workers`) all exit, without being told here. */
async function ended(it: AsyncIterator<unknown>): Promise<void> {
  const pool = (it as unknown as { _pool: { live: number; exited: Promise<void> } })._pool;
  await Promise.race([pool.exited, new Promise((resolve) => setTimeout(resolve, 15000).unref())]);
  expect(pool.live).toBe(0);
}

// Worker threads share libtorch's default generator, so the draws a dataset makes in them ('r')
// are not PyTorch's; what the loader decides (indices, workers, seeds) is.
const noDraws = (b: Record<string, unknown>): Record<string, unknown> => ({ ...b, r: undefined });

test.each(F.workerSeeds.map((c: any) => [`seed ${c.seed}, ${c.numWorkers} workers, batch ${c.batchSize}, shuffle ${c.shuffle}`, c]) as [string, any][])(
  "batches, their order, the workers and their seeds are PyTorch's: %s",
  async (_n, c) => {
    torch.manualSeed(c.seed);
    const loader = new data.DataLoader<Batch>(new Seeds(), { batchSize: c.batchSize, shuffle: c.shuffle, numWorkers: c.numWorkers });
    expect((await collect(loader)).map(plain).map(noDraws)).toEqual(c.batches.map(noDraws));
  },
);

test('TensorDataset batches through 2 workers: the shuffled orders of the single-thread loader', async () => {
  const ds = new data.TensorDataset(torch.arange(20).view(10, 2), torch.arange(10).mul(0.5));
  for (const c of F.loaders.slice(0, 2)) {
    torch.manualSeed(c.seed);
    const loader = new data.DataLoader<torch.Tensor[]>(ds, { batchSize: c.batchSize, shuffle: c.shuffle, dropLast: c.dropLast, numWorkers: 2 });
    const epochs = [];
    for (let e = 0; e < 2; e++) epochs.push((await collect(loader)).map((b) => [b[0]!.tolist(), b[1]!.tolist()]));
    expect(epochs).toEqual(c.epochs);
    expect(after()).toEqual(c.after);
  }
});

test("worker threads leave the main thread's libtorch settings alone (intra-op threads)", async () => {
  const threads = torch.getNumThreads();
  torch.setNumThreads(2);
  try {
    const ds = new data.TensorDataset(torch.arange(8));
    await collect(new data.DataLoader<torch.Tensor[]>(ds, { batchSize: 2, numWorkers: 2 }));
    expect(torch.getNumThreads()).toBe(2);
  } finally {
    torch.setNumThreads(threads);
  }
});

test('persistent workers: one base seed, the same threads', async () => {
  torch.manualSeed(17);
  const loader = new data.DataLoader<Batch>(new Info(), { batchSize: 3, shuffle: true, numWorkers: 2, persistentWorkers: true });
  const first = (await collect(loader)).map(plain);
  const pool = loader._pool!;
  const second = (await collect(loader)).map(plain);
  expect(loader._pool).toBe(pool);
  expect(pool.live).toBe(2);
  expect([first, second]).toEqual(F.persistent.epochs.map((e: Record<string, unknown>[]) => e.map(({ r: _r, ...rest }) => rest)));
  expect(after()).toEqual(F.persistent.after);
  pool.terminate();
});

describe("multiprocessingContext 'spawn': worker processes, each seeded as PyTorch seeds its workers", () => {
  test.each(F.workerSeeds.map((c: any) => [`seed ${c.seed}, ${c.numWorkers} workers`, c]) as [string, any][])('the draws in the workers are PyTorch\'s too: %s', async (_n, c) => {
    torch.manualSeed(c.seed);
    const loader = new data.DataLoader<Batch>(new Seeds(), { batchSize: c.batchSize, shuffle: c.shuffle, numWorkers: c.numWorkers, multiprocessingContext: 'spawn' });
    const it = loader[Symbol.asyncIterator]();
    const batches: Record<string, unknown>[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) batches.push(plain(r.value));
    expect(batches).toEqual(c.batches);
    expect(after()).toEqual(c.after);
    await ended(it);
  });

  test('persistent worker processes: their streams go on from one epoch to the next', async () => {
    torch.manualSeed(17);
    const loader = new data.DataLoader<Batch>(new Seeds(), { batchSize: 3, shuffle: true, numWorkers: 2, persistentWorkers: true, multiprocessingContext: 'spawn' });
    const epochs = [(await collect(loader)).map(plain), (await collect(loader)).map(plain)];
    expect(epochs).toEqual(F.persistent.epochs);
    expect(after()).toEqual(F.persistent.after);
    loader._pool!.terminate();
  });

  test('a torch.Generator draws the base seed and the shuffle', async () => {
    const loader = new data.DataLoader<Batch>(new Seeds(), { batchSize: 4, shuffle: true, numWorkers: 2, generator: new torch.Generator().manualSeed(99), multiprocessingContext: 'spawn' });
    expect((await collect(loader)).map(plain)).toEqual(F.generatorLoader);
  });

  test('errors from a worker process', async () => {
    await expect(collect(new data.DataLoader(new Failing(3), { batchSize: 2, numWorkers: 1, multiprocessingContext: 'spawn' }))).rejects.toThrow(
      'Caught RangeError in DataLoader worker process 0.\nOriginal RangeError: sample 3 is broken',
    );
    expect(() => new data.DataLoader(new Info(), { multiprocessingContext: 'spawn' })).toThrow(F.errors.context_workers.message);
    expect(() => new data.DataLoader(new Info(), { numWorkers: 1, multiprocessingContext: 'fork' as never })).toThrow(
      "multiprocessing_context option should specify a valid start method in ['spawn'], but got multiprocessing_context='fork'",
    );
  });
});

test('tensors cross threads without a copy: the dataset to the workers, the batches back', async () => {
  const t = torch.arange(6);
  const seen = await collect(new data.DataLoader<string[]>(new StorageOf(t), { batchSize: 2, numWorkers: 1 }));
  expect(seen).toEqual([[torch.native.storageInfo(t._h)[0], torch.native.storageInfo(t._h)[0]]]);
  const ds = new data.TensorDataset(torch.arange(8).view(4, 2));
  const batches = await collect(new data.DataLoader<[torch.Tensor, string]>(ds, { batchSize: 2, numWorkers: 2, collateFn: stackWithStorage as never }));
  expect(batches.map(([b]) => b.tolist())).toEqual([[[0, 1], [2, 3]], [[4, 5], [6, 7]]]);
  for (const [b, storage] of batches) expect(torch.native.storageInfo(b._h)[0]).toBe(storage);
});

test('iterable datasets are split by getWorkerInfo() in each worker', async () => {
  const batches = await collect(new data.DataLoader<torch.Tensor>(new Range(0, 10), { batchSize: 2, numWorkers: 2 }));
  const sorted = batches.map((b) => (b.tolist() as number[]).sort((x, y) => x - y)).sort((a, b) => a[0]! - b[0]!);
  expect(sorted).toEqual(F.datasets.iterableLoader.workers);
});

test('a collate function reaches the workers by its module', async () => {
  const batches = await collect(new data.DataLoader<number[]>(new Slow(7, 0), { batchSize: 3, numWorkers: 2, collateFn: sumCollate as never }));
  expect(batches).toEqual([[3, 0], [12, 1], [6, 0]]);
});

test("an error in a worker reaches the iterator with the worker's message and stack; the iteration goes on", async () => {
  const it = new data.DataLoader(new Failing(5), { batchSize: 2, numWorkers: 2 })[Symbol.asyncIterator]();
  const got: unknown[] = [];
  for (;;) {
    try {
      const r = await it.next();
      if (r.done) break;
      got.push((r.value as torch.Tensor).tolist());
    } catch (e) {
      const err = e as Error;
      expect(err.name).toBe('RangeError'); // Python's IndexError
      expect(err.message).toContain('Original RangeError: sample 5 is broken');
      expect(err.message).toContain('datasets.ts'); // the worker's stack
      got.push(err.message.split('\n')[0]!.replace('RangeError', 'IndexError'));
    }
  }
  expect(got).toEqual(F.failing);
  await ended(it);

  const init = new data.DataLoader(new Failing(-1), { batchSize: 2, numWorkers: 2, workerInitFn: failingInit });
  await expect(collect(init)).rejects.toThrow('Caught TypeError in DataLoader worker process 1.\nOriginal TypeError: init failed in worker 1');
});

test('the workers of an iterator dropped unfinished end when it is collected', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  let it: AsyncIterator<unknown> | null = new data.DataLoader(new Slow(40, 5), { numWorkers: 2 })[Symbol.asyncIterator]();
  await it.next();
  const pool = (it as unknown as { _pool: { live: number } })._pool;
  it = null;
  for (let k = 0; k < 50 && pool.live > 0; k++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(pool.live).toBe(0);
});

test('a worker that dies ends the iteration with an error', async () => {
  const it = new data.DataLoader(new Exits(), { numWorkers: 1 })[Symbol.asyncIterator]();
  await expect(it.next()).rejects.toThrow(/^DataLoader worker \(thread \d+\) exited unexpectedly with exit code 3$/);
  expect(await it.next()).toEqual({ done: true, value: undefined });
});

test('what cannot reach a worker is refused by name', () => {
  class Local extends data.Dataset<number> {
    override get length(): number {
      return 2;
    }
    override getItem(i: number): number {
      return i;
    }
  }
  expect(() => new data.DataLoader(new Local(), { numWorkers: 1 })[Symbol.asyncIterator]()).toThrow(
    "Can't send the dataset[0] (object of class Local) to a DataLoader worker: declare `static workerModule = __filename` on Local",
  );
  expect(() => new data.DataLoader(new Slow(2, 0), { numWorkers: 1, collateFn: ((b: unknown) => b) as never })[Symbol.asyncIterator]()).toThrow(
    "Can't send the dataset[1] (function collateFn) to a DataLoader worker",
  );
});

test('2 workers build batches in parallel: well under the serial time', async () => {
  const n = 10;
  const ms = 80;
  const serialStart = performance.now();
  for (const _ of new data.DataLoader(new Slow(n, ms))) void _;
  const serial = performance.now() - serialStart;
  // Timed once both workers have answered (batch 0 comes from worker 0, batch 1 from worker 1),
  // so that starting the threads does not count.
  const it = new data.DataLoader(new Slow(n + 2, ms), { numWorkers: 2 })[Symbol.asyncIterator]();
  await it.next();
  await it.next();
  const start = performance.now();
  let count = 0;
  while (!(await it.next()).done) count++;
  const parallel = performance.now() - start;
  expect(count).toBe(n);
  expect(parallel / serial).toBeLessThan(0.75);
  await ended(it);
});

test('workers end when the loop is left early, and when the timeout passes', async () => {
  const it = new data.DataLoader(new Slow(20, 5), { numWorkers: 2 })[Symbol.asyncIterator]();
  await it.next();
  await it.return!();
  await ended(it);
  const slow = new data.DataLoader(new Slow(4, 2000), { numWorkers: 1, timeout: 0.2 });
  await expect(collect(slow)).rejects.toThrow('DataLoader timed out after 0.2 seconds');
});

test('an unfinished loader with workers never keeps the process alive', () => {
  const script = `
    require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'utils', 'data', '_ts_hook.js'))});
    const torch = require(${JSON.stringify(path.join(__dirname, '..', 'lib'))});
    const { Slow } = require(${JSON.stringify(path.join(__dirname, 'data', 'datasets.ts'))});
    (async () => {
      const it = new torch.utils.data.DataLoader(new Slow(50, 20), { numWorkers: 2 })[Symbol.asyncIterator]();
      const first = await it.next();
      console.log('got', first.value.tolist());
    })();
  `;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 });
  expect(out.trim()).toBe('got [ 0 ]');
});
