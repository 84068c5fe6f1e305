// Replays one ModuleInfo entry (scripts/fixtures/moduleinfo.py wrote it with torch.save) through
// torchnode's JS API: for each module input, the same constructor arguments, PyTorch's state_dict
// loaded strictly, the same repr, eval- and train-mode outputs (seeded), train-mode buffers, and
// float64 input and parameter gradients (also with pass-through full backward hooks registered);
// the module saved with torch.save(model) for the Python round trip that test/moduleinfo.test.ts
// runs once for all modules.
import * as path from 'path';
import * as torch from '../../lib';
import { camel, describeThrown, firstLine, get, jsErrorName } from '../opinfo/runner';

type Any = unknown;
type PyMap = Map<string, Any>;

/** The checks, in the order they run on a case. */
export const CHECKS = ['construct', 'load_state_dict', 'repr', 'eval', 'save', 'train', 'grad', 'hooked_grad', 'roundtrip'] as const;
export type Check = (typeof CHECKS)[number];

/** A model written for the round trip: Python loads `model` and replays case `index` of `fixture`. */
export interface RoundTrip {
  key: string;
  module: string;
  model: string;
  fixture: string;
  index: number;
}

export interface ModuleResult {
  key: string;
  cls: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped (one line: the first failing check). */
  reason: string;
  /** The first failing check's category, for the grouped summary. */
  category: string;
  cases: number;
  failedCases: number;
  /** Per check: cases passed, cases failed (a check not reached is in neither). */
  checks: Partial<Record<Check, [number, number]>>;
  /** Every failing check's first message, by check (for the per-check lists). */
  failures: Partial<Record<Check, string>>;
  /** Informational: cases whose seeded initial state_dict equals PyTorch's, of those compared. */
  init: [number, number];
  /** Informational: bad constructor calls (unknown keyword, too many positionals) throwing PyTorch's error class, of those tried. */
  argErrors: [number, number];
  argErrorFailures: string[];
  roundtrips: RoundTrip[];
  notes: string[];
}

/** A failure with its category. */
export class Mismatch extends Error {
  constructor(readonly category: string, message: string) {
    super(message);
  }
}

const T = torch as unknown as Record<string, Any>;
const NN = torch.nn as unknown as Record<string, Any>;
const F = torch.nn.functional as unknown as Record<string, Any>;

// ---- decoding what the Python side encoded -------------------------------------------------------

interface DecodeOptions {
  /** Floating tensors converted to this dtype. */
  dtype?: torch.DType;
  /** Floating tensors made into leaves requiring grad, collected here. */
  leaves?: torch.Tensor[];
}

function construct(cls: string, args: Any, kwargs: Any): torch.nn.Module {
  const ctor = NN[cls];
  if (typeof ctor !== 'function') throw new Mismatch('missing module', `missing: torch.nn.${cls}`);
  const a = decode(args) as Any[];
  const opts = options(kwargs);
  if (opts !== undefined) a.push(opts);
  return new (ctor as new (...args: Any[]) => torch.nn.Module)(...a);
}

function special(m: PyMap, o: DecodeOptions): Any {
  if (m.has('__module__')) return construct(String(m.get('__module__')), m.get('args'), m.get('kwargs'));
  if (m.has('__namedtuple__')) return decode(m.get('values'), o);
  if (m.size === 1) {
    const [k, v] = [...m.entries()][0]!;
    switch (k) {
      case '__float__': return torch.pyFloat(Number(v));
      case '__dtype__': {
        const d = T[camel(String(v))];
        if (d === undefined) throw new Mismatch('missing dtype', `missing: torch.${String(v)}`);
        return d;
      }
      case '__device__': return String(v);
      case '__size__': return [...(v as number[])];
      case '__function__': {
        const f = F[camel(String(v))];
        if (typeof f !== 'function') throw new Mismatch('missing function', `missing: torch.nn.functional.${camel(String(v))}`);
        return f;
      }
      default: break;
    }
  }
  throw new Error(`moduleinfo fixture: unknown dict ${[...m.keys()].join(',')}`);
}

