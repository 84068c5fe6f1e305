// Native memory policy. libtorch's memory is invisible to V8's heap, so three mechanisms keep it
// in check:
//  1. dispose(): free one tensor now (also `using t = ...` through Symbol.dispose);
//  2. tidy(fn): free every tensor created while fn runs, except what fn returns (sync or async);
//  3. for code that does neither, handles are Externals with basic finalizers that Node runs
//     from inside GC, and collection is paced by native allocation: once enough bytes were
//     allocated since the last collection, a minor GC reclaims the dead young wrappers (and
//     so their storage) — the way R's torch paces its collector.
import { AsyncLocalStorage } from 'async_hooks';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { native, type Handle } from './native';

/** Anything with native memory that a scope can free. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const STAT_GROWTH_SINCE_GC = 0;
const STAT_LIVE_HANDLES = 1;
const STAT_LIVE_BYTES = 2;
const STAT_PEAK_BYTES = 3;
// Per-device slots (native/torchnode.h): handles at 4 + 2 * slot, bytes at 5 + 2 * slot.
const DEVICE_SLOTS = ['cpu', 'cuda', 'other'] as const;
const stats = native.stats;

// Net growth of tensor storage (bytes charged minus bytes disposed or collected) between two
// paced collections: tensors that are disposed (dispose, tidy) never cause one. Small enough that
// the blocks the dead tensors free come back to the caching CPU allocator while they are still in
// the CPU's caches (a chained 1000x1000 add: 140 µs per op at 8 MB, 160 at 16 MB, 640 at 64 MB,
// against 85-130 µs in Python), large enough that the cost of a scavenge is amortised.
let gcEveryBytes = 8 * 1024 * 1024;

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;
let gcFunction: GcFunction | null | undefined;

function getGc(): GcFunction | null {
  if (gcFunction === undefined) {
    const exposed = (globalThis as { gc?: GcFunction }).gc;
    if (typeof exposed === 'function') {
      gcFunction = exposed;
    } else {
      try {
        // V8 exposes `gc` to contexts created after the flag is set; the flag stays as it was.
        v8.setFlagsFromString('--expose-gc');
        gcFunction = vm.runInNewContext('gc') as GcFunction;
        v8.setFlagsFromString('--no-expose-gc');
      } catch {
        gcFunction = null;
      }
    }
  }
  return gcFunction;
}

// Handles, not bytes, drive the second trigger. A tensor that lives across a scavenge (a
// training step's graph, its gradients) is promoted, and only a major GC reclaims it; each also
// holds native memory that no storage charge counts (TensorImpl, autograd metadata, grad_fn nodes
// and their saved tensors). Left to V8, a never-disposing training loop accumulates thousands of
// such dead handles and RSS saws up by tens of MB between major GCs. So once the live handles
// exceed twice what the last major collection left (and at least MAJOR_MIN_HANDLES more), a major
// GC runs: geometric, so a program that really keeps N tensors pays O(1) collections per doubling.
const MAJOR_MIN_HANDLES = 2048;
let majorAtHandles = MAJOR_MIN_HANDLES;

/** Called for every new tensor: collects when native allocation since the last one is large. */
export function pace(): void {
  if (stats[STAT_LIVE_HANDLES]! > majorAtHandles) {
    const gc = getGc();
    if (gc) {
      gc({ type: 'major' });
      stats[STAT_GROWTH_SINCE_GC] = 0;
    }
    majorAtHandles = 2 * stats[STAT_LIVE_HANDLES]! + MAJOR_MIN_HANDLES;
    return;
  }
  if (stats[STAT_GROWTH_SINCE_GC]! < gcEveryBytes) return;
  stats[STAT_GROWTH_SINCE_GC] = 0;
  const gc = getGc();
  if (gc) gc({ type: 'minor' });
}

/** Live tensor handles and the storage bytes charged to them on one device type. */
export interface DeviceMemoryInfo {
  liveTensors: number;
  liveBytes: number;
}

