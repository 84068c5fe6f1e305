// torch/nn/utils/fusion.py: folding an eval-mode BatchNorm into the preceding convolution or
// linear layer (new weight and bias; the original modules are left as they are).
import { onesLike, rsqrt, zerosLike } from '../../generated/torch';
import type { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import type { _BatchNorm } from '../batchnorm';
import type { _ConvNd } from '../conv';
import type { Linear } from '../linear';
import { Parameter } from '../parameter';
import { deepcopy } from '../transformer';

const CONV_BN_EVAL = pySignature('fuse_conv_bn_eval', 'conv, bn, transpose=False');
const CONV_BN_WEIGHTS = pySignature('fuse_conv_bn_weights', 'conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False');
const LINEAR_BN_EVAL = pySignature('fuse_linear_bn_eval', 'linear, bn');
const LINEAR_BN_WEIGHTS = pySignature('fuse_linear_bn_weights', 'linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b');

function runningStats(bn: _BatchNorm): [Tensor, Tensor] {
  const { running_mean: rm, running_var: rv } = bn;
  if (rm === null || rv === null) throw new Error('bn.running_mean and bn.running_var must not be None');
  return [rm, rv];
}

/** A copy of `conv` whose weight and bias include the eval-mode `bn` that follows it (torch.nn.utils.fuse_conv_bn_eval). */
export function fuseConvBnEval<C extends _ConvNd>(conv: C, bn: _BatchNorm, transpose?: boolean): C;
export function fuseConvBnEval<C extends _ConvNd>(conv: C, bn: _BatchNorm, options: { transpose?: boolean }): C;
export function fuseConvBnEval(...args: unknown[]): _ConvNd {
  const o = CONV_BN_EVAL<{ conv: _ConvNd; bn: _BatchNorm; transpose: boolean }>(args);
  if (o.conv.training || o.bn.training) throw new Error('Fusion only for eval!');
  const fused = deepcopy(o.conv);
  const [rm, rv] = runningStats(o.bn);
  const [w, b] = fuseConvBnWeights(fused.weight, fused.bias, rm, rv, o.bn.eps, o.bn.weight, o.bn.bias, o.transpose);
  fused.weight = w;
  fused.bias = b;
  return fused;
}

/** The fused convolution weight and bias (torch.nn.utils.fuse_conv_bn_weights). */
export function fuseConvBnWeights(
  convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose?: boolean,
): [Parameter, Parameter];
export function fuseConvBnWeights(...args: unknown[]): [Parameter, Parameter] {
  const o = CONV_BN_WEIGHTS<{ convW: Tensor; convB: Tensor | null; bnRm: Tensor; bnRv: Tensor; bnEps: number; bnW: Tensor | null; bnB: Tensor | null; transpose: boolean }>(args);
  const convWeightDtype = o.convW.dtype;
  const convBiasDtype = o.convB !== null ? o.convB.dtype : convWeightDtype;
  const convB = o.convB ?? zerosLike(o.bnRm);
  const bnW = o.bnW ?? onesLike(o.bnRm);
  const bnB = o.bnB ?? zerosLike(o.bnRm);
  const bnVarRsqrt = rsqrt(o.bnRv.add(o.bnEps));
  const rest = Array.from({ length: o.convW.ndim - 2 }, () => 1);
  const shape = o.transpose ? [1, -1, ...rest] : [-1, 1, ...rest];
  const fusedW = o.convW.mul(bnW.mul(bnVarRsqrt).reshape(shape)).to({ dtype: convWeightDtype });
  const fusedB = convB.sub(o.bnRm).mul(bnVarRsqrt).mul(bnW).add(bnB).to({ dtype: convBiasDtype });
  return [new Parameter(fusedW, o.convW.requiresGrad), new Parameter(fusedB, convB.requiresGrad)];
}

/** A copy of `linear` whose weight and bias include the eval-mode `bn` that follows it (torch.nn.utils.fuse_linear_bn_eval). */
export function fuseLinearBnEval<L extends Linear>(linear: L, bn: _BatchNorm): L;
export function fuseLinearBnEval(...args: unknown[]): Linear {
  const o = LINEAR_BN_EVAL<{ linear: Linear; bn: _BatchNorm }>(args);
  const { linear, bn } = o;
  if (linear.training || bn.training) throw new Error('Fusion only for eval!');
  const fused = deepcopy(linear);
  // A BatchNorm1d over the linear layer's output features, or a single one broadcast over them.
  if (linear.outFeatures !== bn.numFeatures && bn.numFeatures !== 1) {
    throw new Error(
      'To fuse, linear.out_features == bn.num_features or bn.num_features == 1, ' +
        `got linear.out_features=${linear.outFeatures} and bn.num_features=${bn.numFeatures}`,
    );
  }
  const [rm, rv] = runningStats(bn);
  const [w, b] = fuseLinearBnWeights(fused.weight, fused.bias, rm, rv, bn.eps, bn.weight as Tensor, bn.bias as Tensor);
  fused.weight = w;
  fused.bias = b;
  return fused;
}

/** The fused linear weight and bias (torch.nn.utils.fuse_linear_bn_weights). */
export function fuseLinearBnWeights(linearW: Tensor, linearB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor, bnB: Tensor): [Parameter, Parameter];
export function fuseLinearBnWeights(...args: unknown[]): [Parameter, Parameter] {
  const o = LINEAR_BN_WEIGHTS<{ linearW: Tensor; linearB: Tensor | null; bnRm: Tensor; bnRv: Tensor; bnEps: number; bnW: Tensor; bnB: Tensor }>(args);
  const linearWeightDtype = o.linearW.dtype;
  const linearBiasDtype = o.linearB !== null ? o.linearB.dtype : linearWeightDtype;
  const linearB = o.linearB ?? zerosLike(o.bnRm);
  const bnScale = o.bnW.mul(rsqrt(o.bnRv.add(o.bnEps)));
  const fusedW = o.linearW.mul(bnScale.unsqueeze(-1).to({ dtype: linearWeightDtype }));
  const fusedB = linearB.sub(o.bnRm).mul(bnScale).add(o.bnB).to({ dtype: linearBiasDtype });
  return [new Parameter(fusedW, o.linearW.requiresGrad), new Parameter(fusedB, linearB.requiresGrad)];
}
