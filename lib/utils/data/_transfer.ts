// What crosses between the main thread and DataLoader workers: Python's pickling, in structured
// clone terms. Tensors cross to a thread without a copy (native.exportTensor: the receiver takes
// the same tensor), to a process as their bytes; arrays,
// plain objects, Maps, Sets and primitives as themselves; an instance of a class or a function
// that names its module (`static workerModule = __filename`, or `fn.workerModule = __filename`)
// as that module and its export name, plus the instance's own properties (Python's __dict__), so
// that the worker rebuilds it without running the constructor.
import * as path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import { native } from '../../native';
import { PyFloat } from '../../scalar';
import { Tensor } from '../../tensor';

type Encoded =
  | null
  | undefined
  | number
  | string
  | boolean
  | bigint
  | { $: 'T'; dtype: number; shape: number[]; data: ArrayBuffer }
  | { $: 'X'; id: bigint }
  | { $: 'A' | 'S'; items: Encoded[] }
  | { $: 'O' | 'M'; entries: [Encoded, Encoded][] }
  | { $: 'F'; value: number }
  | { $: 'C'; module: string; name: string; fields: [string, Encoded][] }
  | { $: 'Fn'; module: string; name: string }
  | { $: 'V'; value: unknown };

/** Where a class or function says it can be imported from, if it does. */
function workerModuleOf(f: { workerModule?: unknown; name: string }): string | undefined {
  const m = Object.hasOwn(f, 'workerModule') ? f.workerModule : undefined;
  if (m === undefined) return undefined;
  if (typeof m !== 'string') throw new TypeError(`${f.name}.workerModule must be a module path (string), got ${typeof m}`);
  return m.startsWith('file:') ? fileURLToPath(m) : path.resolve(m);
}

function describe(v: unknown): string {
  if (typeof v === 'function') return `function ${v.name || '<anonymous>'}`;
  return `object of class ${(v as object).constructor?.name ?? 'Object'}`;
}

/** Where an encoded value goes: a thread (tensors exported) or a process (tensors as bytes). */
export interface Sink {
  readonly thread: boolean;
  /** Buffers to move with postMessage. */
  readonly transfer: ArrayBuffer[];
  /** The module paths the receiver must load before decoding. */
  readonly modules: Set<string>;
}

export const sink = (thread: boolean): Sink => ({ thread, transfer: [], modules: new Set() });

/** Encodes `value` for postMessage (a thread) or process.send (a process). */
export function encode(value: unknown, out: Sink, where = 'value'): Encoded {
  const { transfer, modules } = out;
  const stack = new Set<unknown>();
  const enc = (v: unknown, at: string): Encoded => {
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
    if (stack.has(v)) throw new TypeError(`Can't send ${at} to a DataLoader worker: it contains itself`);
    stack.add(v);
    try {
      if (v instanceof Tensor) {
        if (out.thread) return { $: 'X', id: native.exportTensor(v._h) };
        const data = native.toBytes(v._h);
        transfer.push(data);
        return { $: 'T', dtype: v.dtype.code, shape: [...v.shape], data };
      }
      if (v instanceof PyFloat) return { $: 'F', value: v.value };
      if (Array.isArray(v)) return { $: 'A', items: v.map((x, i) => enc(x, `${at}[${i}]`)) };
      if (v instanceof Set) return { $: 'S', items: [...v].map((x) => enc(x, `${at} item`)) };
      if (v instanceof Map) return { $: 'M', entries: [...v].map(([k, x]) => [enc(k, `${at} key`), enc(x, `${at}.get(${String(k)})`)]) };
      if (typeof v === 'function') {
        const module = workerModuleOf(v);
        if (module === undefined) throw new TypeError(`Can't send ${at} (${describe(v)}) to a DataLoader worker: set its workerModule to the module that exports it (fn.workerModule = __filename)`);
        modules.add(module);
        return { $: 'Fn', module, name: v.name };
      }
      if (typeof v !== 'object') throw new TypeError(`Can't send ${at} (${typeof v}) to a DataLoader worker`);
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) return { $: 'O', entries: Object.entries(v).map(([k, x]) => [k, enc(x, `${at}.${k}`)]) };
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer || v instanceof Date || v instanceof RegExp) return { $: 'V', value: v };
      const cls = (v as object).constructor as { workerModule?: unknown; name: string };
      const module = workerModuleOf(cls);
      if (module === undefined) {
        throw new TypeError(`Can't send ${at} (${describe(v)}) to a DataLoader worker: declare \`static workerModule = __filename\` on ${cls.name} (the module that exports it under that name)`);
      }
      modules.add(module);
      return { $: 'C', module, name: cls.name, fields: Object.entries(v).map(([k, x]) => [k, enc(x, `${at}.${k}`)]) };
    } finally {
      stack.delete(v);
    }
  };
  return enc(value, where);
}

/** Loads the modules an encoded value refers to (CommonJS by require, ES modules by import()). */
export async function loadModules(paths: Iterable<string>): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const p of paths) {
    let m: Record<string, unknown>;
    try {
      m = require(p) as Record<string, unknown>;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
      m = (await import(pathToFileURL(p).href)) as Record<string, unknown>;
    }
    out.set(p, m);
  }
  return out;
}

/** The value `encode` described, with classes and functions taken from `modules`. */
export function decode(e: Encoded, modules: Map<string, Record<string, unknown>> = new Map()): unknown {
  if (e === null || typeof e !== 'object') return e;
  switch (e.$) {
    case 'T':
      return new Tensor(native.fromBytes(new Uint8Array(e.data), e.dtype, e.shape));
    case 'X':
      return new Tensor(native.importTensor(e.id));
    case 'F':
      return new PyFloat(e.value);
    case 'A':
      return e.items.map((x) => decode(x, modules));
    case 'S':
      return new Set(e.items.map((x) => decode(x, modules)));
    case 'M':
      return new Map(e.entries.map(([k, x]) => [decode(k, modules), decode(x, modules)]));
    case 'O':
      return Object.fromEntries(e.entries.map(([k, x]) => [k, decode(x, modules)]));
    case 'V':
      return e.value;
    case 'Fn':
    case 'C': {
      const exported = modules.get(e.module)?.[e.name];
      if (typeof exported !== 'function') throw new TypeError(`DataLoader worker: ${e.module} does not export ${e.name}`);
      if (e.$ === 'Fn') return exported;
      const obj = Object.create((exported as { prototype: object }).prototype) as Record<string, unknown>;
      for (const [k, x] of e.fields) obj[k] = decode(x, modules);
      return obj;
    }
  }
}

export type { Encoded };
