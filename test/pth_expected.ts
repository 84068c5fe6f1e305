// Checks against PyTorch's own results: the tensors a fixture script saved as a .pth dict
// (name -> tensor) and the errors it recorded as [type, message].
import * as path from 'path';
import * as torch from '../lib';
import { expectClose } from './helpers';

type Tensor = torch.Tensor;

/** The tensors of test/fixtures/generated/<file>: `expected(key)` one of them; `same(actual, key)` checks dtype, shape and values. */
export function pthFixture(file: string): { has(key: string): boolean; expected(key: string): Tensor; same(actual: Tensor | null | undefined, key: string, rtol?: number, atol?: number): void } {
  const saved = torch.load(path.join(__dirname, 'fixtures', 'generated', file)) as Map<string, Tensor>;
  const expected = (key: string): Tensor => {
    const t = saved.get(key);
    if (t === undefined) throw new Error(`no expected tensor ${key}`);
    return t;
  };
  const same = (actual: Tensor | null | undefined, key: string, rtol = 1e-5, atol = 1e-6): void => {
    const e = expected(key);
    expect(actual).toBeInstanceOf(torch.Tensor);
    const a = actual as Tensor;
    expect(a.dtype.name).toBe(e.dtype.name);
    expect([...a.shape]).toEqual([...e.shape]);
    expectClose(a.detach().reshape(-1).tolist(), e.reshape(-1).tolist(), rtol, atol, key);
  };
  return { has: (key) => saved.has(key), expected, same };
}

/** Expects fn to throw PyTorch's error [type, message], its class as JS maps it (RuntimeError -> Error, ValueError/IndexError -> RangeError). */
export function sameError(fn: () => unknown, [type, message]: [string, string]): void {
  const name = type === 'TypeError' ? 'TypeError' : type === 'ValueError' || type === 'IndexError' ? 'RangeError' : type === 'NotImplementedError' ? type : 'Error';
  let thrown: { message: string; name: string } | undefined;
  try {
    fn();
  } catch (e) {
    thrown = e as { message: string; name: string };
  }
  expect(thrown).toBeDefined();
  expect(thrown!.message).toBe(message);
  expect(thrown!.name).toBe(name);
}
