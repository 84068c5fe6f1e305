// torch/utils/data/dataloader.py. `for (const batch of loader)` iterates in this thread
// (numWorkers 0); `for await (const batch of loader)` works for any numWorkers. Workers are
// worker_threads, or child processes with multiprocessingContext 'spawn': each rebuilds the
// dataset from what _transfer.ts sent it and answers the batch indices it is given; indices go to
// the workers round-robin and batches come back in order, as in PyTorch. A process seeds its
// default generator with base_seed + id as PyTorch's workers do; threads share libtorch's default
// generator with the main thread, so they only report their seed (WorkerInfo.seed).
import { fork, type ChildProcess } from 'child_process';
import { availableParallelism } from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { isAvailable as cudaIsAvailable } from '../../cuda';
import { pySignature } from '../../python_signature';
import { Tensor } from '../../tensor';
import { defaultCollate, defaultConvert } from './collate';
import { IterableDataset, len, type Dataset } from './dataset';
import type { Generator } from '../../random';
import { BatchSampler, RandomSampler, SequentialSampler, drawSeed, pyRepr } from './sampler';
import { createFetcher, StopFetching } from './worker';
import { decode, encode, sink, type Encoded, type Sink } from './_transfer';
import type { FromWorker, ToWorker, WorkerConfig } from './_worker_main';

const DATALOADER = pySignature(
  'DataLoader.__init__',
  'self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0, collate_fn=None, ' +
    'pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None, multiprocessing_context=None, generator=None, ' +
    '*, prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True',
);

type CollateFn = (batch: never) => unknown;

export interface DataLoaderOptions {
  batchSize?: number | null;
  shuffle?: boolean | null;
  sampler?: Iterable<unknown> | null;
  batchSampler?: Iterable<unknown[]> | null;
  numWorkers?: number;
  collateFn?: ((batch: never) => unknown) | null;
  pinMemory?: boolean;
  dropLast?: boolean;
  timeout?: number;
  workerInitFn?: ((workerId: number) => void) | null;
  /** null: worker threads; 'spawn': worker processes (see README). */
  multiprocessingContext?: 'spawn' | null;
  generator?: Generator | null;
  prefetchFactor?: number | null;
  persistentWorkers?: boolean;
  pinMemoryDevice?: string;
  inOrder?: boolean;
}

interface Bound {
  dataset: Dataset;
  batchSize: number | null;
  shuffle: boolean | null;
  sampler: (Iterable<unknown> & { length?: number }) | null;
  batchSampler: (Iterable<unknown[]> & { length?: number }) | null;
  numWorkers: number;
  collateFn: CollateFn | null;
  pinMemory: boolean;
  dropLast: boolean;
  timeout: number;
  workerInitFn: ((workerId: number) => void) | null;
  multiprocessingContext: unknown;
  generator: Generator | null;
  prefetchFactor: number | null;
  persistentWorkers: boolean;
  pinMemoryDevice: string;
  inOrder: boolean;
}

// Persistent workers outlive an iteration, not their loader.
const persistentPools = new FinalizationRegistry<WorkerPool>((pool) => pool.terminate());
// Other workers end with their iterator, or when it is dropped unfinished.
const iteratorPools = new FinalizationRegistry<WorkerPool>((pool) => pool.terminate());

/** Batches (or samples) of a dataset, drawn by a sampler, collated, optionally by worker threads. */
export class DataLoader<T = unknown> implements Iterable<T>, AsyncIterable<T> {
  readonly dataset: Dataset;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Iterable<unknown> & { length?: number };
  readonly batchSampler: (Iterable<unknown[]> & { length?: number }) | null;
  readonly numWorkers: number;
  readonly collateFn: CollateFn;
  readonly pinMemory: boolean;
  readonly pinMemoryDevice: string;
  readonly timeout: number;
  readonly workerInitFn: ((workerId: number) => void) | null;
  readonly generator: Generator | null;
  readonly prefetchFactor: number | null;
  readonly persistentWorkers: boolean;
  readonly inOrder: boolean;
  /** null: workers are threads; 'spawn': processes. */
  readonly multiprocessingContext: 'spawn' | null;
  /** @internal */
  readonly _iterable: boolean;
  /** @internal The persistent workers, once started. */
  _pool: WorkerPool | null = null;
  /** @internal `_IterableDataset_len_called`: len(dataset) when `length` was last read (iterable datasets). */
  _iterableDatasetLenCalled: number | null = null;

