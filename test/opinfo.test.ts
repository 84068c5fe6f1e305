// PyTorch's OpInfo database replayed through torchnode (GitHub issue 9). scripts/fixtures/opinfo.py
// records, for every OpInfo in torch.testing._internal.common_methods_invocations.op_db, its first
// sample inputs in float32, float64, int64 and bool with PyTorch's results (values, dtypes,
// shapes, or the error raised), float64 gradients, and its error_inputs; test/opinfo/runner.ts
// calls the same function / method / in-place variant through the JS API.
//
// Coverage is reported, not demanded op by op: an op passes when all its cases pass; the test
// prints the coverage and every failing or skipped op with its reason (also written to
// test/fixtures/generated/opinfo-report.txt), and asserts only that coverage stays at or above
// COVERAGE_THRESHOLD and that the CORE ops pass. Raise the threshold as lib/ grows. The ops run in
// child processes (test/opinfo/child.ts), so an op that crashes the addon or hangs fails alone.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { runOp, type OpResult } from './opinfo/runner';

/** Passing ops / tested ops must stay at or above this (raise it as coverage grows). */
const COVERAGE_THRESHOLD = 0.95;
/** OpInfo keys that must always pass. */
const CORE: string[] = [
  'abs', 'add', 'sub', 'mul', 'div.no_rounding_mode', 'div.trunc_rounding', 'div.floor_rounding', 'neg', 'pow', 'exp', 'log',
  'sqrt', 'tanh', 'sigmoid', 'clamp', 'eq', 'lt', 'ge', 'maximum', 'minimum', 'sum', 'mean', 'prod', 'std', 'var', 'all',
  'any', 'argmax', 'cumsum', 'max.reduction_with_dim', 'max.reduction_no_dim', 'min.reduction_with_dim', 'sort', 'topk',
  'matmul', 'mm', 'bmm', 'addmm', 'reshape', 'view', 'flatten', 'permute', 'transpose', 't', 'squeeze', 'unsqueeze',
  'expand', 'stack', 'index_select', 'clone', 'contiguous', 'zeros_like', 'ones_like', 'full_like',
  'softmax', 'log_softmax', 'nn.functional.relu', 'nn.functional.gelu', 'nn.functional.linear', 'nn.functional.conv2d',
  'nn.functional.cross_entropy',
];

const DIR = path.join(__dirname, 'fixtures', 'generated', 'opinfo');
/** A replay process that prints nothing for this long is taken as hung in its current op. */
const OP_TIMEOUT_MS = 30000;
const TOTAL_TIMEOUT_MS = 150000;
const REPORT = path.join(__dirname, 'fixtures', 'generated', 'opinfo-report.txt');

let results: OpResult[] = [];
let report = '';

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function buildReport(rs: OpResult[], seconds: number): string {
  const tested = rs.filter((r) => r.status !== 'skip');
  const passed = tested.filter((r) => r.status === 'pass');
  const failed = tested.filter((r) => r.status === 'fail');
  const skipped = rs.filter((r) => r.status === 'skip');
  const cases = tested.reduce((n, r) => n + r.cases, 0);
  const failedCases = tested.reduce((n, r) => n + r.failedCases, 0);
  const grads = tested.reduce((n, r) => n + r.grads, 0);
  const errorInputs = tested.reduce((n, r) => n + r.errorInputs, 0);
  const lines: string[] = [];
  lines.push(`OpInfo coverage: ${passed.length}/${tested.length} ops pass (${pct(passed.length / Math.max(tested.length, 1))}); ` +
    `cases ${cases - failedCases}/${cases} (of them ${errorInputs} error_inputs; ${grads} float64 gradient checks passed); ` +
    `${skipped.length} OpInfos skipped; ${seconds.toFixed(1)}s`);
  const byCategory = new Map<string, OpResult[]>();
  for (const r of failed) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
  lines.push('', 'Failures by reason:');
  for (const [cat, list] of [...byCategory.entries()].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${String(list.length).padStart(4)}  ${cat}`);
  }
  // Within "exception", the most common messages (what lib/ most needs).
  const messages = new Map<string, number>();
  for (const r of failed) {
    if (r.category !== 'exception') continue;
    const m = r.reason.replace(/^[^:]*: /, '').replace(/\d+/g, 'N').slice(0, 90);
    messages.set(m, (messages.get(m) ?? 0) + 1);
  }
  if (messages.size > 0) {
    lines.push('', 'Most common exceptions:');
    for (const [m, n] of [...messages.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`  ${String(n).padStart(4)}  ${m}`);
  }
  const width = Math.max(...rs.map((r) => r.key.length), 10);
  lines.push('', 'Failing ops:');
  for (const r of failed.sort((a, b) => a.category.localeCompare(b.category) || a.key.localeCompare(b.key))) {
    lines.push(`  ${r.key.padEnd(width)}  [${r.category}] ${r.failedCases}/${r.cases} cases fail; ${r.reason}`);
  }
  lines.push('', 'Skipped OpInfos:');
  for (const r of skipped) lines.push(`  ${r.key.padEnd(width)}  ${r.reason}`);
  lines.push('', 'Passing ops:', `  ${passed.map((r) => r.key).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** One child process from `start` on: its results, and the op it died or hung in (-1 when it finished). */
function runChild(start: number): Promise<{ results: OpResult[]; count: number; current: number; why: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'opinfo', 'register-ts.js'), path.join(__dirname, 'opinfo', 'child.ts'), DIR, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const results: OpResult[] = [];
    let count = -1;
    let current = -1;
    let buffered = '';
    let stderr = '';
    let hung = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, OP_TIMEOUT_MS);
    };
    arm();
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.stdout.on('data', (d: string) => {
      arm();
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('count ')) count = Number(line.slice(6));
        else if (line.startsWith('start ')) current = Number(line.slice(6));
        else if (line.startsWith('result ')) {
          results.push(JSON.parse(line.slice(7)) as OpResult);
          current = -1;
        }
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const why = hung ? `hang: no progress for ${OP_TIMEOUT_MS / 1000}s` : signal !== null ? `crash: process killed by ${signal}` : `crash: exit ${String(code)}`;
      resolve({ results, count, current: code === 0 && !hung ? -1 : current, why, stderr });
    });
  });
}

