// The body of a DataLoader worker, a thread or (multiprocessingContext 'spawn') a process
// (_utils/worker.py's _worker_loop): rebuilds the dataset and functions it was sent, then answers each (idx, index)
// task with the collated batch, in the order the tasks came.
import { parentPort, workerData } from 'worker_threads';
import '../../index'; // the whole tensor surface (methods, indexing), as user code sees it
import { tidy } from '../../memory';
import { manualSeed } from '../../random';
import { setNumThreads } from '../../threads';
import type { Dataset } from './dataset';
import { decode, encode, loadModules, sink, type Encoded } from './_transfer';
import { WorkerInfo, _setWorkerInfo, createFetcher, StopFetching, type Fetcher } from './worker';

export interface WorkerConfig {
  iterable: boolean;
  spec: Encoded; // [dataset, collateFn, workerInitFn]
  modules: string[];
  autoCollation: boolean;
  dropLast: boolean;
  baseSeed: bigint;
  workerId: number;
  numWorkers: number;
}

/** Main thread -> worker. */
export type ToWorker = { task: number; index: unknown } | { resume: true };
/** Worker -> main thread. */
export type FromWorker =
  | { task: number; data: Encoded }
  | { task: number; error: { name: string; message: string; stack: string } }
  | { task: number; stop: number }
  | { resumed: true };

const asNumber = (v: bigint): number | bigint => (v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

function wrapped(err: unknown): { name: string; message: string; stack: string } {
  const e = err instanceof Object && 'message' in err ? (err as Error) : new Error(String(err));
  return { name: e.name ?? 'Error', message: String(e.message), stack: e.stack ?? `${e.name}: ${e.message}` };
}

interface Port {
  on(event: 'message', fn: (msg: ToWorker) => void): void;
  postMessage(msg: FromWorker, transfer?: ArrayBuffer[]): void;
}

async function main(config: WorkerConfig, port: Port, ownProcess: boolean): Promise<void> {
  // A worker thread shares libtorch's default generator and intra-op pool with the main thread:
  // seeding it or setting its thread count there would change the main thread's, so a thread only
  // reports its seed (WorkerInfo.seed). A process seeds its own and uses one thread, as PyTorch's
  // workers do.
  const seed = config.baseSeed + BigInt(config.workerId);
  if (ownProcess) {
    setNumThreads(1);
    manualSeed(seed);
  }
  let initError: ReturnType<typeof wrapped> | null = null;
  let dataset: Dataset | undefined;
  let fetcher: Fetcher | undefined;
  let collateFn: (data: never) => unknown = (d) => d;
  try {
    const modules = await loadModules(config.modules);
    const [ds, collate, initFn] = decode(config.spec, modules) as [Dataset, (data: never) => unknown, ((id: number) => void) | null];
    dataset = ds;
    collateFn = collate;
    _setWorkerInfo(new WorkerInfo(config.workerId, config.numWorkers, asNumber(seed), dataset));
    if (initFn !== null) initFn(config.workerId);
    fetcher = createFetcher(config.iterable, dataset, config.autoCollation, collateFn, config.dropLast);
  } catch (err) {
    initError = wrapped(err);
  }
  let iterationEnd = false;
  port.on('message', (msg: ToWorker) => {
    if ('resume' in msg) {
      iterationEnd = false;
      if (dataset !== undefined) fetcher = createFetcher(config.iterable, dataset, config.autoCollation, collateFn, config.dropLast);
      port.postMessage({ resumed: true } satisfies FromWorker);
      return;
    }
    if (iterationEnd) return;
    if (initError !== null) {
      port.postMessage({ task: msg.task, error: initError } satisfies FromWorker);
      initError = null;
      return;
    }
    const out = sink(!ownProcess);
    let reply: FromWorker;
    try {
      const data = tidy(() => encode(fetcher!(msg.index), out, 'a batch'));
      reply = { task: msg.task, data };
    } catch (err) {
      if (err instanceof StopFetching) {
        iterationEnd = true;
        reply = { task: msg.task, stop: config.workerId };
      } else {
        reply = { task: msg.task, error: wrapped(err) };
      }
    }
    port.postMessage(reply, out.transfer);
  });
}

if (parentPort !== null) {
  void main(workerData as WorkerConfig, parentPort, false);
} else {
  // A worker process: its configuration comes first; it ends with its parent's channel.
  process.once('message', (config: WorkerConfig) => {
    const port: Port = {
      on: (_event, fn) => void process.on('message', fn),
      postMessage: (msg) => void process.send!(msg),
    };
    void main(config, port, true);
  });
  process.on('disconnect', () => process.exit(0));
}