  constructor(dataset: Dataset, options?: DataLoaderOptions);
  constructor(dataset: Dataset, batchSize: number | null, shuffle?: boolean | null, options?: DataLoaderOptions);
  constructor(...args: unknown[]) {
    const o = DATALOADER<Bound>(args);
    let { batchSize, shuffle, sampler, batchSampler, dropLast, prefetchFactor } = o;
    const { numWorkers, timeout } = o;
    if (numWorkers < 0) throw new RangeError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    if (timeout < 0) throw new RangeError('timeout option should be non-negative');
    if (numWorkers === 0 && prefetchFactor !== null) {
      throw new RangeError(
        'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.',
      );
    } else if (numWorkers > 0 && prefetchFactor === null) {
      prefetchFactor = 2;
    } else if (prefetchFactor !== null && prefetchFactor < 0) {
      throw new RangeError('prefetch_factor option should be non-negative');
    }
    if (o.persistentWorkers && numWorkers === 0) throw new RangeError('persistent_workers option needs num_workers > 0');
    if (o.multiprocessingContext !== null) {
      if (numWorkers === 0) throw new RangeError(`multiprocessing_context can only be used with multi-process loading (num_workers > 0), but got num_workers=${numWorkers}`);
      if (o.multiprocessingContext !== 'spawn') {
        throw new RangeError(`multiprocessing_context option should specify a valid start method in ['spawn'], but got multiprocessing_context=${pyRepr(o.multiprocessingContext)}`);
      }
    }
    this.multiprocessingContext = o.multiprocessingContext;
    this.dataset = o.dataset;
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor;
    this.pinMemory = o.pinMemory;
    this.pinMemoryDevice = o.pinMemoryDevice;
    this.timeout = timeout;
    this.workerInitFn = o.workerInitFn;
    this.inOrder = o.inOrder;
    this._iterable = o.dataset instanceof IterableDataset;
    if (this._iterable) {
      if (shuffle !== false && shuffle !== null) throw new RangeError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${pyRepr(shuffle)}`);
      if (sampler !== null) throw new RangeError(`DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=${samplerRepr(sampler)}`);
      if (batchSampler !== null) throw new RangeError(`DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=${samplerRepr(batchSampler)}`);
    } else {
      shuffle = Boolean(shuffle);
    }
    if (sampler !== null && shuffle) throw new RangeError('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== null) {
      if (batchSize !== 1 || shuffle || sampler !== null || dropLast) {
        throw new RangeError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new RangeError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    if (sampler === null) {
      if (this._iterable) sampler = infiniteConstantSampler;
      else sampler = shuffle ? new RandomSampler(o.dataset, { generator: o.generator }) : new SequentialSampler(o.dataset);
    }
    if (batchSize !== null && batchSampler === null) batchSampler = new BatchSampler(sampler as Iterable<number>, batchSize, dropLast);
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.generator = o.generator;
    this.collateFn = o.collateFn ?? ((batchSampler !== null ? defaultCollate : defaultConvert) as CollateFn);
    this.persistentWorkers = o.persistentWorkers;
    this.checkWorkerNumberRationality();
  }

  /** Warns, as PyTorch does, when there are more workers than CPUs this process may use. */
  checkWorkerNumberRationality(): void {
    const suggest = availableParallelism();
    if (this.numWorkers > suggest) {
      process.emitWarning(
        `This DataLoader will create ${this.numWorkers} worker processes in total. Our suggested max number of worker in current system is ${suggest}, ` +
          'which is smaller than what this DataLoader is going to create. Please be aware that excessive worker creation might get DataLoader running slow ' +
          'or even freeze, lower the worker number to avoid potential slowness/freeze if necessary.',
        'UserWarning',
      );
    }
  }

  /** @internal The sampler whose items the fetcher takes: the batch sampler when batching. */
  get _indexSampler(): Iterable<unknown> & { length?: number } {
    return this.batchSampler ?? this.sampler;
  }

  /** `len(loader)`: batches per epoch (from the sampler, or the iterable dataset's length). */
  get length(): number {
    if (this._iterable) {
      const n = (this._iterableDatasetLenCalled = len(this.dataset));
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return len(this._indexSampler);
  }

  /** Iterates in this thread; a loader with workers is iterated with `for await`. */
  *[Symbol.iterator](): Iterator<T> {
    if (this.numWorkers > 0) throw new TypeError(`a DataLoader with num_workers=${this.numWorkers} is iterated with \`for await\``);
    const samplerIter = this._indexSampler[Symbol.iterator]();
    const pin = this._pinsMemory(true);
    drawSeed(this.generator); // _BaseDataLoaderIter draws its base seed even without workers
    const lenCalled = this._iterableDatasetLenCalled;
    let numYielded = 0;
    const fetch = createFetcher(this._iterable, this.dataset, this.batchSampler !== null, this.collateFn, this.dropLast);
    for (let r = samplerIter.next(); !r.done; r = samplerIter.next()) {
      let data: unknown;
      try {
        data = fetch(r.value);
      } catch (err) {
        if (err instanceof StopFetching) return;
        throw err;
      }
      warnLength(this, lenCalled, ++numYielded);
      yield (pin ? pinMemory(data) : data) as T;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.numWorkers === 0) {
      const it = this[Symbol.iterator]();
      return {
        next: async () => it.next(),
        return: async (value?: unknown) => it.return!(value as T),
      };
    }
    return new MultiWorkerIterator<T>(this);
  }

