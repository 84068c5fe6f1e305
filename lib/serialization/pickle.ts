// Python's pickle, restricted the way torch/_weights_only_unpickler.py restricts it: the
// Unpickler knows only the opcodes that PyTorch's weights-only unpickler knows (protocol 2 and
// the few later ones it accepts) and resolves a GLOBAL only through a registry of allowlisted
// names; it never executes anything from the file. The Pickler writes protocol 2 as Python's
// pickle does, so that PyTorch's weights-only unpickler reads it back.
//
// Python values in JavaScript:
//   dict / OrderedDict / Counter -> Map (the Python class under PY_CLASS, see pyClassOf)
//   list -> Array, tuple -> Tuple (an Array subclass), set -> Set
//   int -> number (bigint beyond 2^53), float -> number, bool, None -> null, str -> string
//   bytes / bytearray -> Buffer
// A float whose value is integral (1.0) would come back as an int, so the container holding it
// records which of its keys (Map) or indices (Array) hold such floats, under PY_FLOATS; the
// Pickler writes those back as floats. Users just see numbers.
import { isUtf8 } from 'buffer';

/** The Python class of a Map read from a pickle ('collections.OrderedDict', 'collections.Counter'; absent for dict). */
export const PY_CLASS: unique symbol = Symbol.for('torchnode.pyClass') as never;
/** On a Map or Array: the keys / indices whose numbers are Python floats with integral values. */
export const PY_FLOATS: unique symbol = Symbol.for('torchnode.pyFloats') as never;
/** On a Map rebuilt by BUILD: instance attributes other than `_metadata` (name -> value). */
export const PY_ATTRS: unique symbol = Symbol.for('torchnode.pyAttrs') as never;
/**
 * An object may implement `[PY_REDUCE]()` to say how the Pickler writes it (Python's
 * `__reduce__`): a global to call, its arguments, and optionally a BUILD state.
 */
export const PY_REDUCE: unique symbol = Symbol.for('torchnode.pyReduce') as never;

/** A Python tuple: an Array that is written back as a tuple. */
export class Tuple<T = unknown> extends Array<T> {
  constructor(...items: T[]) {
    super();
    for (const x of items) this.push(x);
  }
  // map / filter / slice give plain arrays.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** Records that `container[key]` holds a Python float (only matters for integral values). */
export function markFloat(container: Map<unknown, unknown> | unknown[], key: unknown): void {
  const c = container as unknown as { [PY_FLOATS]?: Set<unknown> };
  if (c[PY_FLOATS] === undefined) Object.defineProperty(c, PY_FLOATS, { value: new Set(), configurable: true, writable: true });
  c[PY_FLOATS]!.add(key);
}

/** Forgets a markFloat: `container[key]` now holds what its value says (an integral number is an int). */
export function unmarkFloat(container: object, key: unknown): void {
  (container as { [PY_FLOATS]?: Set<unknown> })[PY_FLOATS]?.delete(key);
}

export function isMarkedFloat(container: object, key: unknown): boolean {
  const s = (container as { [PY_FLOATS]?: Set<unknown> })[PY_FLOATS];
  return s !== undefined && s.has(key);
}

export function pyClassOf(m: Map<unknown, unknown>): string | undefined {
  return (m as { [PY_CLASS]?: string })[PY_CLASS];
}

export function setPyClass(m: Map<unknown, unknown>, cls: string | undefined): void {
  Object.defineProperty(m, PY_CLASS, { value: cls, configurable: true, writable: true, enumerable: false });
}

/** A global name written as GLOBAL by the Pickler (`module`, `name` as in `module.name`). */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

export interface Reduced {
  func: PyGlobal;
  args: unknown[];
  /** BUILD state, written after the object (Python's `__setstate__` / `__dict__` update). */
  state?: unknown;
  /** Written as `cls.__new__(cls, *args)` (NEWOBJ, Python's copyreg.__newobj__) instead of a call. */
  newobj?: boolean;
}

/** What a registered global does when the pickle uses it. */
export interface GlobalImpl {
  /** REDUCE: `func(*args)`. */
  call?(args: Tuple<unknown>): unknown;
  /** NEWOBJ: `cls.__new__(cls, *args)`. */
  newobj?(args: Tuple<unknown>): unknown;
  /** BUILD on an instance this global made; returns false when it does not apply. */
  build?(inst: unknown, state: unknown): boolean;
  /** A plain value (a dtype, a storage type): pushed as it is, not callable. */
  value?: unknown;
}

/** A global as it sits on the unpickler's stack. */
export class PyCallable {
  constructor(readonly fullName: string, readonly impl: GlobalImpl) {}
  toString(): string {
    return `<${this.fullName}>`;
  }
}

export class UnpicklingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnpicklingError';
  }
}

