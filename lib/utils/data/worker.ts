// torch/utils/data/_utils/worker.py and fetch.py: what a DataLoader worker knows about itself,
// and how samples are fetched and collated (the same code in a worker and in the main thread).
import { fetchBatch, type Dataset } from './dataset';

/** torch.utils.data.get_worker_info(): set inside a DataLoader worker, null elsewhere. */
export class WorkerInfo {
  constructor(
    /** This worker's index, 0 to numWorkers - 1. */
    readonly id: number,
    readonly numWorkers: number,
    /** The seed of this worker's default generator: the loader's base seed + id. */
    readonly seed: number | bigint,
    /** This worker's copy of the dataset. */
    readonly dataset: Dataset,
  ) {
    Object.freeze(this);
  }
}

let workerInfo: WorkerInfo | null = null;

/** The WorkerInfo of the DataLoader worker running this code, or null in the main thread. */
export function getWorkerInfo(): WorkerInfo | null {
  return workerInfo;
}

/** @internal Set once by the worker entry. */
export function _setWorkerInfo(info: WorkerInfo): void {
  workerInfo = info;
}

/** The end of an iterable dataset (Python's StopIteration out of a fetch). */
export class StopFetching extends Error {}

/** One call per batch index (auto-collation) or sample index: _MapDatasetFetcher / _IterableDatasetFetcher. */
export type Fetcher = (index: unknown) => unknown;

export function createFetcher(iterable: boolean, dataset: Dataset, autoCollation: boolean, collateFn: (data: never) => unknown, dropLast: boolean): Fetcher {
  if (!iterable) {
    if (autoCollation) return (index) => collateFn(fetchBatch(dataset, index as number[]) as never);
    return (index) => collateFn(dataset.get(index as number) as never);
  }
  const it = (dataset as unknown as Iterable<unknown>)[Symbol.iterator]();
  let ended = false;
  return (index) => {
    if (ended) throw new StopFetching();
    if (autoCollation) {
      const data: unknown[] = [];
      for (let i = 0; i < (index as unknown[]).length; i++) {
        const r = it.next();
        if (r.done) {
          ended = true;
          break;
        }
        data.push(r.value);
      }
      if (data.length === 0 || (dropLast && data.length < (index as unknown[]).length)) throw new StopFetching();
      return collateFn(data as never);
    }
    const r = it.next();
    if (r.done) throw new StopFetching();
    return collateFn(r.value as never);
  };
}
