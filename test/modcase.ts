// Runs the module cases scripts/fixtures/common/modcase.py recorded from real PyTorch: the same
// constructor in TypeScript, with the same seeds, must give the same repr, initial parameters and
// buffers, state_dict keys, forward outputs and gradients.
import * as torch from '../lib';
import { describe as described, expectClose, expectError, fixture, recordWarnings, type Described } from './helpers';

type InputSpec = number[] | { shape: number[]; dtype: 'int64'; high: number };
type Named = [string, Described | null][];
export interface ModuleCase {
  name: string;
  ts: string;
  inputs: InputSpec[];
  seed: number;
  train: boolean;
  backward: boolean;
  repr: string;
  parameters: Named;
  buffers: Named;
  state_dict_keys: string[];
  modules: [string, string][];
  outputs: (Described | null)[];
  buffers_after: Named;
  input_grads?: (Described | null)[];
  parameter_grads?: Named;
  /** Replaces `m.call(...xs)`: an expression with `m` and `xs` in scope (forward options, masks). */
  call_ts?: string;
}
interface ModuleCases {
  cases: ModuleCase[];
  errors: { name: string; ts: string; message: string }[];
}

/** Evaluates a TypeScript expression with `torch`, `nn` and `F` in scope (plus `env`). */
export function evaluate(ts: string, env: Record<string, unknown> = {}): unknown {
  const names = Object.keys(env);
  return new Function('torch', 'nn', 'F', ...names, `return ${ts};`)(torch, torch.nn, torch.nn.functional, ...names.map((n) => env[n]));
}

function expectTensor(got: torch.Tensor | null | undefined, want: Described | null, rtol: number, atol: number, where: string): void {
  if (want === null) {
    expect(got ?? null).toBeNull();
    return;
  }
  if (got === null || got === undefined) throw new Error(`${where}: expected a tensor, got ${String(got)}`);
  const d = described(got);
  expect(`${where}: ${d.dtype} ${JSON.stringify(d.shape)}`).toBe(`${where}: ${want.dtype} ${JSON.stringify(want.shape)}`);
  expectClose((got.dtype.name === 'float16' || got.dtype.name === 'bfloat16' ? got.float() : got).reshape([-1]).tolist(), want.data, rtol, atol, where);
}

function expectNamed(got: Iterable<[string, torch.Tensor | null]>, want: Named, rtol: number, atol: number, what: string): void {
  const entries = [...got];
  expect(entries.map(([k]) => k)).toEqual(want.map(([k]) => k));
  want.forEach(([k, w], i) => expectTensor(entries[i]![1], w, rtol, atol, `${what} ${k}`));
}

function flatten(value: unknown): (torch.Tensor | null)[] {
  if (Array.isArray(value)) return value.flatMap(flatten);
  return [value as torch.Tensor | null];
}

function makeInput(spec: InputSpec): torch.Tensor {
  if (Array.isArray(spec)) return torch.randn(spec, { requiresGrad: true });
  return torch.randint(0, spec.high, spec.shape);
}

/** Runs one fixture file of module cases as jest tests. */
export function runModuleCases(file: string, env: Record<string, unknown> = {}): void {
  const data = fixture<ModuleCases>(file);
  describe(file, () => {
    test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      torch.manualSeed(c.seed);
      const m = evaluate(c.ts, env) as torch.nn.Module;
      if (!c.train) m.eval();
      expect(String(m)).toBe(c.repr);
      expect([...m.namedModules()].map(([k, v]) => [k, v._getName()])).toEqual(c.modules);
      expectNamed(m.namedParameters(), c.parameters, 1e-6, 1e-7, 'parameter');
      expectNamed(m.namedBuffers(), c.buffers, 1e-6, 1e-7, 'buffer');
      expect([...m.stateDict().keys()]).toEqual(c.state_dict_keys);

      torch.manualSeed(c.seed + 1000);
      const xs = c.inputs.map(makeInput);
      const outs = flatten(c.call_ts === undefined ? m.call(...xs) : evaluate(c.call_ts, { ...env, m, xs }));
      expect(outs.length).toBe(c.outputs.length);
      c.outputs.forEach((w, i) => expectTensor(outs[i], w, 1e-5, 1e-5, `output ${i}`));
      expectNamed(m.namedBuffers(), c.buffers_after, 1e-5, 1e-6, 'buffer after forward');
      if (!c.backward) return;
      const loss = outs.filter((o): o is torch.Tensor => o !== null && o.requiresGrad).reduce((acc: torch.Tensor | null, o) => (acc === null ? o.sum() : acc.add(o.sum())), null);
      loss!.backward();
      c.input_grads!.forEach((w, i) => expectTensor(w === null ? null : xs[i]!.grad, w, 1e-4, 1e-5, `input grad ${i}`));
      expectNamed([...m.namedParameters()].map(([k, p]) => [k, p.grad] as [string, torch.Tensor | null]), c.parameter_grads!, 1e-4, 1e-5, 'grad');
    });

    if (data.errors.length > 0) {
      test.each(data.errors.map((c) => [c.name, c] as const))('error: %s', (_name, c) => {
        expectError(() => evaluate(c.ts, env), c.message);
      });
    }
  });
}

/** Each warning case: evaluating `ts` emits exactly the one warning PyTorch emits. */
export function runWarningCases(title: string, warnings: { name: string; ts: string; message: string; category: string }[], env: Record<string, unknown> = {}): void {
  describe(title, () => {
    test.each(warnings.map((w) => [w.name, w] as const))('%s', (_n, w) => {
      expect(recordWarnings(() => evaluate(w.ts, env))).toEqual([[w.message, w.category]]);
    });
  });
}
