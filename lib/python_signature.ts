// Python's binding of a call's arguments to a `def` (CPython's initialize_locals and its
// TypeErrors), for every function torchnode writes by hand at Python's level: torch/functional.py,
// torch/_tensor.py, torch.nn.functional, the nn layer constructors, nn.init, torch.masked and
// torch.signal.windows. The signature is PyTorch's own, written as Python writes it:
//   pySignature('Tensor.norm', 'self, p="fro", dim=None, keepdim=False, dtype=None')
// A call passes the positional arguments in order, then optionally a trailing options object (a
// plain object literal) whose camelCase keys name any parameter; keyword-only ones (after `*` or
// `*args`) only there. `undefined` is "not given". A leading `self` or `cls` is the bound receiver:
// never among the arguments, but counted in the messages as Python counts it
// ("Linear.__init__() takes from 3 to 4 positional arguments but 5 were given").
// The generated ops bind through a different, table-driven mechanism (lib/arg_parser.ts).
import { isOptions, snakeToCamel } from './nn/modules_utils';
import { PyFloat } from './scalar';

interface Param {
  readonly key: string; // camelCase, the options key and the bound name
  readonly name: string; // Python's name, for messages
  readonly hasDefault: boolean;
  readonly def: unknown;
}

interface Signature {
  /** The receiver (`self`/`cls`) counts as one positional argument, always given. */
  readonly bound: number;
  readonly positional: readonly Param[];
  /** `*args`: the extra positional arguments, as an array under this key. */
  readonly varargs: string | undefined;
  readonly keywordOnly: readonly Param[];
  readonly byKey: ReadonlyMap<string, Param>;
  /** Every parameter, positional ones first; and those without a default (checked per call). */
  readonly all: readonly Param[];
  readonly required: readonly Param[];
}

/**
 * A Python literal default: None, True, False, a number, a string, (). With `floatDefaults`, an
 * integral float literal (`1.0`, `20.0`) is `torch.pyFloat(x)`, so that a layer keeps it a float.
 */
function pyDefault(text: string, floatDefaults = false): unknown {
  if (text === 'None') return null;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (/^'.*'$|^".*"$/.test(text)) return text.slice(1, -1);
  if (text === '()') return [];
  if (/^\(.*\)$/.test(text)) return splitTopLevel(text.slice(1, -1)).map((t) => pyDefault(t, floatDefaults));
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`pySignature: cannot read the default ${text}`);
  return floatDefaults && Number.isInteger(n) && /[.eE]/.test(text) ? new PyFloat(n) : n;
}

/** Splits at the commas outside parentheses (a tuple default such as `betas=(0.9, 0.999)`). */
function splitTopLevel(text: string): string[] {
  return text.split(/,(?![^(]*\))/).map((s) => s.trim()).filter((s) => s !== '');
}

function parse(text: string, floatDefaults = false): Signature {
  const parts = splitTopLevel(text);
  let bound = 0;
  if (parts[0] === 'self' || parts[0] === 'cls') {
    bound = 1;
    parts.shift();
  }
  const positional: Param[] = [];
  const keywordOnly: Param[] = [];
  let varargs: string | undefined;
  let kwOnly = false;
  for (const part of parts) {
    if (part.startsWith('*')) {
      if (part !== '*') varargs = snakeToCamel(part.slice(1));
      kwOnly = true;
      continue;
    }
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq).trim();
    const p: Param = { key: snakeToCamel(name), name, hasDefault: eq >= 0, def: eq >= 0 ? pyDefault(part.slice(eq + 1).trim(), floatDefaults) : undefined };
    (kwOnly ? keywordOnly : positional).push(p);
  }
  const byKey = new Map<string, Param>();
  const all = [...positional, ...keywordOnly];
  for (const p of all) byKey.set(p.key, p);
  return { bound, positional, varargs, keywordOnly, byKey, all, required: all.filter((p) => !p.hasDefault) };
}

const s = (n: number): string => (n === 1 ? '' : 's');

