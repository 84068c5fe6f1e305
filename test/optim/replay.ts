// Shared by the optimizer tests: the fixture model of scripts/fixtures/optim_db.py, turning the
// keyword arguments Python recorded into an options object, and comparing a state_dict with the
// one Python wrote (structure, Python value types, and values).
import * as torch from '../../lib';
import { Tensor } from '../../lib';
import { snakeToCamel } from '../../lib/nn/modules_utils';
import { PY_FLOATS } from '../../lib/serialization';

const { nn } = torch;

export type Dict = Map<unknown, unknown>;

/** A Python dict read by torch.load (a Map), or what stateDict() built (plain objects). */
export function entries(x: unknown): [unknown, unknown][] {
  if (x instanceof Map) return [...x.entries()];
  return Object.entries(x as object);
}
export function get(x: unknown, key: string): unknown {
  return x instanceof Map ? x.get(key) : (x as Record<string, unknown>)[key];
}

function marked(container: unknown, key: unknown): boolean {
  const s = (container as { [PY_FLOATS]?: Set<unknown> })[PY_FLOATS];
  return s !== undefined && s.has(key);
}

/** Python's type of a value held at container[key]: a number is an int or a float. */
export function pyType(container: unknown, key: unknown, v: unknown): string {
  if (typeof v === 'number') return !Number.isInteger(v) || marked(container, key) ? 'float' : 'int';
  if (v === null) return 'None';
  if (v instanceof Tensor) return 'Tensor';
  if (v instanceof torch.Tuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)) return 'dict';
  return typeof v;
}

/** A Python keyword value for the JS constructor: integral floats stay floats, tuples arrays. */
export function jsValue(container: unknown, key: unknown, v: unknown): unknown {
  if (typeof v === 'number' && Number.isInteger(v) && marked(container, key)) return torch.pyFloat(v);
  if (Array.isArray(v)) return v.map((x, i) => jsValue(v, i, x));
  return v;
}

/** Python's kwargs dict as a JS options object (camelCase keys). */
export function optionsOf(kwargs: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries(kwargs)) o[snakeToCamel(String(k))] = jsValue(kwargs, k, v);
  return o;
}

/** Differences between two state_dict-like values (empty when equal within `tol`). */
export function diff(actual: unknown, expected: unknown, tol: number, where = '', out: string[] = []): string[] {
  if (expected instanceof Tensor) {
    if (!(actual instanceof Tensor)) return [...out, `${where}: expected a tensor, got ${typeof actual}`];
    if (actual.dtype !== expected.dtype) out.push(`${where}: dtype ${actual.dtype.name} != ${expected.dtype.name}`);
    else if (String(actual.shape) !== String(expected.shape)) out.push(`${where}: shape [${actual.shape}] != [${expected.shape}]`);
    else if (expected.numel() > 0) {
      // Complex values compare as their real and imaginary parts.
      const real = (t: Tensor): Tensor => (t.dtype.isComplex ? torch.viewAsReal(t.detach()) : t.detach()).to(torch.float64);
      const a = real(actual);
      const e = real(expected);
      const bad = a.sub(e).abs().gt(e.abs().mul(tol).add(tol)).logicalAnd(a.isnan().logicalAnd(e.isnan()).logicalNot());
      if (bad.any().item()) out.push(`${where}: values differ (max abs diff ${a.sub(e).abs().max().item()})`);
    }
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [...out, `${where}: expected a sequence of ${expected.length}`];
    expected.forEach((e, i) => {
      if (pyType(actual, i, actual[i]) !== pyType(expected, i, e)) out.push(`${where}[${i}]: ${pyType(actual, i, actual[i])} != ${pyType(expected, i, e)}`);
      else diff(actual[i], e, tol, `${where}[${i}]`, out);
    });
    return out;
  }
  if (expected instanceof Map || (expected !== null && typeof expected === 'object' && !(expected instanceof torch.Tuple))) {
    const ea = new Map(entries(expected));
    const aa = new Map(entries(actual));
    const norm = (m: Map<unknown, unknown>): Map<string, [unknown, unknown]> => new Map([...m].map(([k, v]) => [String(k), [k, v]]));
    const en = norm(ea);
    const an = norm(aa);
    const ek = [...en.keys()].sort();
    const ak = [...an.keys()].sort();
    if (ek.join(',') !== ak.join(',')) return [...out, `${where}: keys [${ak}] != [${ek}]`];
    for (const k of ek) {
      const [ekey, ev] = en.get(k)!;
      const [akey, av] = an.get(k)!;
      const ta = pyType(actual, akey, av);
      const te = pyType(expected, ekey, ev);
      if (ta !== te) out.push(`${where}.${k}: ${ta} != ${te}`);
      else diff(av, ev, tol, `${where}.${k}`, out);
    }
    return out;
  }
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (!(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected))) && !(Number.isNaN(actual) && Number.isNaN(expected))) out.push(`${where}: ${actual} != ${expected}`);
    return out;
  }
  if (actual !== expected) out.push(`${where}: ${String(actual)} != ${String(expected)}`);
  return out;
}

/** The fixture's loss (scripts/fixtures/optim_db.py loss_of), op for op. */
export function lossOf(kind: string, p: Record<string, Tensor>, x: Tensor, t: Tensor): Tensor {
  const y = kind === 'sparse'
    ? nn.functional.embedding(x, p.E!, { sparse: true }).matmul(p.V!.T)
    : p.W1 !== undefined && x.matmul(p.W1.T).add(p.b1!).tanh().matmul(p.W2!.T).add(p.b2!);
  return (y as Tensor).sub(t).pow(2).mean();
}
