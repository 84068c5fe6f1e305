// PyTorch's OptimizerInfo database replayed (scripts/fixtures/optim_db.py): every config of every
// optimizer, with foreach and fused where supported, trained for the same steps on the same
// batches from the same initial parameters; the final parameters must agree within 1e-5 and
// state_dict() must equal PyTorch's in structure, Python value types and values. Then each error
// input must raise PyTorch's error (type and message) or warning.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { Tensor } from '../lib';
import { diff, lossOf, optionsOf, type Dict } from './optim/replay';

const DIR = path.join(__dirname, 'fixtures', 'generated', 'optim_db');
const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8')) as { cases: { key: string; file: string }[] };
const TOL = 1e-5;
// The share of configs that must pass (the rest are listed with their reasons).
const THRESHOLD = 0.99;

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => torch.optim.Optimizer;
const classes = torch.optim as unknown as Record<string, OptimizerClass | undefined>;

interface Outcome {
  key: string;
  ok: boolean;
  why?: string;
}

function runCase(c: Dict): Outcome {
  const key = c.get('key') as string;
  const cls = classes[c.get('optimizer') as string];
  if (cls === undefined) return { key, ok: false, why: `torch.optim.${String(c.get('optimizer'))} is not implemented` };
  const kind = c.get('kind') as string;
  const init = c.get('init') as Dict;
  const groups = c.get('groups') as string[][];
  const optimized = new Set(groups.flat());
  return torch.tidy(() => {
    const p: Record<string, Tensor> = {};
    for (const [k, v] of init) p[k as string] = (v as Tensor).clone().requiresGrad_(optimized.has(k as string));
    const opt = new cls(groups.map((g) => ({ params: g.map((k) => p[k]) })), optionsOf(c.get('kwargs')));
    const problems: string[] = [];
    if (String(opt) !== c.get('repr')) problems.push(`repr:\n${String(opt)}\n!=\n${String(c.get('repr'))}`);
    const stepsNeedClosure = (c.get('optimizer') as string) === 'LBFGS';
    const losses: (number | null)[] = [];
    for (const batch of c.get('batches') as Tensor[][]) {
      const [x, t] = batch as [Tensor, Tensor];
      const closure = (): Tensor => {
        opt.zeroGrad();
        const loss = lossOf(kind, p, x, t);
        loss.backward();
        return loss;
      };
      let out: unknown;
      if (stepsNeedClosure) {
        out = opt.step(closure);
      } else {
        closure();
        out = opt.step();
      }
      losses.push(out === null || out === undefined ? null : Number(out instanceof Tensor ? out.item() : out));
    }
    problems.push(...diff(losses, c.get('losses'), TOL, 'losses'));
    for (const [k, v] of c.get('final') as Dict) problems.push(...diff(p[k as string], v, TOL, `param ${String(k)}`));
    problems.push(...diff(opt.stateDict(), c.get('state_dict'), TOL, 'state_dict'));
    opt.dispose();
    return problems.length === 0 ? { key, ok: true } : { key, ok: false, why: problems.slice(0, 6).join('; ') };
  });
}

const sparseCooOp = torch.op('aten::sparse_coo_tensor.indices_size');
const sparseCoo = (indices: Tensor, values: Tensor, size: number[]): Tensor =>
  new Tensor(torch.native.callOp(sparseCooOp, indices._h, values._h, size, null, null, null, null, null) as never);

// An error input's params, rebuilt with the same object where Python had one.
function decodeParams(v: unknown, made: Map<number, Tensor>): unknown {
  if (v instanceof Map && v.has('__param__')) {
    const id = v.get('__param__') as number;
    let t = made.get(id);
    if (t === undefined) {
      t = new torch.nn.Parameter((v.get('data') as Tensor).clone(), v.get('requires_grad') as boolean);
      const g = v.get('grad') as Tensor | null;
      if (g !== null) t.grad = g.clone();
      made.set(id, t);
    }
    return t;
  }
  if (v instanceof Map && v.has('__sparse__')) {
    const id = v.get('__sparse__') as number;
    if (!made.has(id)) made.set(id, sparseCoo(v.get('indices') as Tensor, v.get('values') as Tensor, v.get('size') as number[]));
    return made.get(id);
  }
  if (v instanceof Map && v.has('__dict__')) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.get('__dict__') as [string, unknown][]) o[k] = decodeParams(x, made);
    return o;
  }
  if (v instanceof Map && v.has('__set__')) return new Set((v.get('__set__') as unknown[]).map((x) => decodeParams(x, made)));
  if (v instanceof torch.Tuple) return [...v].map((x) => decodeParams(x, made));
  if (Array.isArray(v)) return v.map((x) => decodeParams(x, made));
  return v;
}