/** 'a'; 'a' and 'b'; 'a', 'b', and 'c' (CPython's missing_arguments). */
function quotedList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 2) return q.join(' and ');
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * Binds a call's arguments; `name` (default: the signature's) is the function in the messages,
 * as Python's qualified name: 'layer_norm', 'Tensor.norm', 'Linear.__init__'.
 */
export type Binder<T = Record<string, unknown>> = <U = T>(args: readonly unknown[], name?: string) => U;

/**
 * A Python function's argument binding from its signature as Python writes it
 * (`pySignature('normalize', 'input, p=2.0, dim=1, eps=1e-12, out=None')`). The binder returns
 * every parameter (but `self`) by its camelCase name, defaults filled in, `*args` as an array.
 * An unknown keyword, a value given twice, too many positional arguments or a missing required
 * one is Python's TypeError, in Python's order and words.
 */
export function pySignature<T = Record<string, unknown>>(name: string, signature: string, options: { floatDefaults?: boolean } = {}): Binder<T> {
  const sig = parse(signature, options.floatDefaults ?? false);
  return <U = T>(args: readonly unknown[], fn = name): U => bind<U>(sig, fn, args);
}

function bind<T>(sig: Signature, fn: string, args: readonly unknown[]): T {
  let n = args.length;
  const options = n > 0 && isOptions(args[n - 1]) ? (args[n - 1] as Record<string, unknown>) : undefined;
  if (options !== undefined) n--;
  while (n > 0 && args[n - 1] === undefined) n--;
  const pos = sig.positional;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < Math.min(n, pos.length); i++) if (args[i] !== undefined) out[pos[i]!.key] = args[i];
  if (sig.varargs !== undefined) out[sig.varargs] = args.slice(pos.length, Math.max(n, pos.length));
  let kwOnlyGiven = 0;
  if (options !== undefined) {
    for (const [key, value] of Object.entries(options)) {
      const p = sig.byKey.get(key);
      if (p === undefined) {
        if (sig.bound === 1 && key === 'self') throw new TypeError(`${fn}() got multiple values for argument 'self'`);
        throw new TypeError(`${fn}() got an unexpected keyword argument '${key}'`);
      }
      if (value === undefined) continue;
      if (key in out) throw new TypeError(`${fn}() got multiple values for argument '${p.name}'`);
      out[key] = value;
      if (!pos.includes(p)) kwOnlyGiven++;
    }
  }
  if (n > pos.length && sig.varargs === undefined) {
    const max = pos.length + sig.bound;
    const min = pos.filter((p) => !p.hasDefault).length + sig.bound;
    const takes = min === max ? `${max} positional argument${s(max)}` : `from ${min} to ${max} positional arguments`;
    const given = n + sig.bound;
    const counted = kwOnlyGiven > 0 ? `${given} positional argument${s(given)} (and ${kwOnlyGiven} keyword-only argument${s(kwOnlyGiven)}) were` : `${given} ${given === 1 ? 'was' : 'were'}`;
    throw new TypeError(`${fn}() takes ${takes} but ${counted} given`);
  }
  for (const r of sig.required) if (!(r.key in out)) missingArguments(sig, fn, out);
  const all = sig.all;
  for (let i = 0; i < all.length; i++) {
    const p = all[i]!;
    if (p.hasDefault && !(p.key in out)) out[p.key] = Array.isArray(p.def) ? [...p.def] : p.def;
  }
  return out as T;
}

function missingArguments(sig: Signature, fn: string, out: Record<string, unknown>): never {
  const missing = sig.positional.filter((p) => !p.hasDefault && !(p.key in out)).map((p) => p.name);
  if (missing.length > 0) {
    throw new TypeError(`${fn}() missing ${missing.length} required positional argument${s(missing.length)}: ${quotedList(missing)}`);
  }
  const missingKw = sig.keywordOnly.filter((p) => !p.hasDefault && !(p.key in out)).map((p) => p.name);
  throw new TypeError(`${fn}() missing ${missingKw.length} required keyword-only argument${s(missingKw.length)}: ${quotedList(missingKw)}`);
}