/** The JS value for an encoded Python value (tensors are fresh copies: a forward may write into them). */
export function decode(v: Any, o: DecodeOptions = {}): Any {
  if (v instanceof torch.Tensor) {
    let t = v.detach().clone();
    if (t.dtype.isFloatingPoint) {
      if (o.dtype !== undefined) t = t.to(o.dtype);
      if (o.leaves !== undefined) {
        t.requiresGrad_();
        o.leaves.push(t);
      }
    }
    return t;
  }
  if (Array.isArray(v)) return Array.from(v, (x) => decode(x, o));
  if (v instanceof Map) return special(v as PyMap, o);
  return v;
}

/** Python keyword arguments ([name, value] pairs) as a trailing options object, or undefined when none. */
function options(kwargs: Any, o: DecodeOptions = {}): Record<string, Any> | undefined {
  const pairs = kwargs as [string, Any][];
  if (pairs.length === 0) return undefined;
  const opts: Record<string, Any> = {};
  for (const [k, v] of pairs) opts[camel(k)] = decode(v, o);
  return opts;
}

/** The forward call's arguments (positional, then the options object when there are keyword arguments). */
function forwardArgs(c: Any, o: DecodeOptions = {}, firstOnly = false): Any[] {
  const raw = get<Any[]>(c, 'fwd_args');
  const args = raw.map((x, i) => decode(x, firstOnly && i > 0 ? { dtype: o.dtype } : o));
  const opts = options(get(c, 'fwd_kwargs'), firstOnly ? { dtype: o.dtype } : o);
  if (opts !== undefined) args.push(opts);
  return args;
}

function decodeExpected(v: Any): Any {
  if (v instanceof Map) {
    if (v.has('__namedtuple__')) return decodeExpected(v.get('values'));
    if (v.has('__float__')) return Number(v.get('__float__'));
    return special(v as PyMap, {});
  }
  if (Array.isArray(v)) return Array.from(v, decodeExpected);
  return v;
}

// ---- comparing ------------------------------------------------------------------------------------

// torch.testing.assert_close's defaults, times ten (a JS layer may order the same ops differently).
const TOL: Record<string, [number, number]> = {
  float16: [1e-2, 1e-4],
  bfloat16: [1.6e-1, 1e-4],
  float32: [1.3e-5, 1e-4],
  float64: [1e-6, 1e-6],
};

function numbersOf(t: torch.Tensor): number[] {
  const d = t.dtype.name;
  const u = d === 'float16' || d === 'bfloat16' || d === 'bool' ? t.detach().to(torch.float64) : t.detach();
  return (u.reshape([-1]).tolist() as Any[]).map((x) => Number(x));
}

function close(x: number, y: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= atol + rtol * Math.abs(y);
}

function kindOf(x: Any): string {
  if (x === null) return 'null';
  if (x instanceof torch.Tensor) return 'Tensor';
  if (Array.isArray(x)) return `array(${x.length})`;
  return typeof x;
}

function compareTensor(actual: Any, expected: torch.Tensor, where: string, category: string): void {
  if (!(actual instanceof torch.Tensor)) throw new Mismatch(category, `${where}: expected a Tensor, got ${kindOf(actual)}`);
  if (actual.dtype.name !== expected.dtype.name) throw new Mismatch(category, `${where}: dtype ${actual.dtype.name}, PyTorch ${expected.dtype.name}`);
  const as = [...actual.shape];
  const es = [...expected.shape];
  if (as.length !== es.length || as.some((s, i) => s !== es[i])) throw new Mismatch(category, `${where}: shape [${as.join(', ')}], PyTorch [${es.join(', ')}]`);
  const [rtol, atol] = TOL[expected.dtype.name] ?? [0, 0];
  const av = numbersOf(actual);
  const ev = numbersOf(expected);
  let bad = 0;
  let first = '';
  for (let i = 0; i < ev.length; i++) {
    if (!close(av[i]!, ev[i]!, rtol, atol)) {
      if (bad === 0) first = `[${i}] ${av[i]} vs PyTorch ${ev[i]}`;
      bad++;
    }
  }
  if (bad > 0) throw new Mismatch(category, `${where}: ${bad}/${ev.length} values differ, first ${first}`);
}

