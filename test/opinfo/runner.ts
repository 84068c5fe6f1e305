// Replays PyTorch's OpInfo cases (scripts/fixtures/opinfo.py wrote them with torch.save) through
// torchnode's JS API and says, per op, whether every case gave PyTorch's result. See
// test/opinfo.test.ts for the report and the thresholds.
import * as torch from '../../lib';

type Any = unknown;
type PyMap = Map<string, Any>;

/** One recorded OpInfo (a Map from torch.load, read through `get`). */
export interface OpResult {
  key: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped (one line). */
  reason: string;
  /** The reason's category, for the grouped summary. */
  category: string;
  cases: number;
  failedCases: number;
  /** Gradient checks that ran and passed. */
  grads: number;
  errorInputs: number;
  /** Harness-side skips inside the op (unencodable samples, complex results...). */
  notes: string[];
}

export function get<T = Any>(m: Any, k: string): T {
  if (!(m instanceof Map)) throw new Error(`opinfo fixture: expected a dict holding '${k}'`);
  return m.get(k) as T;
}

/** PyTorch's snake_case name in lowerCamelCase (leading and trailing underscores stay). */
export function camel(name: string): string {
  return name.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A failure with its category (the reason's first word(s) group the summary). */
class Mismatch extends Error {
  constructor(readonly category: string, message: string) {
    super(message);
  }
}

const T = torch as unknown as Record<string, Any>;
/** torch.pyFloat (a Python float with an integral value), or the plain number where the tree has none yet. */
const pyFloat = (x: number): Any => (typeof T.pyFloat === 'function' ? (T.pyFloat as (x: number) => Any)(x) : x);

// ---- decoding what the Python side encoded -------------------------------------------------------

function special(m: PyMap): Any {
  if (m.size === 1 || m.has('__namedtuple__')) {
    const [k, v] = [...m.entries()][0]!;
    switch (k) {
      case '__float__': return pyFloat(Number(v));
      case '__dtype__': {
        const d = T[camel(String(v))];
        if (d === undefined) throw new Mismatch('missing dtype', `missing: torch.${String(v)}`);
        return d;
      }
      case '__layout__':
      case '__memory_format__': {
        const d = T[camel(String(v))];
        if (d === undefined) throw new Mismatch('missing layout/memory format', `missing: torch.${camel(String(v))}`);
        return d;
      }
      case '__device__': return String(v);
      case '__complex__': {
        const [re, im] = v as number[];
        return new torch.Complex(Number(re), Number(im));
      }
      case '__size__': return [...(v as number[])];
      case '__ellipsis__': throw new Mismatch('unsupported argument', 'Ellipsis argument has no JS form');
      case '__slice__': throw new Mismatch('unsupported argument', 'slice argument has no JS form');
      case '__namedtuple__': return decode(m.get('values'));
      default: break;
    }
  }
  throw new Error(`opinfo fixture: unknown dict ${[...m.keys()].join(',')}`);
}

/** The JS value for an encoded Python value; `leaves` (when given) collects floating tensors made into leaves requiring grad. */
export function decode(v: Any, leaves?: torch.Tensor[]): Any {
  if (v instanceof torch.Tensor) {
    if (leaves !== undefined && v.dtype.isFloatingPoint) {
      const leaf = v.detach().requiresGrad_();
      leaves.push(leaf);
      return leaf;
    }
    return v;
  }
  if (Array.isArray(v)) return Array.from(v, (x) => decode(x, leaves));
  if (v instanceof Map) return special(v as PyMap);
  return v;
}

// ---- calling --------------------------------------------------------------------------------------

/** The JS callable for a variant, bound to its receiver, or a Mismatch saying what is missing. */
function resolve(kind: string, name: string, input: Any): (...args: Any[]) => Any {
  if (kind === 'function') {
    let obj: Any = torch;
    const parts = name.split('.').map(camel);
    for (const p of parts) {
      obj = obj == null ? undefined : (obj as Record<string, Any>)[p];
    }
    if (typeof obj !== 'function') throw new Mismatch('missing function', `missing: torch.${parts.join('.')}`);
    return obj as (...args: Any[]) => Any;
  }
  if (!(input instanceof torch.Tensor)) throw new Mismatch('harness', `method on a ${typeof input}`);
  if (kind === 'property') {
    if (!(name in input)) throw new Mismatch('missing property', `missing: Tensor.${name}`);
    return () => (input as unknown as Record<string, Any>)[name];
  }
  const m = (input as unknown as Record<string, Any>)[camel(name)];
  if (typeof m !== 'function') throw new Mismatch(kind === 'inplace' ? 'missing in-place method' : 'missing method', `missing: Tensor.${camel(name)}`);
  return (m as (...args: Any[]) => Any).bind(input);
}

interface Call {
  fn: (...args: Any[]) => Any;
  input: Any;
  args: Any[];
}

function prepare(kind: string, name: string, c: Any, leaves?: torch.Tensor[]): Call {
  let input = decode(get(c, 'input'), leaves);
  if (kind === 'inplace' && input instanceof torch.Tensor) input = input.clone();
  const args = decode(get(c, 'args'), leaves) as Any[];
  const kwargs = get<[string, Any][]>(c, 'kwargs');
  if (kwargs.length > 0) {
    const opts: Record<string, Any> = {};
    for (const [k, v] of kwargs) opts[camel(k)] = decode(v, leaves);
    args.push(opts);
  }
  const fn = resolve(kind, name, input);
  return { fn, input, args };
}

function invoke(call: Call, kind: string, seed: number): Any {
  torch.manualSeed(seed);
  return kind === 'function' ? call.fn(call.input, ...call.args) : call.fn(...call.args);
}

export function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

export function describeThrown(e: unknown): { name: string; message: string } {
  const err = e as { name?: unknown; message?: unknown };
  if (err !== null && typeof err === 'object' && typeof err.message === 'string') {
    return { name: typeof err.name === 'string' ? err.name : 'Error', message: err.message };
  }
  return { name: typeof e, message: String(e) };
}

// ---- comparing ------------------------------------------------------------------------------------

// torch.testing.assert_close's defaults.
const TOL: Record<string, [number, number]> = {
  float16: [1e-3, 1e-5],
  bfloat16: [1.6e-2, 1e-5],
  float32: [1.3e-6, 1e-5],
  float64: [1e-7, 1e-7],
  complex32: [1e-3, 1e-5],
  complex64: [1.3e-6, 1e-5],
  complex128: [1e-7, 1e-7],
};

/** Ops whose results legitimately differ in the last bits (different reduction orders, LAPACK paths). */
const NOISY = /^(linalg\.|cholesky|lu|qr|svd|pinverse|inverse|det|logdet|slogdet|matrix_exp|triangular_solve|cdist|pdist|nn\.functional\.(conv|interpolate|grid_sample|upsample|scaled_dot|multi_head|.*pool|normalize|layer_norm|group_norm|instance_norm|batch_norm|cosine|pairwise|ctc|gaussian|kl_div|poisson|huber|smooth|softplus|mish)|special\.|fft\.|igamma|lgamma|digamma|polygamma|mvlgamma|erfinv|std|var|cov|corrcoef|cumprod|prod|logcumsumexp|logsumexp|addbmm|baddbmm|bmm|addmm|addmv|addr|matmul|mm|mv|einsum|tensordot|chain_matmul|inner|dot|vdot|tan|atan2|pow|float_power|sinc|nanmean|mean|sum|nansum|norm|renorm|dist|trapz|trapezoid|cumulative_trapezoid|histc|quantile|nanquantile|geqrf|ormqr|householder|cholesky_|lu_|frexp|ldexp|logit|xlogy|logaddexp|sigmoid|tanh|nn\.functional\.(gelu|silu|selu|elu|celu|tanhshrink|logsigmoid|softmin|softsign)|softmax|log_softmax|_softmax|var_mean|std_mean|i0|sinh|cosh|asinh|acosh|atanh|expm1|log1p|exp2|rsqrt|sqrt|log10|log2|log|exp|cos|sin|acos|asin|atan|erf|erfc)/;

function tolerance(dtype: string, op: string, grad: boolean): [number, number] {
  const [rtol, atol] = TOL[dtype] ?? [0, 0];
  const f = (NOISY.test(op) ? 10 : 1) * (grad ? 10 : 1);
  return [rtol * f, atol * f];
}

function flat(x: Any, out: Any[] = []): Any[] {
  if (Array.isArray(x)) for (const y of x) flat(y, out);
  else out.push(x);
  return out;
}

function numbersOf(t: torch.Tensor): Any[] {
  const d = t.dtype.name;
  const u = d === 'float16' || d === 'bfloat16' ? t.detach().to(torch.float32) : t.detach();
  // Complex elements (torch.Complex) compare as their (real, imag) parts.
  return flat(u.tolist()).flatMap((x) => (x instanceof torch.Complex ? [x.real, x.imag] : [x]));
}

function close(a: Any, e: Any, rtol: number, atol: number): boolean {
  if (typeof a === 'bigint' || typeof e === 'bigint') {
    try {
      return BigInt(a as number | bigint) === BigInt(e as number | bigint);
    } catch {
      return false;
    }
  }
  if (typeof a === 'boolean' || typeof e === 'boolean') return a === e;
  const x = Number(a);
  const y = Number(e);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= atol + rtol * Math.abs(y);
}

function compareTensor(actual: Any, expected: torch.Tensor, op: string, where: string, grad: boolean, values = true): void {
  if (!(actual instanceof torch.Tensor)) throw new Mismatch('wrong result type', `${where}: expected a Tensor, got ${kindOf(actual)}`);
  if (actual.dtype.name !== expected.dtype.name) throw new Mismatch('wrong dtype', `${where}: dtype ${actual.dtype.name}, PyTorch ${expected.dtype.name}`);
  const as = [...actual.shape];
  const es = [...expected.shape];
  if (as.length !== es.length || as.some((s, i) => s !== es[i])) throw new Mismatch('wrong shape', `${where}: shape [${as.join(', ')}], PyTorch [${es.join(', ')}]`);
  if (!values) return;
  const [rtol, atol] = tolerance(expected.dtype.name, op, grad);
  const av = numbersOf(actual);
  const ev = numbersOf(expected);
  let bad = 0;
  let worst = '';
  for (let i = 0; i < ev.length; i++) {
    if (!close(av[i], ev[i], rtol, atol)) {
      if (bad === 0) worst = `[${i}] ${String(av[i])} vs PyTorch ${String(ev[i])}`;
      bad++;
    }
  }
  if (bad > 0) throw new Mismatch(grad ? 'wrong gradient' : 'wrong value', `${where}: ${bad}/${ev.length} values differ, first ${worst}`);
}

function kindOf(x: Any): string {
  if (x === null) return 'null';
  if (x instanceof torch.Tensor) return 'Tensor';
  if (Array.isArray(x)) return `array(${x.length})`;
  return typeof x;
}

function compare(actual: Any, expected: Any, op: string, where: string, values = true): void {
  if (expected instanceof torch.Tensor) return compareTensor(actual, expected, op, where, false, values);
  if (expected instanceof Named) {
    compare(actual, expected.values, op, where, values);
    const a = actual as Record<string, Any>;
    // PyTorch's field name in camelCase (`bin_edges` -> `binEdges`), or as spelled.
    const missing = expected.fields.filter((f, i) => a[camel(f)] !== (actual as Any[])[i] && a[f] !== (actual as Any[])[i]).map(camel);
    if (missing.length > 0) throw new Mismatch('named tuple fields', `${where}: result lacks the named fields ${missing.join(', ')}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new Mismatch('wrong result type', `${where}: expected an array of ${expected.length}, got ${kindOf(actual)}`);
    if (actual.length !== expected.length) throw new Mismatch('wrong result type', `${where}: ${actual.length} results, PyTorch ${expected.length}`);
    expected.forEach((e, i) => compare(actual[i], e, op, `${where}[${i}]`, values));
    return;
  }
  if (expected === null || expected === undefined) {
    if (actual !== null && actual !== undefined) throw new Mismatch('wrong result type', `${where}: expected None, got ${kindOf(actual)}`);
    return;
  }
  const e = expected;
  if (e instanceof torch.Complex) {
    const ok = actual instanceof torch.Complex && close(actual.real, e.real, 1e-7, 1e-7) && close(actual.imag, e.imag, 1e-7, 1e-7);
    if (!ok) throw new Mismatch('wrong value', `${where}: ${String(actual)} vs PyTorch ${String(e)}`);
    return;
  }
  if (typeof e === 'string') {
    if (actual !== e) throw new Mismatch('wrong value', `${where}: ${String(actual)} vs PyTorch '${e}'`);
    return;
  }
  if (typeof actual !== 'number' && typeof actual !== 'bigint' && typeof actual !== 'boolean') {
    throw new Mismatch('wrong result type', `${where}: expected a ${typeof e}, got ${kindOf(actual)}`);
  }
  if (typeof e === 'boolean' && typeof actual !== 'boolean') throw new Mismatch('wrong result type', `${where}: expected a boolean, got ${typeof actual}`);
  if (!close(actual, e, 1e-7, 1e-7)) throw new Mismatch('wrong value', `${where}: ${String(actual)} vs PyTorch ${String(e)}`);
}

/** The JS error name PyTorch's exception class maps to (README "Errors"). */
export function jsErrorName(mro: string[]): string {
  if (mro.includes('TypeError')) return 'TypeError';
  if (mro.includes('IndexError') || mro.includes('ValueError') || mro.includes('OverflowError')) return 'RangeError';
  return 'Error';
}

function expectThrow(run: () => Any, err: Any, where: string, regex?: string | null): void {
  let thrown: unknown;
  let threw = false;
  try {
    run();
  } catch (e) {
    if (e instanceof Mismatch) throw e;
    thrown = e;
    threw = true;
  }
  const pyType = get<string>(err, 'type');
  const pyMessage = get<string>(err, 'message');
  if (!threw) throw new Mismatch('no error thrown', `${where}: no error, PyTorch raised ${pyType}: ${pyMessage.slice(0, 100)}`);
  const { name, message } = describeThrown(thrown);
  const want = jsErrorName(get<string[]>(err, 'mro'));
  if (name !== want) throw new Mismatch('error class mismatch', `${where}: ${name} (${firstLine(message).slice(0, 80)}), PyTorch ${pyType} -> ${want}`);
  if (firstLine(message) === pyMessage) return;
  if (regex) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(regex);
    } catch {
      re = undefined;
    }
    if (re !== undefined && re.test(message)) return;
  }
  throw new Mismatch('error message mismatch', `${where}: "${firstLine(message).slice(0, 100)}", PyTorch "${pyMessage.slice(0, 100)}"`);
}

function gradientCheck(kind: string, name: string, c: Any, seed: number, grad: Any, op: string, where: string): void {
  const leaves: torch.Tensor[] = [];
  const call = prepare(kind, name, c, leaves);
  const weights = get<torch.Tensor[]>(grad, 'weights');
  const expected = get<(torch.Tensor | null)[]>(grad, 'grads');
  if (leaves.length !== expected.length) throw new Mismatch('harness', `${where}: ${leaves.length} leaves, PyTorch ${expected.length}`);
  const result = invoke(call, kind, seed);
  const outs = flat(result).filter((o): o is torch.Tensor => o instanceof torch.Tensor && o.dtype.isFloatingPoint && o.requiresGrad);
  if (outs.length !== weights.length) throw new Mismatch('wrong gradient', `${where}: ${outs.length} differentiable outputs, PyTorch ${weights.length}`);
  let loss: torch.Tensor | undefined;
  outs.forEach((o, i) => {
    const term = o.mul(weights[i]!).sum();
    loss = loss === undefined ? term : loss.add(term);
  });
  loss!.backward();
  expected.forEach((e, i) => {
    const g = leaves[i]!.grad;
    if (e === null) {
      if (g !== null && g !== undefined) {
        // PyTorch left it None (not reached); a zero gradient is the same thing numerically.
        const nonzero = numbersOf(g).some((v) => Number(v) !== 0);
        if (nonzero) throw new Mismatch('wrong gradient', `${where}: grad of input ${i} should be None`);
      }
      return;
    }
    if (g === null || g === undefined) throw new Mismatch('wrong gradient', `${where}: grad of input ${i} is null`);
    compareTensor(g, e, op, `${where} grad ${i}`, true);
  });
}

// ---- one op ---------------------------------------------------------------------------------------

/** A finer category for what a JS error message says lib/ lacks. */
function refine(message: string): string | undefined {
  const kw = /unexpected keyword argument '(\w+)'/.exec(message);
  if (kw) return `kwarg '${kw[1]}' not supported`;
  if (/must be [^,]+, not object$/.test(firstLine(message)) || /received an invalid combination of arguments - got \([^)]*\bobject\)/.test(message)) {
    return 'kwargs (options object) not accepted';
  }
  if (/is not a function|Cannot read properties of|is not iterable|is not defined/.test(message)) return 'JS error inside lib';
  return undefined;
}

function categoryOf(e: unknown): [string, string] {
  if (e instanceof Mismatch) {
    const fine = e.category === 'error class mismatch' || e.category === 'error message mismatch' ? refine(e.message) : undefined;
    return [fine ?? e.category, e.message];
  }
  const { name, message } = describeThrown(e);
  return [refine(message) ?? 'exception', `${name}: ${firstLine(message).slice(0, 140)}`];
}

export function runOp(entry: Any): OpResult {
  const key = get<string>(entry, 'key');
  const name = get<string>(entry, 'name');
  const notes = get<string[]>(entry, 'skipped');
  const cases = get<Any[]>(entry, 'cases');
  const errors = get<Any[]>(entry, 'errors');
  const skip = get<string | undefined>(entry, 'skip');
  const result: OpResult = { key, status: 'pass', reason: '', category: '', cases: 0, failedCases: 0, grads: 0, errorInputs: errors.length, notes };
  if (skip !== undefined && skip !== null) {
    return { ...result, status: 'skip', reason: skip, category: 'skipped' };
  }
  const fail = (e: unknown, where: string): void => {
    result.failedCases++;
    if (result.status !== 'fail') {
      const [category, message] = categoryOf(e);
      result.status = 'fail';
      result.category = category;
      result.reason = message.startsWith(where) ? message : `${where}: ${message}`;
    }
  };
  for (const c of cases) {
    const seed = get<number>(c, 'seed');
    for (const call of get<Any[]>(c, 'calls')) {
      result.cases++;
      const kind = get<string>(call, 'kind');
      const fname = get<string>(call, 'name');
      const where = `${kind} ${get<string>(c, 'dtype')} sample ${get<number>(c, 'index')}`;
      try {
        const prepared = prepare(kind, fname, c);
        if (call instanceof Map && call.has('error')) {
          expectThrow(() => invoke(prepared, kind, seed), get(call, 'error'), where);
          continue;
        }
        const actual = invoke(prepared, kind, seed);
        compare(kind === 'inplace' ? prepared.input : actual, decodeExpected(get(call, 'result')), name, where, get<boolean>(c, 'values') !== false);
        if (kind === 'inplace' && get<boolean>(call, 'same') && actual !== prepared.input) {
          throw new Mismatch('in-place does not return self', `${where}: ${fname} did not return its receiver`);
        }
        const grad = get(call, 'grad');
        if (grad !== undefined) {
          gradientCheck(kind, fname, c, seed, grad, name, `${where} (grad)`);
          result.grads++;
        }
      } catch (e) {
        fail(e, where);
      }
    }
  }
  for (const err of errors) {
    result.cases++;
    const kind = get<string>(err, 'kind');
    const where = `error_input ${get<number>(err, 'index')} (${kind})`;
    try {
      const prepared = prepare(kind, get<string>(err, 'name'), err);
      expectThrow(() => invoke(prepared, kind, get<number>(err, 'seed')), get(err, 'error'), where, get<string | null>(err, 'regex'));
    } catch (e) {
      fail(e, where);
    }
  }
  if (result.cases === 0) return { ...result, status: 'skip', reason: 'no cases', category: 'skipped' };
  return result;
}

/** An expected torch.return_types result: an array whose elements are also named properties. */
class Named {
  constructor(readonly fields: string[], readonly values: Any[]) {}
}

function decodeExpected(v: Any): Any {
  if (v instanceof Map) {
    if (v.has('__namedtuple__')) return new Named(v.get('__namedtuple__') as string[], decodeExpected(v.get('values')) as Any[]);
    if (v.has('__float__')) return Number(v.get('__float__'));
    return special(v as PyMap);
  }
  if (Array.isArray(v)) return Array.from(v, decodeExpected);
  return v;
}