// Python's pickle opcodes that PyTorch's weights-only unpickler accepts (and nothing else).
const OP = {
  MARK: 0x28, STOP: 0x2e, BINFLOAT: 0x47, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, NONE: 0x4e,
  BINPERSID: 0x51, REDUCE: 0x52, SHORT_BINSTRING: 0x55, BINUNICODE: 0x58, APPEND: 0x61, BUILD: 0x62,
  GLOBAL: 0x63, APPENDS: 0x65, BINGET: 0x68, LONG_BINGET: 0x6a, BINPUT: 0x71, LONG_BINPUT: 0x72,
  SETITEM: 0x73, TUPLE: 0x74, SETITEMS: 0x75, EMPTY_DICT: 0x7d, EMPTY_LIST: 0x5d, EMPTY_TUPLE: 0x29,
  PROTO: 0x80, NEWOBJ: 0x81, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88, NEWFALSE: 0x89,
  LONG1: 0x8a, EMPTY_SET: 0x8f,
} as const;

// pickle's protocol-2 names for Python 2 modules (torch/_utils.py IMPORT_MAPPING, the part that matters).
const IMPORT_MAPPING: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };
const BLOCKED_MODULES = new Set(['sys', 'os', 'posix', 'nt']);

export interface UnpicklerLimits {
  /** Most memo entries (BINPUT). */
  maxMemo: number;
  /** Most items on the stack and in one container. */
  maxItems: number;
  /** Deepest nesting of containers in the result. */
  maxDepth: number;
  /** Most elements the result would have if every shared container were expanded (memo bombs). */
  maxExpanded: number;
}

const DEFAULT_LIMITS: UnpicklerLimits = { maxMemo: 1 << 22, maxItems: 1 << 24, maxDepth: 1000, maxExpanded: 1e8 };

export interface UnpicklerOptions {
  /** Resolves `module.name` to its implementation; undefined when it is not allowed. */
  resolveGlobal(fullName: string): GlobalImpl | undefined;
  /** BINPERSID: turns a persistent id into the object it names (storages). */
  persistentLoad(pid: unknown): unknown;
  limits?: Partial<UnpicklerLimits>;
}