function compare(actual: Any, expected: Any, where: string, category: string): void {
  if (expected instanceof torch.Tensor) return compareTensor(actual, expected, where, category);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new Mismatch(category, `${where}: expected an array of ${expected.length}, got ${kindOf(actual)}`);
    if (actual.length !== expected.length) throw new Mismatch(category, `${where}: ${actual.length} results, PyTorch ${expected.length}`);
    expected.forEach((e, i) => compare(actual[i], e, `${where}[${i}]`, category));
    return;
  }
  if (expected === null || expected === undefined) {
    if (actual !== null && actual !== undefined) throw new Mismatch(category, `${where}: expected None, got ${kindOf(actual)}`);
    return;
  }
  if (typeof expected === 'number' || typeof expected === 'bigint' || typeof expected === 'boolean') {
    if (Number(actual) !== Number(expected)) throw new Mismatch(category, `${where}: ${String(actual)} vs PyTorch ${String(expected)}`);
    return;
  }
  if (actual !== expected) throw new Mismatch(category, `${where}: ${String(actual)} vs PyTorch ${String(expected)}`);
}

function flatTensors(x: Any, out: torch.Tensor[] = []): torch.Tensor[] {
  if (x instanceof torch.Tensor) out.push(x);
  else if (Array.isArray(x)) for (const y of x) flatTensors(y, out);
  return out;
}

/**
 * Runs `fn`; an exception becomes a Mismatch of `category` (a Mismatch passes through). With
 * `kwargs` (the call had an options object), an argument error naming an Object is put in its own
 * category: the module does not take Python's keyword arguments to forward.
 */
function attempt<R>(category: string, where: string, fn: () => R, kwargs = false): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Mismatch) throw e;
    const { name, message } = describeThrown(e);
    const cat = kwargs && /not Object|not object|unexpected keyword/.test(firstLine(message)) ? `${category}: keyword arguments (options object) not accepted` : category;
    throw new Mismatch(cat, `${where}: ${name}: ${firstLine(message).slice(0, 160)}`);
  }
}

/** The forward's outcome against PyTorch's ({'result': ...} or {'error': ...}). */
function checkOutcome(m: torch.nn.Module, c: Any, seed: number, expected: Any, where: string, category: string): void {
  const args = forwardArgs(c);
  const call = (): Any => {
    torch.manualSeed(seed);
    return (m.call as (...a: Any[]) => Any)(...args);
  };
  if (expected instanceof Map && expected.has('error')) {
    const err = expected.get('error') as PyMap;
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    if (thrown === undefined) throw new Mismatch(category, `${where}: no error, PyTorch raised ${String(err.get('type'))}: ${String(err.get('message')).slice(0, 100)}`);
    const want = jsErrorName(err.get('mro') as string[]);
    const { name, message } = describeThrown(thrown);
    if (name !== want) throw new Mismatch(category, `${where}: ${name} (${firstLine(message).slice(0, 80)}), PyTorch ${String(err.get('type'))} -> ${want}`);
    return;
  }
  const actual = attempt(category, where, call, get<Any[]>(c, 'fwd_kwargs').length > 0);
  compare(actual, decodeExpected(get(expected, 'result')), where, category);
}