export interface MemoryInfo {
  /** Tensor handles alive (not disposed, not yet collected). */
  liveTensors: number;
  /** Bytes of tensor storage those handles account for (each storage once, views share it). */
  liveBytes: number;
  /** The highest `liveBytes` since the process started or since `resetPeakMemoryStats()`. */
  peakBytes: number;
  /**
   * The same figures per device type of the storage: `cpu` always, `cuda` (and `other`, e.g.
   * meta) once a tensor has lived there. CUDA bytes are counted here but are not reported to V8
   * as external memory.
   */
  devices: { cpu: DeviceMemoryInfo; cuda?: DeviceMemoryInfo; other?: DeviceMemoryInfo };
}

interface MemoryFunction {
  (): MemoryInfo;
  /**
   * A text report, like PyTorch's torch.cuda.memory_summary(): totals per device and, when the
   * process started with TORCHNODE_DEBUG_ALLOC=1, the largest live tensors with their shape,
   * dtype, bytes and where they were created. `limit`: how many tensors to list (default 20).
   */
  summary(options?: { limit?: number }): string;
}

const seenDevice = [true, false, false];

/** What torchnode's tensors hold right now. */
export const memory: MemoryFunction = Object.assign(
  function memory(): MemoryInfo {
    const devices: Record<string, DeviceMemoryInfo> = {};
    for (let slot = 0; slot < DEVICE_SLOTS.length; slot++) {
      const liveTensors = stats[4 + 2 * slot]!;
      if (liveTensors !== 0) seenDevice[slot] = true;
      if (seenDevice[slot]) devices[DEVICE_SLOTS[slot]!] = { liveTensors, liveBytes: stats[5 + 2 * slot]! };
    }
    return {
      liveTensors: stats[STAT_LIVE_HANDLES]!,
      liveBytes: stats[STAT_LIVE_BYTES]!,
      peakBytes: stats[STAT_PEAK_BYTES]!,
      devices: devices as MemoryInfo['devices'],
    };
  },
  { summary },
);

/** Starts `memory().peakBytes` again from the bytes alive now (torch.cuda.reset_peak_memory_stats). */
export function resetPeakMemoryStats(): void {
  stats[STAT_PEAK_BYTES] = stats[STAT_LIVE_BYTES]!;
}

// ---- allocation debugging (TORCHNODE_DEBUG_ALLOC=1, read once at load) ----------------------

/** Whether tensors record where they were created (TORCHNODE_DEBUG_ALLOC=1 when torchnode loaded). */
export const debugAlloc = /^(1|true|yes|on)$/i.test(process.env.TORCHNODE_DEBUG_ALLOC ?? '');

interface AllocRecord {
  ref: WeakRef<Disposable>;
  site: { stack?: string };
}
// Every tensor created while debugging, until it is collected (disposed ones are skipped when
// reporting). Keyed by a number so the registry can drop the entry without holding the tensor.
const allocs = new Map<number, AllocRecord>();
let nextAlloc = 0;
const allocRegistry = debugAlloc ? new FinalizationRegistry<number>((id) => allocs.delete(id)) : undefined;
const STACK_FRAMES = 4;

function recordAlloc(d: Disposable): void {
  const site: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES + 12; // room for torchnode's own frames, dropped later
  Error.captureStackTrace(site, recordAlloc);
  Error.stackTraceLimit = limit;
  const id = nextAlloc++;
  allocs.set(id, { ref: new WeakRef(d), site });
  allocRegistry!.register(d, id);
}

