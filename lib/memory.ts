// Native memory policy. libtorch's memory is invisible to V8's heap, so three mechanisms keep it
// in check:
//  1. dispose(): free one tensor now (also `using t = ...` through Symbol.dispose);
//  2. tidy(fn): free every tensor created while fn runs, except what fn returns (sync or async);
//  3. for code that does neither, handles are Externals with basic finalizers that Node runs
//     from inside GC, and collection is paced by native allocation: once enough bytes were
//     allocated since the last collection, a minor GC reclaims the dead young wrappers (and
//     so their storage) — the way R's torch paces its collector.
import { AsyncLocalStorage } from 'async_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';
import { native } from './native';

/** Anything with native memory that a scope can free. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const STAT_BYTES_SINCE_RESET = 0;
const STAT_LIVE_HANDLES = 1;
const STAT_LIVE_BYTES = 2;
const stats = native.stats;

// Bytes of fresh tensor storage between two paced collections. Small enough that the blocks the
// dead tensors free come back to the caching CPU allocator while they are still in the CPU's
// caches (a chained 1000x1000 add: 140 µs per op at 8 MB, 160 at 16 MB, 640 at 64 MB, against
// 85-130 µs in Python), large enough that the cost of a scavenge is amortised.
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

/** Called for every new tensor: collects when native allocation since the last one is large. */
export function pace(): void {
  if (stats[STAT_BYTES_SINCE_RESET]! < gcEveryBytes) return;
  stats[STAT_BYTES_SINCE_RESET] = 0;
  const gc = getGc();
  if (gc) gc({ type: 'minor' });
}

export interface MemoryInfo {
  /** Tensor handles alive (not disposed, not yet collected). */
  liveTensors: number;
  /** Bytes of tensor storage those handles account for. */
  liveBytes: number;
}

/** What torchnode's tensors hold right now. */
export function memory(): MemoryInfo {
  return { liveTensors: stats[STAT_LIVE_HANDLES]!, liveBytes: stats[STAT_LIVE_BYTES]! };
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

/** Sets how many bytes of new tensor storage trigger a paced minor GC (0 collects at every tensor). */
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
export function track(d: Disposable): void {
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