/** An integral-valued Python float while it is on the stack (numbers cannot carry that). */
class IntegralFloat {
  constructor(readonly value: number) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Quotes a name from a file for an error message: printable ASCII only, bounded length. */
export function safeName(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function describeType(x: unknown): string {
  if (x === null) return "<class 'NoneType'>";
  if (x instanceof Tuple) return "<class 'tuple'>";
  if (Array.isArray(x)) return "<class 'list'>";
  if (x instanceof Map) {
    const c = pyClassOf(x);
    return c ? `<class '${c}'>` : "<class 'dict'>";
  }
  if (x instanceof Set) return "<class 'set'>";
  if (x instanceof PyCallable) return `<class '${safeName(x.fullName)}'>`;
  if (typeof x === 'string') return "<class 'str'>";
  if (typeof x === 'number' || x instanceof IntegralFloat) return typeof x === 'number' && !Number.isInteger(x) ? "<class 'float'>" : "<class 'int'>";
  if (typeof x === 'bigint') return "<class 'int'>";
  if (typeof x === 'boolean') return "<class 'bool'>";
  if (Buffer.isBuffer(x)) return "<class 'bytes'>";
  const name = (x as object)?.constructor?.name;
  return `<class '${typeof name === 'string' ? safeName(name) : typeof x}'>`;
}

// Bytes of argument after each opcode: >= 0 fixed, -1 unknown opcode, -2 handled in scanPickle.
const ARG_BYTES = new Int8Array(256).fill(-1);
for (const op of [OP.NEWOBJ, OP.REDUCE, OP.BUILD, OP.APPEND, OP.APPENDS, OP.SETITEM, OP.SETITEMS, OP.MARK, OP.TUPLE, OP.TUPLE1,
  OP.TUPLE2, OP.TUPLE3, OP.NONE, OP.NEWFALSE, OP.NEWTRUE, OP.EMPTY_TUPLE, OP.EMPTY_LIST, OP.EMPTY_DICT, OP.EMPTY_SET, OP.BINPERSID]) ARG_BYTES[op] = 0;
for (const op of [OP.BININT1, OP.BINGET, OP.BINPUT, OP.PROTO]) ARG_BYTES[op] = 1;
ARG_BYTES[OP.BININT2] = 2;
for (const op of [OP.BININT, OP.LONG_BINGET, OP.LONG_BINPUT]) ARG_BYTES[op] = 4;
ARG_BYTES[OP.BINFLOAT] = 8;
for (const op of [OP.GLOBAL, OP.BINUNICODE, OP.SHORT_BINSTRING, OP.LONG1, OP.STOP]) ARG_BYTES[op] = -2;

/**
 * Reads the GLOBAL names of a pickle without building anything, and returns the offset just past
 * its STOP (pickletools-style scan, as torch's get_globals_in_pkl). Refuses unknown opcodes.
 */
export function scanPickle(data: Uint8Array, start = 0): { end: number; globals: [string, string][] } {
  const globals: [string, string][] = [];
  const len = data.length;
  let p = start;
  for (;;) {
    if (p >= len) throw new UnpicklingError('pickle data was truncated');
    const op = data[p++]!;
    const n = ARG_BYTES[op]!;
    if (n >= 0) {
      p += n;
      continue;
    }
    if (op === OP.STOP) {
      if (p > len) break;
      return { end: p, globals };
    }
    if (op === OP.GLOBAL) {
      const [module, name, next] = readGlobal(data, p);
      p = next;
      globals.push([module, name]);
    } else if (op === OP.BINUNICODE) {
      if (p + 4 > len) break;
      p += 4 + readU32(data, p);
    } else if (op === OP.SHORT_BINSTRING || op === OP.LONG1) {
      if (p + 1 > len) break;
      p += 1 + data[p]!;
    } else {
      throw new UnpicklingError(`Unsupported operand ${op}`);
    }
  }
  throw new UnpicklingError('pickle data was truncated');
}

function readU32(data: Uint8Array, p: number): number {
  return (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16)) + data[p + 3]! * 0x1000000;
}

function readLine(data: Uint8Array, p: number): [string, number] {
  const end = data.indexOf(0x0a, p);
  if (end < 0) throw new UnpicklingError('pickle data was truncated');
  if (end - p > 4096) throw new UnpicklingError('GLOBAL name is too long');
  let s: string;
  try {
    s = utf8.decode(data.subarray(p, end));
  } catch {
    throw new UnpicklingError('GLOBAL name is not valid UTF-8');
  }
  return [s, end + 1];
}

function readGlobal(data: Uint8Array, p: number): [string, string, number] {
  let [module, next] = readLine(data, p);
  const [name, after] = readLine(data, next);
  module = IMPORT_MAPPING[module] ?? module;
  return [module, name, after];
}

/** Checks a GLOBAL against the blocklist and the registry; throws PyTorch's message. */
function checkGlobal(fullName: string, module: string, resolve: (n: string) => GlobalImpl | undefined): GlobalImpl {
  if (BLOCKED_MODULES.has(module)) {
    throw new UnpicklingError(`Trying to load unsupported GLOBAL ${safeName(fullName)} whose module ${safeName(module)} is blocked.`);
  }
  const impl = resolve(fullName);
  if (impl !== undefined) return impl;
  let shown = fullName;
  if (shown.startsWith('builtins')) {
    shown = shown.slice('builtins'.length);
    shown = shown.startsWith('.') ? shown.slice(1) : `builtins${shown}`;
  }
  shown = safeName(shown);
  throw new UnpicklingError(`Unsupported global: GLOBAL ${shown} was not an allowed global by default. torchnode loads only what PyTorch's torch.load(weights_only=True) loads.`);
}

function hashable(k: unknown): boolean {
  if (k instanceof Tuple) return k.every(hashable);
  return !(Array.isArray(k) || k instanceof Map || k instanceof Set || k instanceof IntegralFloat);
}

/** Restricted unpickler over one pickle in `data` starting at `start`. */
export class Unpickler {
  private readonly limits: UnpicklerLimits;
  end = 0;

