// Datasets and functions that DataLoader workers rebuild from this module (test/data_workers.test.ts).
import * as torch from '../../lib';

const { Dataset, IterableDataset, getWorkerInfo } = torch.utils.data;

/** Each sample: its index, a draw from the default generator, the worker's id and seed (scripts/fixtures/data.py's Seeds). */
export class Seeds extends Dataset<Record<string, unknown>> {
  static override workerModule = __filename;
  override get length(): number {
    return 12;
  }
  override getItem(i: number): Record<string, unknown> {
    const info = getWorkerInfo();
    return { i, r: torch.randint(0, 1000, [1]).item(), worker: info === null ? -1 : info.id, seed: info === null ? '' : String(info.seed) };
  }
}

/** Seeds without the draw: what the loader decides (index, worker, seed). */
export class Info extends Dataset<Record<string, unknown>> {
  static override workerModule = __filename;
  override get length(): number {
    return 12;
  }
  override getItem(i: number): Record<string, unknown> {
    const info = getWorkerInfo();
    return { i, worker: info === null ? -1 : info.id, seed: info === null ? '' : String(info.seed) };
  }
}

/** `n` samples, each taking `ms` milliseconds of synchronous work (it blocks its thread). */
export class Slow extends Dataset<number> {
  static override workerModule = __filename;
  constructor(
    readonly n: number,
    readonly ms: number,
  ) {
    super();
  }
  override get length(): number {
    return this.n;
  }
  override getItem(i: number): number {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.ms);
    return i;
  }
}

/** Sample `bad` throws. */
export class Failing extends Dataset<number> {
  static override workerModule = __filename;
  constructor(readonly bad: number) {
    super();
  }
  override get length(): number {
    return 8;
  }
  override getItem(i: number): number {
    if (i === this.bad) throw new RangeError(`sample ${i} is broken`);
    return i;
  }
}

/** range(start, end) split between the workers by getWorkerInfo(), as PyTorch's IterableDataset example does. */
export class Range extends IterableDataset<number> {
  static override workerModule = __filename;
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }
  override *[Symbol.iterator](): Iterator<number> {
    const info = getWorkerInfo();
    let [lo, hi] = [this.start, this.end];
    if (info !== null) {
      const per = Math.ceil((this.end - this.start) / info.numWorkers);
      lo = this.start + info.id * per;
      hi = Math.min(lo + per, this.end);
    }
    for (let i = lo; i < hi; i++) yield i;
  }
}

/** A collate function for workers: the batch's sum, and the worker that made it. */
export function sumCollate(batch: number[]): number[] {
  return [batch.reduce((a, b) => a + b, 0), getWorkerInfo()?.id ?? -1];
}
sumCollate.workerModule = __filename;

/** A worker init function that fails in worker 1. */
export function failingInit(workerId: number): void {
  if (workerId === 1) throw new TypeError('init failed in worker 1');
}
failingInit.workerModule = __filename;

/** Each sample: the storage id of the dataset's tensor as this thread sees it. */
export class StorageOf extends Dataset<string> {
  static override workerModule = __filename;
  constructor(readonly t: torch.Tensor) {
    super();
  }
  override get length(): number {
    return 2;
  }
  override getItem(): string {
    return torch.native.storageInfo(this.t._h)[0];
  }
}

/** Stacks a TensorDataset batch (its first tensors) and says which storage the result has. */
export function stackWithStorage(batch: torch.Tensor[][]): [torch.Tensor, string] {
  const out = torch.stack(batch.map((sample) => sample[0]!));
  return [out, torch.native.storageInfo(out._h)[0]];
}
stackWithStorage.workerModule = __filename;

/** Its worker dies (exit code 3) at the first sample. */
export class Exits extends Dataset<number> {
  static override workerModule = __filename;
  override get length(): number {
    return 4;
  }
  override getItem(): number {
    process.exit(3);
  }
}

/** An iterable dataset whose length (2) is less than what it yields (5, in each worker): scripts/fixtures/data.py's Reported. */
export class Reported extends IterableDataset<number> {
  static override workerModule = __filename;
  override get length(): number {
    return 2;
  }
  override *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < 5; i++) yield i;
  }
}
