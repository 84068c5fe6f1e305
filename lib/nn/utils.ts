// torch/nn/modules/utils.py (_single, _pair, _reverse_repeat_tuple) and the binding of a layer
// constructor's arguments: Python's positional-or-keyword parameters are positional here too,
// and any trailing run of them (plus keyword-only ones such as device and dtype) may be given in
// a trailing options object with camelCase keys:
//   new nn.Conv2d(3, 64, 3, 1, 1)  ===  new nn.Conv2d(3, 64, 3, { stride: 1, padding: 1 })

/** An int, or a tuple of them (PyTorch's `_size_2_t`). */
export type IntOrTuple = number | readonly number[];

function ntuple(n: number) {
  return (x: IntOrTuple): number[] => (typeof x === 'number' ? Array<number>(n).fill(x) : [...x]);
}
export const _single = ntuple(1);
export const _pair = ntuple(2);
export const _triple = ntuple(3);

/** Reverses `t` and repeats each element `n` times (conv padding in F.pad's order). */
export function _reverseRepeatTuple(t: readonly number[], n: number): number[] {
  return [...t].reverse().flatMap((x) => Array<number>(n).fill(x));
}

type Prefixes<P extends unknown[]> = P extends [...infer H, unknown] ? P | Prefixes<H> : [];
/**
 * A constructor's argument list: the required positional arguments `R`, then any leading run of
 * the optional positional arguments `P`, then optionally the options object `O`.
 */
export type Args<R extends unknown[], P extends unknown[], O> = Prefixes<P> extends infer Q ? (Q extends unknown[] ? [...R, ...Q, O?] : never) : never;