  constructor(private readonly data: Uint8Array, private readonly options: UnpicklerOptions, private readonly start = 0) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  load(): unknown {
    const data = this.data;
    // First pass: every opcode known, every GLOBAL allowed — before anything is built.
    const scanned = scanPickle(data, this.start);
    for (const [module, name] of scanned.globals) checkGlobal(`${module}.${name}`, module, this.options.resolveGlobal);
    const limits = this.limits;
    const memo = new Map<number, unknown>();
    let stack: unknown[] = [];
    const metastack: unknown[][] = [];
    let items = 0; // everything pushed so far (bounded)
    let p = this.start;
    const need = (n: number): void => {
      if (p + n > data.length) throw new UnpicklingError('pickle data was truncated');
    };
    const push = (x: unknown): void => {
      if (++items > limits.maxItems) throw new UnpicklingError('pickle data has too many items');
      stack.push(x);
    };
    const pop = (): unknown => {
      if (stack.length === 0) throw new UnpicklingError('Failed to load pickle data (IndexError: pop from empty list); the input is corrupted or truncated');
      return stack.pop();
    };
    const top = (): unknown => {
      if (stack.length === 0) throw new UnpicklingError('Failed to load pickle data (IndexError: list index out of range); the input is corrupted or truncated');
      return stack[stack.length - 1];
    };
    const popMark = (): unknown[] => {
      const items = stack;
      const prev = metastack.pop();
      if (prev === undefined) throw new UnpicklingError('Failed to load pickle data (IndexError: pop from empty list): no MARK; the input is corrupted or truncated');
      stack = prev;
      return items;
    };
    const tuple = (xs: unknown[]): Tuple<unknown> => {
      const t = new Tuple<unknown>();
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        if (x instanceof IntegralFloat) {
          t.push(x.value);
          markFloat(t, i);
        } else {
          t.push(x);
        }
      }
      return t;
    };
    const checkSetTarget = (target: unknown, opname: string): Map<unknown, unknown> => {
      if (!(target instanceof Map)) {
        throw new UnpicklingError(`Can only ${opname} for dict, collections.OrderedDict, collections.Counter, but got ${describeType(target)}`);
      }
      return target;
    };
    const setItem = (target: Map<unknown, unknown>, k: unknown, v: unknown): void => {
      if (!hashable(k)) throw new UnpicklingError(`unhashable type: ${describeType(k)}`);
      if (target.size >= limits.maxItems) throw new UnpicklingError('dict has too many items');
      if (v instanceof IntegralFloat) {
        target.set(k, v.value);
        markFloat(target, k);
      } else {
        target.set(k, v);
        const floats = (target as { [PY_FLOATS]?: Set<unknown> })[PY_FLOATS];
        if (floats !== undefined) floats.delete(k);
      }
    };
    const checkAppendTarget = (target: unknown): unknown[] => {
      if (!Array.isArray(target) || target instanceof Tuple || target.constructor !== Array) {
        throw new UnpicklingError(`Can only append to lists, but got ${describeType(target)}`);
      }
      return target;
    };
    const append = (target: unknown[], v: unknown): void => {
      if (target.length >= limits.maxItems) throw new UnpicklingError('list has too many items');
      if (v instanceof IntegralFloat) {
        markFloat(target, target.length);
        target.push(v.value);
      } else {
        target.push(v);
      }
    };
    const asArgs = (x: unknown, what: string): Tuple<unknown> => {
      if (!(x instanceof Tuple)) throw new UnpicklingError(`${what} arguments must be a tuple, but got ${describeType(x)}`);
      return x;
    };