  /**
   * @internal _BaseDataLoaderIter's `_pin_memory`: whether an iteration pins its batches (pinMemory
   * and an accelerator: CUDA), with PyTorch's warnings when `warn`.
   */
  _pinsMemory(warn: boolean): boolean {
    if (!this.pinMemory) return false;
    const accelerator = cudaIsAvailable();
    if (warn && this.pinMemoryDevice !== '') {
      process.emitWarning(`pin_memory_device is deprecated, the current accelerator will be used as the device,ignore pin_memory_device='${this.pinMemoryDevice}'.`, 'UserWarning');
    }
    if (warn && !accelerator) process.emitWarning("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory won't be used.", 'UserWarning');
    return accelerator;
  }
}

const isPlainObject = (x: object): x is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/**
 * _utils/pin_memory.py `pin_memory`: the batch with its tensors, and anything else that has a
 * pinMemory method, pinned; Maps, plain objects and arrays are rebuilt around them.
 */
function pinMemory(data: unknown): unknown {
  if (data instanceof Tensor) return data.pinMemory();
  if (typeof data !== 'object' || data === null) return data;
  if (typeof (data as { pinMemory?: unknown }).pinMemory === 'function') return (data as { pinMemory(): unknown }).pinMemory();
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, pinMemory(v)]));
  if (Array.isArray(data)) return data.map(pinMemory);
  if (isPlainObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, pinMemory(v)]));
  return data;
}

function samplerRepr(s: unknown): string {
  return `<${(s as object).constructor?.name ?? 'object'} object>`;
}

/** Python's str() of an object: its own toString, or the default `<Name object>`. */
function pyStr(x: unknown): string {
  return (x as object).toString === Object.prototype.toString ? samplerRepr(x) : String(x);
}

/** An iterable dataset that yields more than `len(loader)` reported: PyTorch's warning for each batch past it. */
function warnLength(loader: DataLoader<unknown>, lenCalled: number | null, numYielded: number): void {
  if (!loader._iterable || lenCalled === null || numYielded <= lenCalled) return;
  let msg = `Length of IterableDataset ${pyStr(loader.dataset)} was reported to be ${lenCalled}(when accessing len(dataloader)), but ${numYielded} samples have been fetched. `;
  if (loader.numWorkers > 0) {
    msg +=
      'For multiprocessing data-loading, this could be caused by not properly configuring the IterableDataset replica at each worker. ' +
      'Please see https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.';
  }
  process.emitWarning(msg, 'UserWarning');
}

/** _InfiniteConstantSampler: the sampler of an iterable dataset, `null` forever. */
const infiniteConstantSampler: Iterable<null> = {
  *[Symbol.iterator]() {
    for (;;) yield null;
  },
};

// ---- workers -----------------------------------------------------------------------------

const ENTRY = path.join(__dirname, `_worker_main${path.extname(__filename)}`);

