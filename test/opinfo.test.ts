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
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { runOp, type OpResult } from './opinfo/runner';
import { indexKeys, pct, replay, writeReport } from './replay';

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

beforeAll(async () => {
  const start = Date.now();
  // Every op runs in child processes (test/opinfo/child.ts): one that crashes or hangs fails alone.
  results = await replay<OpResult>({
    label: 'OpInfo', unit: 'op', child: path.join(__dirname, 'opinfo', 'child.ts'), args: (from) => [DIR, String(from)],
    stepTimeoutMs: OP_TIMEOUT_MS, totalTimeoutMs: TOTAL_TIMEOUT_MS, keys: () => indexKeys(DIR, 'ops'),
    crashed: (key, category, reason) => ({ key, status: 'fail', category, reason, cases: 1, failedCases: 1, grads: 0, errorInputs: 0, notes: [] }),
  });
  report = buildReport(results, (Date.now() - start) / 1000);
  writeReport(REPORT, report, results, 'Failing ops:');
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
