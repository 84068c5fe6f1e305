// torch.* functions over several tensors (the method forms live on Tensor).
import { native } from './native';
import { op } from './ops';
import { h, wrap, type Tensor, type TensorOrScalar } from './tensor';

const ops = {
  cat: op('aten::cat'),
  stack: op('aten::stack'),
  where: op('aten::where.self'),
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
