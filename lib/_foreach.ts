// The `torch._foreach_*` and `torch._fused_*` operators, through the dispatcher: torch.optim's
// multi-tensor and fused paths, torch.nn.utils and Module's backward hooks call them. The overload
// is chosen as Python's binding chooses it: by the type of the operand after the tensor list (a
// list of tensors, a Tensor, a list of numbers or a number).
import { native } from './native';
import { op } from './ops';
import { Tensor, wrapAll } from './tensor';

export type TensorList = readonly Tensor[];
type Operand = TensorList | Tensor | readonly number[] | number;

// An argument as the addon takes it: tensors (alone or in lists) as their handles.
const nativeArg = (x: unknown): unknown => (x instanceof Tensor ? x._h : Array.isArray(x) ? x.map((t) => (t instanceof Tensor ? t._h : t)) : x);

function overload(x: Operand): string {
  if (x instanceof Tensor) return 'Tensor';
  if (Array.isArray(x)) return x.length > 0 && typeof x[0] === 'number' ? 'ScalarList' : 'List';
  return 'Scalar';
}
const call = (name: string, args: unknown[]): unknown => native.callOp(op(name), ...args.map(nativeArg));

// Binary ops: name(self, other[, alpha]) with other a list, a tensor, scalars or a scalar.
function binary(name: string, hasAlpha: boolean) {
  return {
    inplace(self: TensorList, other: Operand, alpha?: number): void {
      const o = overload(other);
      call(`aten::_foreach_${name}_.${o}`, hasAlpha && (o === 'List' || o === 'Tensor') ? [self, other, alpha ?? 1] : [self, other]);
    },
    out(self: TensorList, other: Operand, alpha?: number): Tensor[] {
      const o = overload(other);
      return wrapAll(call(`aten::_foreach_${name}.${o}`, hasAlpha && (o === 'List' || o === 'Tensor') ? [self, other, alpha ?? 1] : [self, other]));
    },
  };
}
const add = binary('add', true);
const sub = binary('sub', true);
const mul = binary('mul', false);
const div = binary('div', false);
const maximum = binary('maximum', false);
const clampMin = binary('clamp_min', false);
const clampMax = binary('clamp_max', false);

export const foreachAdd_ = add.inplace;
export const foreachAdd = add.out;
export const foreachSub_ = sub.inplace;
export const foreachSub = sub.out;
export const foreachMul_ = mul.inplace;
export const foreachMul = mul.out;
export const foreachDiv_ = div.inplace;
export const foreachMaximum_ = maximum.inplace;
export const foreachClampMin_ = clampMin.inplace;
export const foreachClampMax_ = clampMax.inplace;

// addcmul / addcdiv: (self, tensor1, tensor2, value) with value a scalar, scalars or a tensor.
function pointwise(name: string) {
  const o = (value: Operand): string => (value instanceof Tensor ? 'Tensor' : Array.isArray(value) ? 'ScalarList' : 'Scalar');
  return {
    inplace(self: TensorList, t1: TensorList, t2: TensorList, value: Operand = 1): void {
      call(`aten::_foreach_${name}_.${o(value)}`, [self, t1, t2, value]);
    },
    out(self: TensorList, t1: TensorList, t2: TensorList, value: Operand = 1): Tensor[] {
      return wrapAll(call(`aten::_foreach_${name}.${o(value)}`, [self, t1, t2, value]));
    },
  };
}
const addcmul = pointwise('addcmul');
const addcdiv = pointwise('addcdiv');
export const foreachAddcmul_ = addcmul.inplace;
export const foreachAddcmul = addcmul.out;
export const foreachAddcdiv_ = addcdiv.inplace;

/** _foreach_lerp_(self, end, weight): weight a scalar, scalars or a list of tensors. */
export function foreachLerp_(self: TensorList, end: TensorList, weight: Operand): void {
  call(`aten::_foreach_lerp_.${overload(weight)}`, [self, end, weight]);
}

function unary(name: string) {
  return {
    inplace(self: TensorList): void {
      call(`aten::_foreach_${name}_`, [self]);
    },
    out(self: TensorList): Tensor[] {
      return wrapAll(call(`aten::_foreach_${name}`, [self]));
    },
  };
}
const sqrt = unary('sqrt');
const neg = unary('neg');
const sign = unary('sign');
const abs = unary('abs');
const reciprocal = unary('reciprocal');
const rsqrt = unary('rsqrt');
export const foreachSqrt_ = sqrt.inplace;
export const foreachSqrt = sqrt.out;
export const foreachNeg_ = neg.inplace;
export const foreachNeg = neg.out;
export const foreachSign_ = sign.inplace;
export const foreachAbs = abs.out;
export const foreachAbs_ = abs.inplace;
export const foreachReciprocal_ = reciprocal.inplace;
export const foreachRsqrt_ = rsqrt.inplace;
export function foreachZero_(self: TensorList): void {
  call('aten::_foreach_zero_', [self]);
}
export function foreachCopy_(self: TensorList, src: TensorList): void {
  call('aten::_foreach_copy_', [self, src, false]);
}

/** _foreach_pow: a list to a power (scalar or scalars), or a scalar to the powers in a list. */
export function foreachPow(self: TensorList | number, exponent: Operand): Tensor[] {
  if (typeof self === 'number') return wrapAll(call('aten::_foreach_pow.ScalarAndTensor', [self, exponent]));
  return wrapAll(call(`aten::_foreach_pow.${overload(exponent)}`, [self, exponent]));
}
export function foreachPow_(self: TensorList, exponent: Operand): void {
  call(`aten::_foreach_pow_.${overload(exponent)}`, [self, exponent]);
}

/** _foreach_norm(self, ord=2). */
export function foreachNorm(self: TensorList, ord = 2): Tensor[] {
  return wrapAll(call('aten::_foreach_norm.Scalar', [self, ord, null]));
}

/** A fused optimizer kernel (`torch._fused_adam_` etc.): tensor lists first, then keyword values in schema order. */
export function fused(name: string, lists: readonly (readonly (Tensor | null)[])[], rest: readonly unknown[]): void {
  call(`aten::_fused_${name}`, [...lists, ...rest]);
}