    for (;;) {
      need(1);
      const op = data[p++]!;
      switch (op) {
        case OP.PROTO: need(1); p += 1; break;
        case OP.GLOBAL: {
          const [module, name, next] = readGlobal(data, p);
          p = next;
          const fullName = `${module}.${name}`;
          const impl = checkGlobal(fullName, module, this.options.resolveGlobal);
          push('value' in impl ? impl.value : new PyCallable(fullName, impl));
          break;
        }
        case OP.NEWOBJ: {
          const args = asArgs(pop(), 'NEWOBJ');
          const cls = pop();
          if (!(cls instanceof PyCallable) || cls.impl.newobj === undefined) {
            throw new UnpicklingError(`Can only create new object for nn.Parameter or classes allowlisted via \`add_safe_globals\` but got ${describeType(cls)}`);
          }
          push(cls.impl.newobj(args));
          break;
        }
        case OP.REDUCE: {
          const args = asArgs(pop(), 'REDUCE');
          const func = pop();
          if (!(func instanceof PyCallable) || func.impl.call === undefined) {
            throw new UnpicklingError(`Trying to call reduce for unrecognized function ${describeType(func)}`);
          }
          push(func.impl.call(args));
          break;
        }
        case OP.BUILD: {
          const state = pop();
          const inst = top();
          if (!buildInstance(inst, state)) {
            throw new UnpicklingError(`Can only build Tensor, Parameter, OrderedDict or types allowlisted via \`add_safe_globals\`, but got ${describeType(inst)}`);
          }
          break;
        }
        case OP.APPEND: {
          const v = pop();
          append(checkAppendTarget(top()), v);
          break;
        }
        case OP.APPENDS: {
          const xs = popMark();
          const target = checkAppendTarget(top());
          for (const x of xs) append(target, x);
          break;
        }
        case OP.SETITEM: {
          const v = pop();
          const k = pop();
          setItem(checkSetTarget(top(), 'SETITEM'), k, v);
          break;
        }
        case OP.SETITEMS: {
          const xs = popMark();
          const target = checkSetTarget(top(), 'SETITEMS');
          if (xs.length % 2 !== 0) throw new UnpicklingError('Failed to load pickle data (IndexError: list index out of range): odd number of items for SETITEMS');
          for (let i = 0; i < xs.length; i += 2) setItem(target, xs[i], xs[i + 1]);
          break;
        }
        case OP.MARK:
          if (metastack.length >= limits.maxItems) throw new UnpicklingError('too many MARKs');
          metastack.push(stack);
          stack = [];
          break;
        case OP.TUPLE: push(tuple(popMark())); break;
        case OP.TUPLE1: { const a = pop(); push(tuple([a])); break; }
        case OP.TUPLE2: { const b = pop(); const a = pop(); push(tuple([a, b])); break; }
        case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); push(tuple([a, b, c])); break; }
        case OP.NONE: push(null); break;
        case OP.NEWFALSE: push(false); break;
        case OP.NEWTRUE: push(true); break;
        case OP.EMPTY_TUPLE: push(new Tuple()); break;
        case OP.EMPTY_LIST: push([]); break;
        case OP.EMPTY_DICT: push(new Map()); break;
        case OP.EMPTY_SET: push(new Set()); break;
        case OP.BININT: need(4); push((data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24))); p += 4; break;
        case OP.BININT1: need(1); push(data[p]!); p += 1; break;
        case OP.BININT2: need(2); push(data[p]! | (data[p + 1]! << 8)); p += 2; break;
        case OP.BINFLOAT: {
          need(8);
          const v = Buffer.from(data.buffer, data.byteOffset + p, 8).readDoubleBE(0);
          p += 8;
          push(Number.isInteger(v) && !Object.is(v, -0) ? new IntegralFloat(v) : v);
          break;
        }
        case OP.BINUNICODE: {
          need(4);
          const n = readU32(data, p);
          p += 4;
          need(n);
          push(decodeUtf8(data.subarray(p, p + n)));
          p += n;
          break;
        }
        case OP.SHORT_BINSTRING: {
          // torch.load's default encoding is utf-8.
          need(1);
          const n = data[p++]!;
          need(n);
          push(decodeUtf8(data.subarray(p, p + n)));
          p += n;
          break;
        }
        case OP.BINPERSID: {
          const pid = pop();
          if (!(pid instanceof Tuple) && !(typeof pid === 'number' && Number.isInteger(pid))) {
            throw new UnpicklingError(`persistent_load id must be tuple or int, but got ${describeType(pid)}`);
          }
          if (pid instanceof Tuple && pid.length > 0 && pid[0] !== 'storage') {
            throw new UnpicklingError(`Only persistent_load of storage is allowed, but got ${describeType(pid[0])}`);
          }
          push(this.options.persistentLoad(pid));
          break;
        }
        case OP.BINGET: case OP.LONG_BINGET: {
          let i: number;
          if (op === OP.BINGET) { need(1); i = data[p]!; p += 1; } else { need(4); i = readU32(data, p); p += 4; }
          if (!memo.has(i)) throw new UnpicklingError(`Failed to load pickle data (KeyError: ${i}): memo entry not found; the input is corrupted or truncated`);
          push(memo.get(i));
          break;
        }
        case OP.BINPUT: case OP.LONG_BINPUT: {
          let i: number;
          if (op === OP.BINPUT) { need(1); i = data[p]!; p += 1; } else { need(4); i = readU32(data, p); p += 4; }
          if (!memo.has(i) && memo.size >= limits.maxMemo) throw new UnpicklingError('pickle data has too many memo entries');
          memo.set(i, top());
          break;
        }
        case OP.LONG1: {
          need(1);
          const n = data[p++]!;
          need(n);
          push(decodeLong(data.subarray(p, p + n)));
          p += n;
          break;
        }
        case OP.STOP: {
          this.end = p;
          let result = pop();
          if (result instanceof IntegralFloat) result = result.value;
          checkStructure(result, limits);
          return result;
        }
        default:
          throw new UnpicklingError(`Unsupported operand ${op}`);
      }
    }
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  if (!isUtf8(bytes)) {
    // Python decodes with 'surrogatepass'; lone surrogates are all that JS strings add to UTF-8.
    throw new UnpicklingError('Failed to load pickle data (UnicodeDecodeError): a string is not valid UTF-8');
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/** LONG1: little-endian two's complement; a number when it is a safe integer, else a bigint. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// BUILD: what PyTorch's weights-only unpickler allows. OrderedDict: its __dict__ (the
// `_metadata` of a state_dict); anything else: the build() of the global that made it.
const builders = new WeakMap<object, GlobalImpl>();

/** Remembers which global made `obj`, so BUILD can find its build(). */
export function madeBy<T>(obj: T, impl: GlobalImpl): T {
  if (typeof obj === 'object' && obj !== null) builders.set(obj, impl);
  return obj;
}

function buildInstance(inst: unknown, state: unknown): boolean {
  if (inst instanceof Map && pyClassOf(inst) === 'collections.OrderedDict') {
    if (!(state instanceof Map) || pyClassOf(state) !== undefined && pyClassOf(state) !== 'collections.OrderedDict') {
      throw new UnpicklingError('OrderedDict BUILD state must be a dict');
    }
    for (const [k, v] of state) {
      if (typeof k !== 'string') throw new UnpicklingError('OrderedDict attribute names must be strings');
      if (k === '_metadata') {
        (inst as { _metadata?: unknown })._metadata = v;
      } else {
        const attrs = ((inst as { [PY_ATTRS]?: Map<string, unknown> })[PY_ATTRS] ??= new Map());
        attrs.set(k, v);
      }
    }
    return true;
  }
  if (typeof inst === 'object' && inst !== null) {
    const impl = builders.get(inst);
    if (impl?.build !== undefined) return impl.build(inst, state);
  }
  return false;
}

/**
 * Walks the result once (iteratively): refuses containers that contain themselves, nesting
 * deeper than the limit, and sharing that would expand past the limit (memo bombs).
 */
function checkStructure(root: unknown, limits: UnpicklerLimits): void {
  const children = (x: unknown): Iterable<unknown> | null => {
    if (Array.isArray(x) || x instanceof Set) return x;
    if (x instanceof Map) {
      const out: unknown[] = [];
      for (const [k, v] of x) out.push(k, v);
      const md = (x as { _metadata?: unknown })._metadata;
      if (md !== undefined) out.push(md);
      const attrs = (x as { [PY_ATTRS]?: Map<string, unknown> })[PY_ATTRS];
      if (attrs !== undefined) out.push(...attrs.values());
      return out;
    }
    return null;
  };
  if (children(root) === null) return;
  const state = new Map<object, number>(); // 1: on the path, 2: done
  const expanded = new Map<object, number>();
  const stack: { node: object; kids: unknown[]; i: number; depth: number }[] = [];
  const enter = (node: object, depth: number): void => {
    if (depth > limits.maxDepth) throw new UnpicklingError(`the pickle nests containers deeper than ${limits.maxDepth} levels`);
    state.set(node, 1);
    stack.push({ node, kids: [...children(node)!], i: 0, depth });
  };
  enter(root as object, 1);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.i < frame.kids.length) {
      const kid = frame.kids[frame.i++];
      if (children(kid) === null) continue;
      const s = state.get(kid as object);
      if (s === 1) throw new UnpicklingError('the pickle has a container that contains itself (self-reference)');
      if (s === undefined) enter(kid as object, frame.depth + 1);
      continue;
    }
    let total = 1;
    for (const kid of frame.kids) total += children(kid) === null ? 1 : expanded.get(kid as object)!;
    if (total > limits.maxExpanded) throw new UnpicklingError('the pickle shares containers so often that it would expand past the limit (memo bomb)');
    expanded.set(frame.node, total);
    state.set(frame.node, 2);
    stack.pop();
  }
}

