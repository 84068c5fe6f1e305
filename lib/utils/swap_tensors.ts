// torch.utils.swap_tensors (torch/utils/__init__.py): t1 takes t2's contents and t2 takes t1's,
// each keeping its identity, so whatever holds t1 (a Module, an optimizer) now sees t2's data.
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';

const SWAP_TENSORS = pySignature<{ t1: unknown; t2: unknown }>('swap_tensors', 't1, t2');

function checked(t: unknown, name: string): Tensor {
  if (!(t instanceof Tensor)) {
    const type = t === null || t === undefined ? 'NoneType' : typeof t === 'object' ? (t.constructor?.name ?? 'object') : typeof t;
    throw new TypeError(`swap_tensors(): argument '${name}' must be Tensor, not ${type}`);
  }
  if (t.isDisposed) throw new Error(`Cannot swap ${name} because it has been disposed`);
  return t;
}

/**
 * Swaps the contents of two tensors: their class (Tensor, Parameter, Buffer), their own properties
 * (Python's `__dict__`, e.g. a Buffer's `persistent`) and the native tensors behind them, with
 * their data, requires_grad, `.grad`, hooks and autograd history. What each JS object owns (memory
 * scopes, `keep`) stays with the object: a temporary swapped into a kept Parameter frees the
 * Parameter's old data when its scope ends.
 */
export function swapTensors(...args: [t1: Tensor, t2: Tensor] | [options: { t1: Tensor; t2: Tensor }]): void {
  const a = SWAP_TENSORS(args);
  const t1 = checked(a.t1, 't1');
  const t2 = checked(a.t2, 't2');
  if (t1 === t2) return;
  const proto1 = Object.getPrototypeOf(t1) as object;
  Object.setPrototypeOf(t1, Object.getPrototypeOf(t2) as object);
  Object.setPrototypeOf(t2, proto1);
  const own = (t: Tensor) => Object.getOwnPropertyDescriptors(t) as Record<string | symbol, PropertyDescriptor>;
  const d1 = own(t1);
  const d2 = own(t2);
  for (const d of [d1, d2]) delete d._h;
  for (const key of Reflect.ownKeys(d1)) delete (t1 as unknown as Record<string | symbol, unknown>)[key];
  for (const key of Reflect.ownKeys(d2)) delete (t2 as unknown as Record<string | symbol, unknown>)[key];
  Object.defineProperties(t1, d2);
  Object.defineProperties(t2, d1);
  Tensor._swapNative(t1, t2);
}

/** What backward raises through a graph built before Module._apply swapped its parameters. */
export const POISONED_BY_SWAP =
  'Trying to execute AccumulateGrad node that was poisoned by swap_tensors this can happen when you try to run backward on a tensor that was swapped. ' +
  'For a module m with `torch.__future__.set_swap_module_params_on_conversion(True)` you should not change the device or dtype of the module ' +
  '(e.g. `m.cpu()` or `m.half()`) between running forward and backward. To resolve this, please only change the device/dtype before running ' +
  'forward (or after both forward and backward).';