/** The first line where two reprs differ, both ways. */
function reprDiff(mine: string, theirs: string): string {
  const a = mine.split('\n');
  const b = theirs.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = (x: string | undefined): string => (x === undefined ? '(end)' : JSON.stringify(x.trim()).slice(0, 110));
  return `${a.length > 1 || b.length > 1 ? `line ${i + 1}: ` : ''}${line(a[i])}, PyTorch ${line(b[i])}`;
}

// ---- one module -----------------------------------------------------------------------------------

function runCase(entry: Any, c: Any, fixture: string, saveDir: string, record: (check: Check, e?: unknown) => boolean, out: ModuleResult): void {
  const cls = get<string>(entry, 'cls');
  const index = get<number>(c, 'index');
  const seed = get<number>(c, 'seed');
  const sd = get<Map<string, Any>>(c, 'state_dict');
  const where = `input ${index}${get<string>(c, 'desc') ? ` (${get<string>(c, 'desc')})` : ''}`;
  const build = (): torch.nn.Module => {
    const args = decode(get(c, 'ctor_args')) as Any[];
    const opts = options(get(c, 'ctor_kwargs'));
    if (opts !== undefined) args.push(opts);
    const ctor = NN[cls];
    if (typeof ctor !== 'function') throw new Mismatch('missing module', `missing: torch.nn.${cls}`);
    torch.manualSeed(seed);
    return attempt('constructor', `${where}: new nn.${cls}`, () => new (ctor as new (...args: Any[]) => torch.nn.Module)(...args));
  };
  const load = (m: torch.nn.Module): void => {
    attempt('load_state_dict', `${where}: loadStateDict`, () => m.loadStateDict(sd, { strict: true }));
  };
  let m: torch.nn.Module;
  try {
    m = build();
  } catch (e) {
    record('construct', e);
    return;
  }
  record('construct');
  if (get<boolean>(c, 'init')) {
    // Informational: the module's own seeded initialisation against PyTorch's.
    out.init[1]++;
    try {
      const mine = m.stateDict();
      const keys = [...sd.keys()];
      if ([...mine.keys()].join() === keys.join()) {
        for (const k of keys) compareTensor(mine.get(k), sd.get(k) as torch.Tensor, k, 'init');
        out.init[0]++;
      }
    } catch {
      // counted as not matching
    }
  }
  try {
    load(m);
  } catch (e) {
    record('load_state_dict', e);
    return;
  }
  // Registered names in PyTorch's order (strict loading compares them only as a set).
  const keys = [...m.stateDict().keys()].join(', ');
  const want = [...sd.keys()].join(', ');
  record('load_state_dict', keys === want ? undefined : new Mismatch('state_dict keys', `${where}: state_dict keys [${keys}], PyTorch [${want}]`));
  try {
    const mine = attempt('repr', `${where}: String(m)`, () => String(m));
    record('repr', mine === get<string>(c, 'repr') ? undefined : new Mismatch('repr', `${where}: ${reprDiff(mine, get<string>(c, 'repr'))}`));
  } catch (e) {
    record('repr', e);
  }

  let evalOk = false;
  try {
    attempt('eval forward', `${where}: eval()`, () => m.eval());
    checkOutcome(m, c, seed + 1, get(c, 'eval'), `${where}: eval forward`, 'eval forward');
    const after = get<string>(c, 'repr_eval');
    if (after !== get<string>(c, 'repr')) {
      const mine = String(m);
      if (mine !== after) throw new Mismatch('repr after the first forward', `${where}: after the eval forward ${reprDiff(mine, after)}`);
    }
    evalOk = record('eval');
  } catch (e) {
    record('eval', e);
  }
  const pyEval = get<PyMap>(c, 'eval');
  if (evalOk && pyEval.has('result')) {
    const file = path.join(saveDir, `${out.key.replace(/[^A-Za-z0-9]/g, '_')}-${index}.pt`);
    try {
      attempt('torch.save(model)', `${where}: torch.save(model)`, () => torch.save(m, file));
      record('save');
      out.roundtrips.push({ key: `${out.key}#${index}`, module: out.key, model: file, fixture, index });
    } catch (e) {
      record('save', e);
    }
  }
  try {
    attempt('train forward', `${where}: train()`, () => m.train());
    const train = get<PyMap>(c, 'train');
    checkOutcome(m, c, seed + 2, train, `${where}: train forward`, 'train forward');
    const buffers = [...m.namedBuffers()];
    const want = train.get('buffers') as [string, torch.Tensor][];
    const names = buffers.map(([k]) => k).join(', ');
    if (names !== want.map(([k]) => k).join(', ')) throw new Mismatch('buffers', `${where}: buffers [${names}], PyTorch [${want.map(([k]) => k).join(', ')}]`);
    want.forEach(([k, t], i) => compareTensor(buffers[i]![1], t, `${where}: buffer ${k} after the train forward`, 'buffers'));
    record('train');
  } catch (e) {
    record('train', e);
  }

  const grad = get<PyMap | undefined>(c, 'grad');
  if (grad === undefined) {
    out.notes.push(`${where}: no gradient check (${String(get(c, 'grad_skipped'))})`);
    return;
  }
  // The gradients again with pass-through full backward hooks on the module: they must change nothing.
  for (const check of ['grad', 'hooked_grad'] as const) {
    try {
      const m2 = build();
      load(m2);
      attempt('gradient', `${where}: double()`, () => m2.double().train());
      if (check === 'hooked_grad') {
        m2.registerFullBackwardPreHook(() => undefined);
        m2.registerFullBackwardHook(() => undefined);
      }
      const leaves: torch.Tensor[] = [];
      const args = forwardArgs(c, { dtype: torch.float64, leaves }, get<boolean>(grad, 'first_only'));
      const inputGrads = grad.get('input_grads') as (torch.Tensor | null)[];
      if (leaves.length !== inputGrads.length) throw new Mismatch('harness', `${where}: ${leaves.length} leaves, PyTorch ${inputGrads.length}`);
      const result = attempt('gradient', `${where}: float64 forward`, () => {
        torch.manualSeed(seed + 3);
        return (m2.call as (...a: Any[]) => Any)(...args);
      }, get<Any[]>(c, 'fwd_kwargs').length > 0);
      const outs = flatTensors(result).filter((o) => o.dtype.isFloatingPoint && o.requiresGrad);
      const weights = grad.get('weights') as torch.Tensor[];
      if (outs.length !== weights.length) throw new Mismatch('gradient', `${where}: ${outs.length} differentiable outputs, PyTorch ${weights.length}`);
      attempt('gradient', `${where}: backward`, () => {
        let loss: torch.Tensor | undefined;
        outs.forEach((o, i) => {
          const term = o.mul(weights[i]!).sum();
          loss = loss === undefined ? term : loss.add(term);
        });
        loss!.backward();
      });
      const compare = (g: torch.Tensor | null | undefined, e: torch.Tensor | null, what: string): void => {
        if (e === null) {
          if (g !== null && g !== undefined && numbersOf(g).some((v) => v !== 0)) throw new Mismatch('gradient', `${where}: ${what} should be None`);
          return;
        }
        if (g === null || g === undefined) throw new Mismatch('gradient', `${where}: ${what} is null`);
        compareTensor(g, e, `${where}: ${what}`, 'gradient');
      };
      inputGrads.forEach((e, i) => compare(leaves[i]!.grad, e, `grad of input ${i}`));
      const params = [...m2.namedParameters()];
      const wantParams = grad.get('param_grads') as [string, torch.Tensor | null][];
      if (params.map(([k]) => k).join() !== wantParams.map(([k]) => k).join()) {
        throw new Mismatch('gradient', `${where}: parameters [${params.map(([k]) => k).join(', ')}], PyTorch [${wantParams.map(([k]) => k).join(', ')}]`);
      }
      wantParams.forEach(([k, e], i) => compare(params[i]![1].grad, e, `grad of ${k}`));
      record(check);
    } catch (e) {
      record(check, e);
    }
  }
}