/** A trailing options object is a plain object literal (never a Tensor, Module, array or Map). */
export function isOptions(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** PyTorch's name for a camelCase one: `inFeatures` -> `in_features`, `in1Features` -> `in1_features`. */
export function camelToSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `in_features` -> `inFeatures`, `_qkv_same_embed_dim` -> `_qkvSameEmbedDim` (leading underscores stay). */
export function snakeToCamel(name: string): string {
  return name.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Python's binding of a call's arguments: `names` are the positional-or-keyword parameters in
 * order (the first `required` of them without defaults), `keywordOnly` those only the options
 * object may give. Errors are Python's TypeErrors for `fn`.
 */
export function bindArgs<T = Record<string, unknown>>(
  fn: string,
  names: readonly string[],
  required: number,
  args: readonly unknown[],
  keywordOnly: readonly string[] = [],
): T {
  const last = args[args.length - 1];
  const options = args.length > 0 && isOptions(last) ? last : undefined;
  const positional = options === undefined ? args : args.slice(0, -1);
  if (positional.length > names.length) {
    throw new TypeError(`${fn}() takes from ${required + 1} to ${names.length + 1} positional arguments but ${positional.length + 1} were given`);
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]!] = v;
  });
  if (options !== undefined) {
    for (const [key, value] of Object.entries(options)) {
      if (!names.includes(key) && !keywordOnly.includes(key)) throw new TypeError(`${fn}() got an unexpected keyword argument '${key}'`);
      if (value === undefined) continue;
      if (out[key] !== undefined) throw new TypeError(`${fn}() got multiple values for argument '${camelToSnake(key)}'`);
      out[key] = value;
    }
  }
  const missing = names.slice(0, required).filter((n) => out[n] === undefined);
  if (missing.length > 0) {
    const quoted = missing.map((n) => `'${camelToSnake(n)}'`);
    const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
    throw new TypeError(`${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  return out as T;
}

// ---- Python-level functions (torch/nn/functional.py and friends) -----------------------------

interface PyParam {
  readonly key: string; // camelCase, the options key
  readonly name: string; // Python's name
  readonly hasDefault: boolean;
  readonly def: unknown;
  readonly kwOnly: boolean;
}
interface PySignature {
  readonly fn: string;
  readonly positional: readonly PyParam[];
  readonly keywordOnly: readonly PyParam[];
  readonly byKey: ReadonlyMap<string, PyParam>;
}

function pyDefault(text: string): unknown {
  if (text === 'None') return null;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (/^'.*'$/.test(text)) return text.slice(1, -1);
  if (text === '()') return [];
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`pySignature: cannot read the default ${text}`);
  return n;
}

/** Reads a Python signature written as Python writes it: `'input, p=2.0, dim=1, *, out=None'`. */
function parsePySignature(fn: string, text: string): PySignature {
  const positional: PyParam[] = [];
  const keywordOnly: PyParam[] = [];
  let kwOnly = false;
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (part === '*') {
      kwOnly = true;
      continue;
    }
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq).trim();
    const p: PyParam = { key: snakeToCamel(name), name, hasDefault: eq >= 0, def: eq >= 0 ? pyDefault(part.slice(eq + 1).trim()) : undefined, kwOnly };
    (kwOnly ? keywordOnly : positional).push(p);
  }
  const byKey = new Map<string, PyParam>();
  for (const p of [...positional, ...keywordOnly]) byKey.set(p.key, p);
  return { fn, positional, keywordOnly, byKey };
}

function quotedList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 2) return q.join(' and ');
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * A Python function's argument binding, from its signature as Python writes it
 * (`pySignature('normalize', 'input, p=2.0, dim=1, eps=1e-12, out=None')`): positional arguments in
 * order, then a trailing options object whose camelCase keys name any parameter (keyword-only
 * ones, after `*`, only there). The binder returns every parameter by its camelCase name, defaults
 * filled in; `undefined` is "not given". Too many positionals, an unknown key, a value given twice
 * or a missing required argument is Python's TypeError for `fn`.
 */
export function pySignature<T = Record<string, unknown>>(fn: string, signature: string): (args: readonly unknown[]) => T {
  const s = parsePySignature(fn, signature);
  return (args) => bindPy<T>(s, args);
}

function bindPy<T>(s: PySignature, args: readonly unknown[]): T {
  let n = args.length;
  const last = args[n - 1];
  const options = n > 0 && isOptions(last) ? last : undefined;
  if (options !== undefined) n--;
  while (n > 0 && args[n - 1] === undefined) n--;
  const pos = s.positional;
  if (n > pos.length) {
    const min = pos.filter((p) => !p.hasDefault).length;
    const takes = min === pos.length ? `${pos.length}` : `from ${min} to ${pos.length}`;
    const plural = pos.length === 1 && min === pos.length ? '' : 's';
    const kw = options === undefined ? 0 : Object.keys(options).filter((k) => s.byKey.get(k)?.kwOnly && options[k] !== undefined).length;
    const given = kw > 0 ? `${n} positional argument${n === 1 ? '' : 's'} (and ${kw} keyword-only argument${kw === 1 ? '' : 's'}) were given` : `${n} were given`;
    throw new TypeError(`${s.fn}() takes ${takes} positional argument${plural} but ${given}`);
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) if (args[i] !== undefined) out[pos[i]!.key] = args[i];
  if (options !== undefined) {
    for (const [key, value] of Object.entries(options)) {
      const p = s.byKey.get(key);
      if (p === undefined) throw new TypeError(`${s.fn}() got an unexpected keyword argument '${key}'`);
      if (value === undefined) continue;
      if (key in out) throw new TypeError(`${s.fn}() got multiple values for argument '${p.name}'`);
      out[key] = value;
    }
  }
  const missing = pos.filter((p) => !p.hasDefault && !(p.key in out)).map((p) => p.name);
  if (missing.length > 0) {
    throw new TypeError(`${s.fn}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${quotedList(missing)}`);
  }
  const missingKw = s.keywordOnly.filter((p) => !p.hasDefault && !(p.key in out)).map((p) => p.name);
  if (missingKw.length > 0) {
    throw new TypeError(`${s.fn}() missing ${missingKw.length} required keyword-only argument${missingKw.length > 1 ? 's' : ''}: ${quotedList(missingKw)}`);
  }
  for (const p of [...pos, ...s.keywordOnly]) if (!(p.key in out) && p.hasDefault) out[p.key] = p.def;
  return out as T;
}
