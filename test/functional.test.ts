// torch.nn.functional against real PyTorch (scripts/fixtures/functional.py).
import * as torch from '../lib';
import { describe as described, evaluateF, expectClose, expectError, fixture, recordWarnings, tensorEnv } from './helpers';

const F = torch.nn.functional;
type Described = { data: unknown; dtype: string; shape: number[] };
const data = fixture<{
  inputs: Record<string, torch.NestedArray>;
  long: Record<string, torch.NestedArray>;
  cases: { name: string; ts: string; expected: Described }[];
  errors: { name: string; ts: string; message: string }[];
  warnings: { name: string; ts: string; messages: string[]; categories: string[] }[];
  grad: { loss: number; x_grad: number[]; w_grad: number[] };
  dropout: number[];
  dropout2d: number[];
  dropout2d_inplace: number[];
}>('functional.json');

const env = (): Record<string, torch.Tensor> => tensorEnv(data.inputs, data.long);
const evaluate = evaluateF;

describe('nn.functional matches PyTorch', () => {
  test.each(data.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const got = described(evaluate(c.ts, env()) as torch.Tensor);
    expect(got.dtype).toBe(c.expected.dtype);
    expect(got.shape).toEqual(c.expected.shape);
    expectClose(got.data, c.expected.data, 1e-5, 1e-5);
  });

  test.each(data.errors.map((c) => [c.name, c] as const))('error: %s', (_n, c) => {
    expectError(() => evaluate(c.ts, env()), c.message);
  });

  test.each(data.warnings.map((c) => [c.name, c] as const))('warnings: %s', (_n, c) => {
    const seen = recordWarnings(() => evaluate(c.ts, env()));
    expect(seen).toEqual(c.messages.map((m, i) => [m, c.categories[i]]));
  });

  test('gradients through conv, relu, pooling, linear and cross-entropy', () => {
    const e = env();
    const x = e.x!.requiresGrad_();
    const w = e.w!.requiresGrad_();
    const out = F.crossEntropy(
      F.linear(F.adaptiveAvgPool2d(F.relu(F.conv2d(x, w, e.b!, { padding: 1 })), 1).flatten(1), e.lin_w!.slice(1, 0, 4)),
      e.target!.slice(0, 0, 2),
    );
    out.backward();
    expectClose(out.item(), data.grad.loss, 1e-5, 1e-6);
    expectClose(x.grad!.tolist(), data.grad.x_grad, 1e-4, 1e-6);
    expectClose(w.grad!.tolist(), data.grad.w_grad, 1e-4, 1e-6);
  });

  test("dropout masks are PyTorch's for the same seed", () => {
    torch.manualSeed(3);
    expect(F.dropout(torch.ones(20), { p: 0.3 }).tolist()).toEqual(data.dropout);
    torch.manualSeed(4);
    expect(F.dropout2d(torch.ones(2, 6, 1, 1), { p: 0.5 }).flatten().tolist()).toEqual(data.dropout2d);
    torch.manualSeed(4);
    const ones = torch.ones(2, 6, 1, 1);
    expect(F.dropout2d(ones, { p: 0.5, inplace: true })).toBe(ones);
    expect(ones.flatten().tolist()).toEqual(data.dropout2d_inplace);
  });
});