export function runModule(entry: Any, fixture: string, saveDir: string): ModuleResult {
  const key = get<string>(entry, 'name');
  const cls = get<string>(entry, 'cls');
  const result: ModuleResult = {
    key, cls, status: 'pass', reason: '', category: '', cases: 0, failedCases: 0, checks: {}, failures: {}, init: [0, 0],
    argErrors: [0, 0], argErrorFailures: [], roundtrips: [], notes: [...get<string[]>(entry, 'skipped')],
  };
  const skip = get<string | undefined | null>(entry, 'skip');
  if (skip !== undefined && skip !== null) return { ...result, status: 'skip', reason: skip, category: 'skipped' };
  const cases = get<Any[]>(entry, 'cases');
  if (typeof NN[cls] !== 'function') {
    return { ...result, status: 'fail', category: 'missing module', reason: `missing: torch.nn.${cls}`, cases: cases.length, failedCases: cases.length };
  }
  for (const c of cases) {
    result.cases++;
    let caseFailed = false;
    const record = (check: Check, e?: unknown): boolean => {
      const tally = (result.checks[check] ??= [0, 0]);
      if (e === undefined) {
        tally[0]++;
        return true;
      }
      tally[1]++;
      const category = e instanceof Mismatch ? e.category : 'exception';
      const message = e instanceof Mismatch ? e.message : `${describeThrown(e).name}: ${firstLine(describeThrown(e).message).slice(0, 160)}`;
      result.failures[check] ??= message;
      if (!caseFailed) {
        caseFailed = true;
        result.failedCases++;
      }
      if (result.status !== 'fail') {
        result.status = 'fail';
        result.category = category;
        result.reason = message;
      }
      return false;
    };
    try {
      runCase(entry, c, fixture, saveDir, record, result);
    } catch (e) {
      record('construct', new Mismatch('harness', `input ${String(get(c, 'index'))}: ${describeThrown(e).message.slice(0, 160)}`));
    }
  }
  if (result.cases === 0) return { ...result, status: 'skip', reason: 'no cases', category: 'skipped' };
  const first = cases[0];
  for (const bad of get<Any[] | undefined>(entry, 'arg_errors') ?? []) {
    result.argErrors[1]++;
    const err = get<PyMap>(bad, 'error');
    const want = jsErrorName(err.get('mro') as string[]);
    let thrown: unknown;
    try {
      const args = [...(decode(get(first, 'ctor_args')) as Any[]), ...(get<Any[]>(bad, 'extra_args'))];
      const opts = { ...options(get(first, 'ctor_kwargs')), ...options(get(bad, 'extra_kwargs')) };
      if (Object.keys(opts).length > 0) args.push(opts);
      new (NN[cls] as new (...args: Any[]) => torch.nn.Module)(...args);
    } catch (e) {
      thrown = e;
    }
    const { name, message } = describeThrown(thrown);
    if (thrown !== undefined && name === want) result.argErrors[0]++;
    else {
      result.argErrorFailures.push(`${get<string>(bad, 'kind')}: ${thrown === undefined ? 'no error' : `${name}: ${firstLine(message).slice(0, 80)}`}` +
        `, PyTorch ${String(err.get('type'))}: ${String(err.get('message')).slice(0, 80)}`);
    }
  }
  return result;
}

/** Marks a module failed by its round trip (Python's answer for one of its models). */
export function failRoundTrip(r: ModuleResult, why: string | null): void {
  const tally = (r.checks.roundtrip ??= [0, 0]);
  if (why === null) {
    tally[0]++;
    return;
  }
  tally[1]++;
  r.failures.roundtrip ??= why;
  if (r.status === 'pass') {
    r.status = 'fail';
    r.category = 'round trip (Python torch.load of torch.save(model))';
    r.reason = why;
  }
}
