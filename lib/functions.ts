// torch.* functions over several tensors (the method forms live on Tensor).
import { native } from './native';
import { op } from './ops';
import { h, wrap, type Tensor, type TensorOrScalar } from './tensor';

const ops = {
  cat: op('aten::cat'),
  stack: op('aten::stack'),
  where: op('aten::where.self'),
  equal: op('aten::equal'),
  allclose: op('aten::allclose'),
};

/** Concatenates along an existing dimension. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(native.callOp(ops.cat, tensors.map((t) => t._h), dim));
}
/** Stacks along a new dimension. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(native.callOp(ops.stack, tensors.map((t) => t._h), dim));
}
/** Elements of `input` where `condition` holds, else of `other` (broadcasting). */
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return wrap(native.callOp(ops.where, condition._h, h(input), h(other)));
}
/** True when both tensors have the same shape and elements. */
export function equal(input: Tensor, other: Tensor): boolean {
  return native.callOp(ops.equal, input._h, other._h) as boolean;
}
/** True when |input - other| <= atol + rtol * |other| everywhere. */
export function allclose(input: Tensor, other: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  return native.callOp(ops.allclose, input._h, other._h, options.rtol ?? 1e-5, options.atol ?? 1e-8, options.equalNan ?? false) as boolean;
}