// Running from the TypeScript sources, a worker first installs a loader for them (_ts_hook.js).
const TS_HOOK = path.join(__dirname, '_ts_hook.js');
const TS_BOOTSTRAP = "const { workerData } = require('worker_threads'); require(workerData.hook); require(workerData.entry);";

/** One worker, a thread or a process, behind one interface. */
interface WorkerHandle {
  /** How PyTorch's messages name it: 'thread 3', 'pid 1234'. */
  readonly name: string;
  post(msg: ToWorker): void;
  ref(): void;
  unref(): void;
  terminate(): void;
  on(event: 'message' | 'error' | 'exit', fn: (arg: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

// A worker only builds batches: its garbage is small wrappers of tensors handed to the main
// thread, so a small young generation is enough, and V8 does not grow each worker's new space
// (tens of MB per worker over a long run) as it would by default.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

function startThread(config: WorkerConfig): WorkerHandle {
  const w = ENTRY.endsWith('.ts')
    ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...config, entry: ENTRY, hook: TS_HOOK }, resourceLimits: WORKER_LIMITS })
    : new Worker(ENTRY, { workerData: config, resourceLimits: WORKER_LIMITS });
  return {
    name: `thread ${w.threadId}`,
    post: (msg) => w.postMessage(msg),
    ref: () => w.ref(),
    unref: () => w.unref(),
    terminate: () => void w.terminate(),
    on: (event, fn) => void w.on(event, fn),
  };
}

// A process gets its configuration as its first message; the v8 serializer carries bigints,
// Maps and ArrayBuffers (copied: processes share no memory).
function startProcess(config: WorkerConfig): WorkerHandle {
  const execArgv = ENTRY.endsWith('.ts') ? [...process.execArgv, '-r', TS_HOOK] : process.execArgv;
  const child: ChildProcess = fork(ENTRY, [], { execArgv, serialization: 'advanced', stdio: 'inherit' });
  child.send(config);
  const channel = (): { ref(): void; unref(): void } | undefined => child.channel ?? undefined;
  return {
    name: `pid ${child.pid}`,
    post: (msg) => void child.send(msg),
    ref: () => {
      child.ref();
      channel()?.ref();
    },
    unref: () => {
      child.unref();
      channel()?.unref();
    },
    terminate: () => void child.kill(),
    on: (event, fn) => void child.on(event, fn),
  };
}

type ErrorInfo = { name: string; message: string; stack: string };

/** ExceptionWrapper.reraise: the worker's error, its type kept, its stack in the message. */
function reraise(e: ErrorInfo, workerId: number): Error {
  const Ctor = e.name === 'TypeError' ? TypeError : e.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(`Caught ${e.name} in DataLoader worker process ${workerId}.\nOriginal ${e.stack}`);
  if (Ctor === Error && e.name !== 'Error') err.name = e.name;
  return err;
}

