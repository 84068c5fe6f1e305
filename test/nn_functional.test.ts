// torch.nn.functional against real PyTorch (scripts/fixtures/nn_functional.py): every function
// called the ways Python's signature allows (positional arguments in order, keywords in the
// options object), the TypeErrors Python raises for a bad call, its other errors and warnings.
import * as torch from '../lib';
import { describe as described, evaluateF, expectClose, expectError, fixture, recordWarnings, tensorEnv } from './helpers';

const F = torch.nn.functional;
type Described = { data: unknown; dtype: string; shape: number[] };
const data = fixture<{
  inputs: Record<string, torch.NestedArray>;
  long: Record<string, torch.NestedArray>;
  cases: { name: string; ts: string; expected: Described }[];
  errors: { name: string; ts: string; message: string; type: string }[];
  warnings: { name: string; ts: string; messages: string[]; categories: string[] }[];
  names: string[];
}>('nn_functional.json');

const env = (): Record<string, torch.Tensor> => tensorEnv(data.inputs, data.long);
const evaluate = evaluateF;

// What torch.nn.functional has that is not a function of the API: typing helpers and the
// __torch_function__ machinery. scaled_mm / scaled_grouped_mm take fp8 scaling recipes
// (torch.nn.functional.ScalingType) for CUDA kernels and are not bound yet.
const NOT_FUNCTIONS = new Set([
  'Callable', 'DType', 'Optional', 'ScalingType', 'SwizzleType', 'Tensor', 'assert_int_or_pair', 'boolean_dispatch',
  'handle_torch_function', 'has_torch_function', 'has_torch_function_unary', 'has_torch_function_variadic',
]);
const NOT_YET = new Set(['scaled_mm', 'scaled_grouped_mm']);
const camel = (s: string): string => s.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('torch.nn.functional matches PyTorch', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    let got: Described | undefined;
    recordWarnings(() => (got = described(evaluate(c.ts, env()) as torch.Tensor)));
    expect(got!.dtype).toBe(c.expected.dtype);
    expect(got!.shape).toEqual(c.expected.shape);
    expectClose(got!.data, c.expected.data, 1e-4, 1e-5);
  });

  test.each(data.errors.map((c) => [c.name, c] as const))('error: %s', (_n, c) => {
    recordWarnings(() => expectError(() => evaluate(c.ts, env()), c.message, c.type === 'TypeError' ? 'TypeError' : undefined));
  });

  test.each(data.warnings.map((c) => [c.name, c] as const))('warnings: %s', (_n, c) => {
    expect(recordWarnings(() => evaluate(c.ts, env()))).toEqual(c.messages.map((m, i) => [m, c.categories[i]]));
  });

  test('every function of torch.nn.functional is there', () => {
    const fns = data.names.filter((n) => !NOT_FUNCTIONS.has(n));
    const missing = fns.filter((n) => !NOT_YET.has(n) && typeof (F as unknown as Record<string, unknown>)[camel(n)] !== 'function');
    expect(missing).toEqual([]);
    const present = fns.filter((n) => typeof (F as unknown as Record<string, unknown>)[camel(n)] === 'function');
    console.log(`torch.nn.functional: ${present.length} of ${fns.length} functions (not yet: ${[...NOT_YET].join(', ')})`);
  });
});

describe('nn.functional binds every argument (issue 9)', () => {
  const x = (): torch.Tensor => torch.arange(2 * 3 * 9 * 9, { dtype: torch.float32 }).reshape(2, 3, 9, 9);

  test('F.avgPool2d(x, 3, 1, 1) uses stride and padding', () => {
    expect([...F.avgPool2d(x(), 3, 1, 1).shape]).toEqual([2, 3, 9, 9]);
    expect([...F.avgPool2d(x(), 3).shape]).toEqual([2, 3, 3, 3]);
  });
  test('F.avgPool2d(x, 3, { strid: 1 }) is a TypeError', () => {
    expectError(() => F.avgPool2d(x(), 3, { strid: 1 } as never), "avg_pool2d() got an unexpected keyword argument 'strid'", 'TypeError');
  });
  test('F.layerNorm(x, shape, weight, bias) uses weight and bias', () => {
    const w = torch.full([9], torch.pyFloat(2));
    const b = torch.full([9], 0.5);
    const plain = F.layerNorm(x(), [9]);
    expectClose(F.layerNorm(x(), [9], w, b).tolist(), plain.mul(2).add(0.5).tolist(), 1e-5, 1e-5);
    expectClose(F.layerNorm(x(), [9], { weight: w, bias: b }).tolist(), plain.mul(2).add(0.5).tolist(), 1e-5, 1e-5);
  });
  test('hand-written functions refuse unknown keys and extra positionals', () => {
    expectError(() => F.relu(x(), { inplce: true } as never), "relu() got an unexpected keyword argument 'inplce'", 'TypeError');
    expectError(() => (F.dropout as (...a: unknown[]) => unknown)(x(), 0.5, true, false, 1), 'dropout() takes from 1 to 4 positional arguments but 5 were given', 'TypeError');
    expectError(() => F.crossEntropy(x(), x(), { labelSmothing: 0.1 } as never), "cross_entropy() got an unexpected keyword argument 'labelSmothing'", 'TypeError');
    expectError(() => F.interpolate(x(), { scaleFactor: 2, modes: 'bilinear' } as never), "interpolate() got an unexpected keyword argument 'modes'", 'TypeError');
  });
  test('in-place forms return their input', () => {
    const t = torch.randn(3, 4);
    expect(F.relu(t, true)).toBe(t);
    expect(F.silu(t, { inplace: true })).toBe(t);
    expect(F.elu(t, 1.0, true)).toBe(t);
  });
});