// Frames inside torchnode itself (lib/ or dist/) say nothing about where a user made a tensor.
const ownDir = path.join(__dirname, path.sep);
function shortStack(stack: string | undefined): string[] {
  if (!stack) return [];
  const frames = stack.split('\n').slice(1).map((l) => l.trim());
  const outside = frames.filter((f) => !f.includes(ownDir) && !f.includes('(node:internal/'));
  return (outside.length > 0 ? outside : frames).slice(0, STACK_FRAMES);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(2)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

interface TensorLike extends Disposable {
  _h: unknown;
  shape: ArrayLike<number>;
  dtype: { itemsize: number; toString(): string };
  device: { toString(): string };
  numel(): number;
}

function summary(options: { limit?: number } = {}): string {
  const limit = options.limit ?? 20;
  const info = memory();
  const lines = [
    'torchnode memory summary',
    `  live tensors ${info.liveTensors}, live bytes ${formatBytes(info.liveBytes)}, peak ${formatBytes(info.peakBytes)}`,
  ];
  for (const [name, d] of Object.entries(info.devices)) {
    lines.push(`  ${name}: ${d.liveTensors} tensors, ${formatBytes(d.liveBytes)}`);
  }
  if (!debugAlloc) {
    lines.push('  (set TORCHNODE_DEBUG_ALLOC=1 before loading torchnode to list live tensors and where they were created)');
    return lines.join('\n');
  }
  const live: { t: TensorLike; site: AllocRecord['site']; charged: number; sharedBy: number; nbytes: number }[] = [];
  for (const [id, rec] of allocs) {
    const t = rec.ref.deref() as TensorLike | undefined;
    if (t === undefined) {
      allocs.delete(id);
      continue;
    }
    if (t.isDisposed) continue;
    let nbytes = 0;
    try {
      nbytes = t.numel() * t.dtype.itemsize;
    } catch {
      // a tensor without data (e.g. an undefined gradient slot); list it with 0 bytes
    }
    const [charged, sharedBy] = native.storageCharge(t._h as Handle);
    live.push({ t, site: rec.site, charged, sharedBy, nbytes });
  }
  live.sort((a, b) => b.charged - a.charged || b.nbytes - a.nbytes);
  lines.push(`  largest ${Math.min(limit, live.length)} of ${live.length} live tensors (bytes: its storage, counted once however many tensors share it):`);
  for (const { t, site, charged, sharedBy, nbytes } of live.slice(0, limit)) {
    let desc: string;
    try {
      desc = `[${Array.from(t.shape).join(', ')}] ${t.dtype} ${t.device}`;
    } catch {
      desc = '(no metadata)';
    }
    const view = sharedBy > 1 ? ` (storage shared by ${sharedBy} tensors; its own elements ${formatBytes(nbytes)})` : '';
    lines.push(`  ${formatBytes(charged).padStart(10)}  ${desc}${view}`);
    for (const frame of shortStack(site.stack)) lines.push(`              ${frame}`);
  }
  return lines.join('\n');
}
/**
 * Freed CPU blocks are kept for reuse by libtorch's CPU allocator (native/allocator.cc), up to a
 * limit (512 MB unless set): `cachedBytes` of them now, with the allocation `hits` and `misses`.
 */
export function cpuCache(): { cachedBytes: number; limitBytes: number; hits: number; misses: number } {
  const [cachedBytes, limitBytes, hits, misses] = native.cpuCacheInfo();
  return { cachedBytes, limitBytes, hits, misses };
}

/** Returns every cached CPU block to the system (the CPU twin of torch.cuda.empty_cache()). */
export function emptyCache(): void {
  native.emptyCpuCache();
}

/** Sets how many bytes of freed CPU blocks the cache may keep (0 turns caching off). */
export function setCpuCacheLimit(bytes: number): void {
  native.setCpuCacheLimit(bytes);
}

/** Sets how many bytes of net storage growth (charged minus disposed or collected) trigger a paced minor GC (0 collects at every tensor). */
export function setGcInterval(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`setGcInterval(): bytes must be a non-negative number, got ${bytes}`);
  gcEveryBytes = bytes;
}

class Scope {
  readonly tracked: Disposable[] = [];
}

// Synchronous scopes live on a stack; a scope around an async function is carried through its
// awaits by AsyncLocalStorage, created the first time one is needed.
const syncScopes: Scope[] = [];
let asyncScopes: AsyncLocalStorage<Scope> | undefined;