/** The worker threads of one iteration (or of a loader, with persistent workers). */
class WorkerPool {
  readonly workers: WorkerHandle[] = [];
  readonly #inbox: { worker: number; msg: FromWorker }[] = [];
  #wake: (() => void) | null = null;
  #fatal: Error | null = null;
  #closed = false;
  #live = 0;
  #allExited!: () => void;
  /** Settles once every worker has exited. */
  readonly exited = new Promise<void>((resolve) => (this.#allExited = resolve));

  constructor(loader: DataLoader<unknown>, baseSeed: number | bigint) {
    const threads = loader.multiprocessingContext === null;
    const what = [loader.dataset, loader.collateFn, loader.workerInitFn];
    let shared: Sink | undefined;
    let spec: Encoded | undefined;
    if (!threads) spec = encode(what, (shared = sink(false)), 'the dataset');
    for (let i = 0; i < loader.numWorkers; i++) {
      // Each thread takes its own exported tensors; processes all get the same bytes.
      const out = shared ?? sink(true);
      if (threads) spec = encode(what, out, 'the dataset');
      const w = (threads ? startThread : startProcess)({
        iterable: loader._iterable,
        spec: spec!,
        modules: [...out.modules],
        autoCollation: loader.batchSampler !== null,
        dropLast: loader.dropLast,
        baseSeed: BigInt(baseSeed),
        workerId: i,
        numWorkers: loader.numWorkers,
      });
      this.#live++;
      w.unref();
      w.on('message', (msg: FromWorker) => {
        this.#inbox.push({ worker: i, msg });
        this.#wake?.();
      });
      w.on('error', (err: Error) => {
        this.#fatal ??= reraise({ name: err.name, message: err.message, stack: err.stack ?? String(err) }, i);
        this.#wake?.();
      });
      w.on('exit', (code: number | null) => {
        if (--this.#live === 0) this.#allExited();
        if (!this.#closed) this.#fatal ??= new Error(`DataLoader worker (${w.name}) exited unexpectedly with exit code ${code}`);
        this.#wake?.();
      });
      this.workers.push(w);
    }
  }

  /** Worker threads still running. */
  get live(): number {
    return this.#live;
  }

  post(worker: number, msg: ToWorker): void {
    this.workers[worker]!.post(msg);
  }

  /** The next message from any worker; the workers keep the process alive only while it waits. */
  async receive(timeout: number): Promise<{ worker: number; msg: FromWorker }> {
    for (;;) {
      const next = this.#inbox.shift();
      if (next !== undefined) return next;
      if (this.#fatal !== null) throw this.#fatal;
      let timer: NodeJS.Timeout | undefined;
      for (const w of this.workers) w.ref();
      try {
        await new Promise<void>((resolve, reject) => {
          this.#wake = resolve;
          if (timeout > 0) timer = setTimeout(() => reject(new Error(`DataLoader timed out after ${timeout} seconds`)), timeout * 1000);
        });
      } finally {
        clearTimeout(timer);
        this.#wake = null;
        for (const w of this.workers) w.unref();
      }
    }
  }

  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.workers) w.terminate();
  }
}

type Task = { worker: number; data?: FromWorker };

/** _MultiProcessingDataLoaderIter: one epoch over the loader, batches from its workers. */
class MultiWorkerIterator<T> implements AsyncIterator<T> {
  readonly #loader: DataLoader<unknown>;
  readonly _pool: WorkerPool;
  #samplerIter: Iterator<unknown>;
  #ready: Promise<void> | null = null;
  #sendIdx = 0;
  #rcvdIdx = 0;
  readonly #taskInfo = new Map<number, Task>();
  #tasksOutstanding = 0;
  #workersStatus: boolean[];
  readonly #workersNumTasks: number[];
  #nextWorker = 0;
  #done = false;
  readonly #pin: boolean;
  readonly #lenCalled: number | null;
  #numYielded = 0;

  constructor(loader: DataLoader<unknown>) {
    this.#loader = loader;
    this.#samplerIter = loader._indexSampler[Symbol.iterator]();
    const n = loader.numWorkers;
    this.#workersStatus = new Array<boolean>(n).fill(true);
    this.#workersNumTasks = new Array<number>(n).fill(0);
    this.#lenCalled = loader._iterableDatasetLenCalled;
    if (loader.persistentWorkers && loader._pool !== null) {
      // PyTorch resets its one iterator: no new base seed, no new warnings.
      this.#pin = loader._pinsMemory(false);
      this._pool = loader._pool;
      this.#ready = this.#resume();
    } else {
      loader.checkWorkerNumberRationality();
      // PyTorch pins in a thread of the main process; here, each batch as it arrives.
      this.#pin = loader._pinsMemory(true);
      const baseSeed = drawSeed(loader.generator);
      this._pool = new WorkerPool(loader, baseSeed);
      if (loader.persistentWorkers) {
        loader._pool = this._pool;
        persistentPools.register(loader, this._pool);
      } else {
        iteratorPools.register(this, this._pool, this);
      }
      this.#prefetch();
    }
  }

  /** _reset of persistent workers: each worker acknowledges the new epoch; stale batches are dropped. */
  async #resume(): Promise<void> {
    const n = this.#loader.numWorkers;
    for (let i = 0; i < n; i++) this._pool.post(i, { resume: true });
    let acks = 0;
    while (acks < n) {
      const { msg } = await this._pool.receive(this.#loader.timeout);
      if ('resumed' in msg) acks++;
    }
    this.#prefetch();
  }

  #prefetch(): void {
    for (let i = 0; i < this.#loader.prefetchFactor! * this.#loader.numWorkers; i++) this.#tryPutIndex();
  }

  #tryPutIndex(): void {
    const maxTasks = this.#loader.prefetchFactor! * this.#loader.numWorkers;
    const r = this.#samplerIter.next();
    if (r.done) return;
    const n = this.#loader.numWorkers;
    let worker = -1;
    for (let k = 0; k < n; k++) {
      const w = this.#nextWorker;
      this.#nextWorker = (this.#nextWorker + 1) % n;
      if (!this.#workersStatus[w]) continue;
      const active = this.#workersStatus.filter(Boolean).length;
      if (this.#loader.inOrder || this.#workersNumTasks[w]! < Math.floor(maxTasks / active)) {
        worker = w;
        break;
      }
    }
    if (worker < 0) return;
    this._pool.post(worker, { task: this.#sendIdx, index: r.value });
    this.#taskInfo.set(this.#sendIdx, { worker });
    this.#workersNumTasks[worker]!++;
    this.#tasksOutstanding++;
    this.#sendIdx++;
  }

  #process(task: Task): T {
    this.#workersNumTasks[task.worker]!--;
    this.#tryPutIndex();
    const msg = task.data!;
    if ('error' in msg) throw reraise(msg.error, task.worker);
    const data = decode((msg as { data: Encoded }).data);
    return (this.#pin ? pinMemory(data) : data) as T;
  }

  #finish(): IteratorResult<T> {
    this.#done = true;
    if (!this.#loader.persistentWorkers) this._pool.terminate();
    return { done: true, value: undefined };
  }

  /**
   * The next batch. An error a worker raised for a batch is thrown here and the iteration may go
   * on, as in PyTorch; a worker that died, or the timeout, ends it.
   */
  async next(): Promise<IteratorResult<T>> {
    const r = await this.#next();
    if (!r.done) warnLength(this.#loader, this.#lenCalled, ++this.#numYielded);
    return r;
  }

  async #next(): Promise<IteratorResult<T>> {
    if (this.#done) return { done: true, value: undefined };
    if (this.#ready !== null) {
      await this.#fatal(this.#ready);
      this.#ready = null;
    }
    for (;;) {
      for (;;) {
        if (this.#rcvdIdx >= this.#sendIdx) return this.#finish();
        const info = this.#taskInfo.get(this.#rcvdIdx);
        if (info !== undefined && (info.data !== undefined || this.#workersStatus[info.worker])) break;
        this.#taskInfo.delete(this.#rcvdIdx);
        this.#rcvdIdx++;
      }
      const current = this.#taskInfo.get(this.#rcvdIdx)!;
      if (current.data !== undefined) {
        this.#taskInfo.delete(this.#rcvdIdx);
        this.#rcvdIdx++;
        return { done: false, value: this.#process(current) };
      }
      const { msg } = await this.#fatal(this._pool.receive(this.#loader.timeout));
      if ('resumed' in msg) continue;
      this.#tasksOutstanding--;
      if ('stop' in msg) {
        // _IterableDatasetStopIteration: that worker's copy of the dataset is exhausted.
        this.#workersStatus[msg.stop] = false;
        this.#tryPutIndex();
        continue;
      }
      const task = this.#taskInfo.get(msg.task)!;
      task.data = msg;
      if (msg.task !== this.#rcvdIdx) {
        if (!this.#loader.inOrder) {
          this.#taskInfo.delete(msg.task);
          return { done: false, value: this.#process(task) };
        }
        continue;
      }
      this.#taskInfo.delete(msg.task);
      this.#rcvdIdx++;
      return { done: false, value: this.#process(task) };
    }
  }

  /** Waits for `p`; if it fails, the workers are gone or stuck, and this iteration ends. */
  async #fatal<R>(p: Promise<R>): Promise<R> {
    try {
      return await p;
    } catch (err) {
      this.#done = true;
      this._pool.terminate();
      if (this.#loader._pool === this._pool) this.#loader._pool = null;
      throw err;
    }
  }

  /** Leaving a `for await` early ends this iteration's workers (persistent ones stay for the next). */
  async return(): Promise<IteratorResult<T>> {
    if (!this.#done) {
      this.#done = true;
      if (!this.#loader.persistentWorkers) this._pool.terminate();
    }
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export type { WorkerPool };