/**
 * Replays every op in child processes (test/opinfo/child.ts): an op that crashes the process (a
 * signal from the addon) or hangs is recorded as failing, and a new process goes on after it.
 */
async function replay(): Promise<OpResult[]> {
  const results: OpResult[] = [];
  const deadline = Date.now() + TOTAL_TIMEOUT_MS;
  let start = 0;
  let keys: string[] | undefined;
  for (;;) {
    const r = await runChild(start);
    results.push(...r.results);
    if (r.count < 0) throw new Error(`OpInfo replay did not start: ${r.why}\n${r.stderr}`);
    if (r.current < 0) {
      if (results.length < r.count && r.results.length === 0) throw new Error(`OpInfo replay stopped: ${r.why}\n${r.stderr}`);
      if (results.length >= r.count) break;
      start = results.length; // died between two ops
    } else {
      keys ??= opKeys();
      const tail = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
      results.push({ key: keys[r.current] ?? `#${r.current}`, status: 'fail', category: r.why.startsWith('hang') ? 'hang' : 'crash',
        reason: `${r.why}${tail ? `; ${tail.slice(0, 120)}` : ''}`, cases: 1, failedCases: 1, grads: 0, errorInputs: 0, notes: [] });
      start = r.current + 1;
    }
    if (start >= r.count) break;
    if (Date.now() > deadline) throw new Error(`OpInfo replay took over ${TOTAL_TIMEOUT_MS / 1000}s (stopped at op ${start} of ${r.count})`);
  }
  return results;
}

/** The OpInfo keys in file order (to name an op that crashed its process). */
function opKeys(): string[] {
  const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8')) as { ops: { key: string }[] };
  return index.ops.map((o) => o.key);
}

beforeAll(async () => {
  const start = Date.now();
  results = await replay();
  report = buildReport(results, (Date.now() - start) / 1000);
  fs.writeFileSync(REPORT, report);
  fs.writeFileSync(REPORT.replace(/\.txt$/, '.json'), JSON.stringify(results, null, 1));
  // The whole report goes to the file; the console gets the summary.
  process.stdout.write(report.split('\nFailing ops:')[0] + `\n(full report: ${path.relative(process.cwd(), REPORT)})\n`);
}, TOTAL_TIMEOUT_MS + 30000);

test('OpInfo coverage stays at or above the threshold', () => {
  const tested = results.filter((r) => r.status !== 'skip');
  const coverage = tested.filter((r) => r.status === 'pass').length / Math.max(tested.length, 1);
  expect(tested.length).toBeGreaterThan(500);
  expect(coverage).toBeGreaterThanOrEqual(COVERAGE_THRESHOLD);
});

test('core ops pass every OpInfo case', () => {
  const byKey = new Map(results.map((r) => [r.key, r]));
  const failing = CORE.map((k) => byKey.get(k) ?? ({ key: k, status: 'fail', reason: 'not in the OpInfo fixture' } as OpResult))
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.key}: ${r.reason}`);
  expect(failing).toEqual([]);
});

test('the harness fails an op whose result differs from PyTorch', () => {
  const m = (o: Record<string, unknown>): Map<string, unknown> => new Map(Object.entries(o));
  const x = torch.tensor([1, 2, 3], { dtype: torch.float32 });
  const entry = (expected: torch.Tensor, kind = 'method'): unknown => m({
    key: 'add', name: 'add', skipped: [], errors: [],
    cases: [m({ dtype: 'float32', index: 0, input: x, args: [x], kwargs: [['alpha', 2]], seed: 0, values: true,
      calls: [m({ kind, name: 'add', result: expected })] })],
  });
  expect(runOp(entry(torch.tensor([3, 6, 9], { dtype: torch.float32 }))).status).toBe('pass');
  const wrong = runOp(entry(torch.tensor([3, 6, 9.01], { dtype: torch.float32 })));
  expect([wrong.status, wrong.category]).toEqual(['fail', 'wrong value']);
  const dtype = runOp(entry(torch.tensor([3, 6, 9], { dtype: torch.float64 })));
  expect([dtype.status, dtype.category]).toEqual(['fail', 'wrong dtype']);
  const missing = runOp(m({ key: 'nope', name: 'nope', skipped: [], errors: [],
    cases: [m({ dtype: 'float32', index: 0, input: x, args: [], kwargs: [], seed: 0, values: true, calls: [m({ kind: 'function', name: 'no_such_op', result: x })] })] }));
  expect([missing.status, missing.category, missing.reason]).toEqual(['fail', 'missing function', 'function float32 sample 0: missing: torch.noSuchOp']);
});