/** Registers a new disposable with the innermost active scope, if any. */
export const track: (d: Disposable) => void = debugAlloc
  ? (d) => {
      recordAlloc(d);
      trackInScope(d);
    }
  : trackInScope;

function trackInScope(d: Disposable): void {
  const scope = syncScopes.length > 0 ? syncScopes[syncScopes.length - 1] : asyncScopes?.getStore();
  if (scope !== undefined) scope.tracked.push(d);
}

const kept = new WeakSet<Disposable>();

/**
 * Exempts a tensor from disposal by the scopes it was created in. Returns it. Whatever holds a
 * tensor for the long run does this: a Module for its parameters and buffers, a tensor for its
 * `.grad` (so building a model or a training step inside `tidy` is safe).
 */
export function keep<T extends Disposable | null>(d: T): T {
  if (d !== null) kept.add(d);
  return d;
}

// Marks every disposable reachable from a scope's result: a tensor, or arrays, Maps, Sets and
// plain objects holding tensors.
function collectReturned(value: unknown, out: Set<unknown>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (typeof (value as Disposable).dispose === 'function' && 'isDisposed' in (value as object)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value) || value instanceof Set) {
    for (const v of value) collectReturned(v, out, seen);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      collectReturned(k, out, seen);
      collectReturned(v, out, seen);
    }
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectReturned(v, out, seen);
  }
}

function close(scope: Scope, result: unknown, parent: Scope | undefined): void {
  const returned = new Set<unknown>();
  collectReturned(result, returned);
  for (const d of scope.tracked) {
    if (returned.has(d)) {
      parent?.tracked.push(d); // what a nested scope returns belongs to the enclosing one
    } else if (!kept.has(d) && !d.isDisposed) {
      d.dispose();
    }
  }
  scope.tracked.length = 0;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}

/**
 * Runs `fn` and disposes every tensor created during it except those it returns (found inside
 * arrays, Maps, Sets and plain objects too) and those passed to `keep()`. With an async `fn`, the
 * scope follows its awaits and closes when the returned promise settles.
 */
export function tidy<T>(fn: () => Promise<T>): Promise<T>;
export function tidy<T>(fn: () => T): T;
export function tidy<T>(fn: () => T | Promise<T>): T | Promise<T> {
  if (typeof fn !== 'function') throw new TypeError('tidy(fn): fn must be a function');
  const parentSync = syncScopes.length > 0 ? syncScopes[syncScopes.length - 1] : undefined;
  const parent = parentSync ?? asyncScopes?.getStore();
  const scope = new Scope();
  if (fn.constructor.name === 'AsyncFunction') {
    asyncScopes ??= new AsyncLocalStorage<Scope>();
    const als = asyncScopes;
    // Run outside any synchronous scope so tensors made before the first await land here.
    const saved = syncScopes.splice(0);
    let pending: Promise<T>;
    try {
      pending = als.run(scope, fn) as Promise<T>;
    } finally {
      syncScopes.push(...saved);
    }
    return pending.then(
      (value) => {
        close(scope, value, parent);
        return value;
      },
      (err: unknown) => {
        close(scope, undefined, parent);
        throw err;
      },
    );
  }
  syncScopes.push(scope);
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (err) {
    syncScopes.pop();
    close(scope, undefined, parent);
    throw err;
  }
  syncScopes.pop();
  if (isPromiseLike(result)) {
    throw new TypeError('tidy(fn): fn returned a promise but is not an async function; declare it `async` so the scope can follow its awaits');
  }
  close(scope, result, parent);
  return result;
}

/** Disposes every tensor (or other disposable) found in `value`: a tensor, array, Map or object. */
export function dispose(value: unknown): void {
  const found = new Set<unknown>();
  collectReturned(value, found);
  for (const d of found) (d as Disposable).dispose();
}