// Python's exception classes as the JS errors torchnode throws (ValueError is a RangeError).
const JS_ERROR: Record<string, string> = { ValueError: 'RangeError', TypeError: 'TypeError', RuntimeError: 'Error', KeyError: 'Error', IndexError: 'RangeError' };

function runErrors(c: Dict): Outcome[] {
  const name = c.get('optimizer') as string;
  const cls = classes[name];
  return (c.get('errors') as Dict[]).map((e) => {
    const key = `${String(c.get('key'))}: ${String(e.get('desc'))}`;
    if (cls === undefined) return { key, ok: false, why: `torch.optim.${name} is not implemented` };
    if (e.has('skip')) return { key, ok: false, why: `skipped: ${String(e.get('skip'))}` };
    const expected = e.get('error') as Dict | undefined;
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    const emit = process.emitWarning;
    process.emitWarning = ((w: string | Error) => void warnings.push(typeof w === 'string' ? w : w.message)) as typeof process.emitWarning;
    let thrown: Error | undefined;
    try {
      const opt = new cls(decodeParams(e.get('params'), new Map()), optionsOf(e.get('kwargs')));
      if (e.get('on') === 'step') opt.step();
    } catch (err) {
      thrown = err as Error;
    } finally {
      process.emitWarning = emit;
      process.off('warning', onWarning);
    }
    const problems: string[] = [];
    if (expected !== undefined) {
      const message = expected.get('message') as string;
      const type = expected.get('type') as string;
      if (thrown === undefined) problems.push(`expected ${type}: ${message}; nothing was thrown`);
      else {
        if (thrown.message.split('\n')[0] !== message) problems.push(`message "${thrown.message}" != "${message}"`);
        const want = JS_ERROR[type] ?? 'Error';
        if (thrown.name !== want) problems.push(`${thrown.name} != ${want} (${type})`);
      }
    } else if (thrown !== undefined) problems.push(`unexpected ${thrown.name}: ${thrown.message}`);
    const wantWarnings = e.get('warnings') as string[];
    if (wantWarnings.join('\n') !== warnings.join('\n')) problems.push(`warnings [${warnings}] != [${wantWarnings}]`);
    return problems.length === 0 ? { key, ok: true } : { key, ok: false, why: problems.join('; ') };
  });
}

describe('OptimizerInfo (optim_db) replay', () => {
  const results: Outcome[] = [];
  const errorResults: Outcome[] = [];

  test('every config trains as in PyTorch', () => {
    for (const { file } of index.cases) {
      const c = torch.load(path.join(DIR, file)) as Dict;
      if (c.has('errors')) errorResults.push(...runErrors(c));
      else {
        let r: Outcome;
        try {
          r = runCase(c);
        } catch (err) {
          r = { key: c.get('key') as string, ok: false, why: `threw ${(err as Error).name}: ${(err as Error).message.split('\n')[0]}` };
        }
        results.push(r);
      }
    }
    const failed = results.filter((r) => !r.ok);
    const passed = results.length - failed.length;
    console.log(`optim_db: ${passed}/${results.length} configs pass\n${failed.map((f) => `  ${f.key}: ${f.why}`).join('\n')}`);
    expect(passed / results.length).toBeGreaterThanOrEqual(THRESHOLD);
  });

  test("every error input raises PyTorch's error", () => {
    const failed = errorResults.filter((r) => !r.ok);
    const passed = errorResults.length - failed.length;
    console.log(`optim_db errors: ${passed}/${errorResults.length} pass\n${failed.map((f) => `  ${f.key}: ${f.why}`).join('\n')}`);
    expect(errorResults.length).toBeGreaterThan(0);
    expect(passed / errorResults.length).toBeGreaterThanOrEqual(THRESHOLD);
  });
});