// ---- Pickler ---------------------------------------------------------------------------------

export interface PicklerOptions {
  /** Python's persistent_id: a value (a tuple) to write with BINPERSID instead of the object. */
  persistentId?(obj: unknown): unknown;
  /** How to write objects the Pickler does not know itself (tensors). */
  reducerFor?(obj: unknown): Reduced | undefined;
  /** Objects written as a bare GLOBAL (dtypes: `torch.float32`). */
  globalFor?(obj: unknown): PyGlobal | undefined;
  maxDepth?: number;
}

class ByteSink {
  private chunks: Buffer[] = [];
  private cur = Buffer.allocUnsafe(1 << 16);
  private pos = 0;
  private ensure(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    this.chunks.push(this.cur.subarray(0, this.pos));
    this.cur = Buffer.allocUnsafe(Math.max(1 << 16, n));
    this.pos = 0;
  }
  byte(b: number): void {
    this.ensure(1);
    this.cur[this.pos++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.cur.set(b, this.pos);
    this.pos += b.length;
  }
  u32(v: number): void {
    this.ensure(4);
    this.cur.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.cur.writeInt32LE(v, this.pos);
    this.pos += 4;
  }
  f64be(v: number): void {
    this.ensure(8);
    this.cur.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  result(): Buffer {
    return Buffer.concat([...this.chunks, this.cur.subarray(0, this.pos)]);
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Python int encoding for protocol 2 (as pickle.py's save_long). */
function encodeInt(out: ByteSink, v: bigint): void {
  if (v >= 0n && v < 256n) {
    out.byte(OP.BININT1);
    out.byte(Number(v));
  } else if (v >= 0n && v < 65536n) {
    out.byte(OP.BININT2);
    out.byte(Number(v) & 0xff);
    out.byte(Number(v) >> 8);
  } else if (v >= -(2n ** 31n) && v < 2n ** 31n) {
    out.byte(OP.BININT);
    out.i32(Number(v));
  } else {
    const bytes: number[] = [];
    let x = v;
    // Minimal two's complement, little-endian.
    for (;;) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = bytes[bytes.length - 1]! & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    if (bytes.length > 255) throw new Error(`cannot save an integer of ${bytes.length} bytes`);
    out.byte(OP.LONG1);
    out.byte(bytes.length);
    out.bytes(Uint8Array.from(bytes));
  }
}

export class Pickler {
  private readonly out = new ByteSink();
  private readonly memo = new Map<unknown, number>();
  private readonly strings = new Map<string, number>();
  private readonly globals = new Map<string, number>();
  private readonly inProgress = new Set<object>();
  private readonly maxDepth: number;

  constructor(private readonly options: PicklerOptions = {}) {
    this.maxDepth = options.maxDepth ?? 1000;
  }

  dump(obj: unknown): Buffer {
    this.out.byte(OP.PROTO);
    this.out.byte(2);
    this.save(obj, false, 0);
    this.out.byte(OP.STOP);
    return this.out.result();
  }

  private put(key: unknown, table: Map<unknown, number> = this.memo): void {
    const i = this.memo.size + this.strings.size + this.globals.size;
    table.set(key, i);
    if (i < 256) {
      this.out.byte(OP.BINPUT);
      this.out.byte(i);
    } else {
      this.out.byte(OP.LONG_BINPUT);
      this.out.u32(i);
    }
  }

  private get(i: number): void {
    if (i < 256) {
      this.out.byte(OP.BINGET);
      this.out.byte(i);
    } else {
      this.out.byte(OP.LONG_BINGET);
      this.out.u32(i);
    }
  }

  saveGlobal(g: PyGlobal): void {
    const key = `${g.module}\n${g.name}`;
    const i = this.globals.get(key);
    if (i !== undefined) return this.get(i);
    if (g.module.includes('\n') || g.name.includes('\n')) throw new Error('a global name cannot contain a newline');
    this.out.byte(OP.GLOBAL);
    this.out.bytes(Buffer.from(`${g.module}\n${g.name}\n`, 'utf8'));
    this.put(key, this.globals as Map<unknown, number>);
  }

  private saveString(s: string): void {
    const i = this.strings.get(s);
    if (i !== undefined) return this.get(i);
    const b = Buffer.from(s, 'utf8');
    this.out.byte(OP.BINUNICODE);
    this.out.u32(b.length);
    this.out.bytes(b);
    this.put(s, this.strings as Map<unknown, number>);
  }

  private saveNumber(v: number, asFloat: boolean): void {
    if (!asFloat && Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER && !Object.is(v, -0)) {
      encodeInt(this.out, BigInt(v));
    } else {
      this.out.byte(OP.BINFLOAT);
      this.out.f64be(v);
    }
  }

  private saveTupleItems(items: readonly unknown[], owner: object | null, depth: number): void {
    const n = items.length;
    if (n === 0) {
      this.out.byte(OP.EMPTY_TUPLE);
      return;
    }
    if (n > 3) this.out.byte(OP.MARK);
    for (let i = 0; i < n; i++) this.save(items[i], owner !== null && isMarkedFloat(owner, i), depth + 1);
    this.out.byte(n === 1 ? OP.TUPLE1 : n === 2 ? OP.TUPLE2 : n === 3 ? OP.TUPLE3 : OP.TUPLE);
  }

  /** Writes `func(*args)` (and BUILD state), memoizing the result under `obj`. */
  saveReduce(r: Reduced, obj: object | null, depth: number): void {
    this.saveGlobal(r.func);
    this.saveTupleItems(r.args, r.args instanceof Tuple ? r.args : null, depth);
    this.out.byte(r.newobj ? OP.NEWOBJ : OP.REDUCE);
    if (obj !== null) this.put(obj);
    if (r.state !== undefined) {
      this.save(r.state, false, depth + 1);
      this.out.byte(OP.BUILD);
    }
  }

  save(obj: unknown, asFloat: boolean, depth: number): void {
    if (depth > this.maxDepth) throw new Error(`cannot save: the object nests deeper than ${this.maxDepth} levels`);
    const out = this.out;
    if (obj === null || obj === undefined) return out.byte(OP.NONE);
    if (obj === true) return out.byte(OP.NEWTRUE);
    if (obj === false) return out.byte(OP.NEWFALSE);
    if (typeof obj === 'number') return this.saveNumber(obj, asFloat);
    if (typeof obj === 'bigint') return encodeInt(out, obj);
    if (typeof obj === 'string') return this.saveString(obj);
    if (typeof obj !== 'object') throw new Error(`cannot save a ${typeof obj}`);

    const pid = this.options.persistentId?.(obj);
    if (pid !== undefined) {
      this.save(pid, false, depth + 1);
      out.byte(OP.BINPERSID);
      return;
    }
    const seen = this.memo.get(obj);
    if (seen !== undefined) return this.get(seen);
    if (this.inProgress.has(obj)) throw new Error('cannot save an object that contains itself');
    this.inProgress.add(obj);
    try {
      this.saveObject(obj, depth);
    } finally {
      this.inProgress.delete(obj);
    }
  }

  private saveObject(obj: object, depth: number): void {
    const out = this.out;
    if (obj instanceof PyGlobal) return this.saveGlobal(obj);
    const g = this.options.globalFor?.(obj);
    if (g !== undefined) return this.saveGlobal(g);
    const custom = (obj as { [PY_REDUCE]?: () => Reduced })[PY_REDUCE];
    if (typeof custom === 'function') return this.saveReduce(custom.call(obj), obj, depth);
    const reduced = this.options.reducerFor?.(obj);
    if (reduced !== undefined) return this.saveReduce(reduced, obj, depth);
    if (obj instanceof Uint8Array) {
      // Python 3 bytes in protocol 2: _codecs.encode(latin-1 text, 'latin1').
      return this.saveReduce({ func: new PyGlobal('_codecs', 'encode'), args: new Tuple(Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('latin1'), 'latin1') }, obj, depth);
    }
    if (obj instanceof Tuple) {
      this.saveTupleItems(obj, obj, depth);
      if (obj.length > 0) this.put(obj);
      return;
    }
    if (Array.isArray(obj)) {
      out.byte(OP.EMPTY_LIST);
      this.put(obj);
      this.batched(obj.length, (i) => this.save(obj[i], isMarkedFloat(obj, i), depth + 1), OP.APPEND, OP.APPENDS);
      return;
    }
    if (obj instanceof Set) {
      return this.saveReduce({ func: new PyGlobal('builtins', 'set'), args: new Tuple([...obj]) }, obj, depth);
    }
    if (obj instanceof Map) return this.saveMap(obj, depth);
    if (isPlainObject(obj)) {
      out.byte(OP.EMPTY_DICT);
      this.put(obj);
      const keys = Object.keys(obj);
      this.batched(keys.length, (i) => {
        this.saveString(keys[i]!);
        this.save(obj[keys[i]!], isMarkedFloat(obj, keys[i]), depth + 1);
      }, OP.SETITEM, OP.SETITEMS);
      return;
    }
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new Error(`torch.save cannot save a ${name}: only tensors, numbers, strings, booleans, null, Buffers, arrays, Tuples, Maps, Sets, plain objects, dtypes, devices and sizes`);
  }

  private saveMap(m: Map<unknown, unknown>, depth: number): void {
    const out = this.out;
    const metadata = (m as { _metadata?: unknown })._metadata;
    const attrs = (m as { [PY_ATTRS]?: Map<string, unknown> })[PY_ATTRS];
    let cls = pyClassOf(m);
    if (cls === undefined && metadata !== undefined) cls = 'collections.OrderedDict';
    if (cls === 'collections.OrderedDict') {
      this.saveGlobal(new PyGlobal('collections', 'OrderedDict'));
      out.byte(OP.EMPTY_TUPLE);
      out.byte(OP.REDUCE);
      this.put(m);
    } else if (cls === 'collections.Counter') {
      this.saveGlobal(new PyGlobal('collections', 'Counter'));
      out.byte(OP.EMPTY_DICT);
      this.batchedItems(m, depth);
      out.byte(OP.TUPLE1);
      out.byte(OP.REDUCE);
      this.put(m);
      return;
    } else {
      out.byte(OP.EMPTY_DICT);
      this.put(m);
    }
    this.batchedItems(m, depth);
    if (cls === 'collections.OrderedDict' && (metadata !== undefined || (attrs !== undefined && attrs.size > 0))) {
      // Python: OrderedDict.__reduce__ gives its __dict__ as the state: {'_metadata': OrderedDict}.
      out.byte(OP.EMPTY_DICT);
      this.put({});
      out.byte(OP.MARK);
      if (metadata !== undefined) {
        this.saveString('_metadata');
        this.saveMetadata(metadata, depth + 1);
      }
      for (const [k, v] of attrs ?? []) {
        if (k === '_metadata') continue;
        this.saveString(k);
        this.save(v, false, depth + 1);
      }
      out.byte(OP.SETITEMS);
      out.byte(OP.BUILD);
    }
  }

  // state_dict()._metadata is an OrderedDict of prefix -> {'version': n}.
  private saveMetadata(md: unknown, depth: number): void {
    if (md instanceof Map && pyClassOf(md) === undefined && !this.memo.has(md)) {
      this.inProgress.add(md);
      try {
        this.saveGlobal(new PyGlobal('collections', 'OrderedDict'));
        this.out.byte(OP.EMPTY_TUPLE);
        this.out.byte(OP.REDUCE);
        this.put(md);
        this.batchedItems(md, depth);
      } finally {
        this.inProgress.delete(md);
      }
      return;
    }
    this.save(md, false, depth);
  }

  private batchedItems(m: Map<unknown, unknown>, depth: number): void {
    const entries = [...m];
    this.batched(entries.length, (i) => {
      const [k, v] = entries[i]!;
      this.save(k, false, depth + 1);
      this.save(v, isMarkedFloat(m, k), depth + 1);
    }, OP.SETITEM, OP.SETITEMS);
  }

  // pickle.py's _batch_appends / _batch_setitems: batches of 1000, a lone item without MARK.
  private batched(n: number, item: (i: number) => void, single: number, many: number): void {
    for (let start = 0; start < n; start += 1000) {
      const end = Math.min(n, start + 1000);
      if (end - start === 1) {
        item(start);
        this.out.byte(single);
      } else {
        this.out.byte(OP.MARK);
        for (let i = start; i < end; i++) item(i);
        this.out.byte(many);
      }
    }
  }
}
