// torch/optim/_adafactor.py: Adafactor (factored second moments for matrices).
import { tensor as makeTensor } from '../creation';
import { finfo } from '../dtype';
import { norm } from '../functional';
import { zerosLike } from '../generated/torch';
import { preserveFormat } from '../layout';
import { noGrad } from '../autograd';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, incrementSteps, setDefault, _getScalarDtype, _groupTensorsByDeviceAndDtype, _toScalar, isSparse, num, pyFormat, sMul, sSub,
  type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const ADAFACTOR_INIT = pySignature(
  'Adafactor.__init__',
  'self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *, foreach=None, maximize=False',
  { floatDefaults: true },
);

export interface AdafactorOptions {
  lr?: number | Tensor;
  beta2Decay?: number;
  eps?: readonly [number | null, number];
  d?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

/** Python's max(a, b) for numbers: `a` unless `b` is strictly greater. */
const pyMax = (a: number, b: number): number => (b > a ? b : a);
const pyMin = (a: number, b: number): number => (b < a ? b : a);

export class Adafactor extends Optimizer {
  constructor(params: ParamsT, options?: AdafactorOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = ADAFACTOR_INIT<Required<AdafactorOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Learning rate should be >= 0 but is: ${pyFormat(a.lr)}`);
    if (!(0 >= num(a.beta2Decay))) throw new RangeError(`beta2_decay should be <= 0 but is: ${pyFormat(a.beta2Decay)}`);
    if (a.eps[0] !== null && !(0 <= num(a.eps[0]))) throw new RangeError(`epsilon1 should be >= 0 but is: ${pyFormat(a.eps[0])}`);
    if (!(0 <= num(a.eps[1]))) throw new RangeError(`epsilon2 should be >= 0 but is: ${pyFormat(a.eps[1])}`);
    if (!(1 <= num(a.d))) throw new RangeError(`Clipping threshold d should be >= 1 but is: ${pyFormat(a.d)}`);
    if (!(0 <= num(a.weightDecay))) throw new RangeError(`weight_decay should be >= 0 but is: ${pyFormat(a.weightDecay)}`);
    super(a.params, { lr: a.lr, beta2Decay: a.beta2Decay, eps: a.eps, d: a.d, weightDecay: a.weightDecay, foreach: a.foreach, maximize: a.maximize });
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) {
      setDefault(group, 'foreach', null);
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s !== undefined && Object.keys(s).length !== 0 && !(s.step instanceof Tensor)) s.step = makeTensor(Number(s.step), { dtype: _getScalarDtype() });
      }
    }
  }

  override step(closure: StepClosure = null): any {
    return noGrad(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const params: Tensor[] = [];
        const grads: Tensor[] = [];
        const rowVars: (Tensor | null)[] = [];
        const colVars: (Tensor | null)[] = [];
        const variances: (Tensor | null)[] = [];
        const steps: Tensor[] = [];
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          if (p.dtype.isComplex) throw new Error('Adafactor does not support complex parameters');
          if (isSparse(grad)) throw new Error('Adafactor does not support sparse gradients');
          params.push(p);
          grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = makeTensor(0, { dtype: _getScalarDtype() });
            if (grad.dim() > 1) {
              const rowShape = [...grad.shape];
              rowShape[rowShape.length - 1] = 1;
              state.rowVar = grad.newZeros(rowShape);
              const colShape = [...grad.shape];
              colShape[colShape.length - 2] = 1;
              state.colVar = grad.newZeros(colShape);
            } else {
              state.variance = zerosLike(grad, { memoryFormat: preserveFormat });
            }
          }
          rowVars.push(state.rowVar ?? null);
          colVars.push(state.colVar ?? null);
          variances.push(state.variance ?? null);
          steps.push(state.step);
        }
        const [eps1, eps2] = group.eps as [number | null, number];
        adafactor(params, grads, rowVars, colVars, variances, steps, {
          d: group.d, lr: group.lr, beta2Decay: group.beta2Decay, weightDecay: group.weightDecay, eps1, eps2, foreach: group.foreach,
          maximize: group.maximize, gradScale: this.gradScale, foundInf: this.foundInf,
        });
      }
      return loss;
    });
  }
}

export interface AdafactorFunctionalOptions {
  foreach?: boolean | null;
  gradScale?: Tensor | null;
  foundInf?: Tensor | null;
  d: number;
  lr: NumberOrTensor;
  beta2Decay: number;
  weightDecay: number;
  eps1: number | null;
  eps2: number;
  maximize: boolean;
}

/** Functional API that performs the Adafactor computation (torch.optim._adafactor.adafactor). */
export function adafactor(
  params: Tensor[], grads: Tensor[], rowVars: (Tensor | null)[], colVars: (Tensor | null)[], variances: (Tensor | null)[], stateSteps: Tensor[],
  o: AdafactorFunctionalOptions,
): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('`state_steps` argument must contain a list of singleton tensors');
  if ((o.gradScale ?? null) !== null || (o.foundInf ?? null) !== null) throw new Error('Grad scaling should occur outside of optimizer.step()');
  (o.foreach ? multiTensorAdafactor : singleTensorAdafactor)(params, grads, rowVars, colVars, variances, stateSteps, o);
}

type Impl = (params: Tensor[], grads: Tensor[], rowVars: (Tensor | null)[], colVars: (Tensor | null)[], variances: (Tensor | null)[], steps: Tensor[], o: AdafactorFunctionalOptions) => void;

/** `norm(x, dim, keepdim=True)` squared and divided by that dimension's size. */
function meanSquare(grad: Tensor, dim: number): Tensor {
  return norm(grad, undefined, dim, true).square_().div_(grad.size(dim));
}

const singleTensorAdafactor: Impl = (params, grads, rowVars, colVars, variances, steps, o) => {
  const lr = _toScalar(o.lr);
  let eps1 = o.eps1;
  params.forEach((param, i) => {
    const grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    const stepT = steps[i]!;
    const rowVar = rowVars[i];
    const colVar = colVars[i];
    const variance = variances[i];
    eps1 ??= finfo(param.dtype).eps;
    stepT.add_(1);
    const stepFloat = Number(stepT.item());
    const oneMinusBeta2T = stepFloat ** o.beta2Decay;
    const rhoT = pyMin(num(lr), 1 / stepFloat ** 0.5);
    const alpha = pyMax(o.eps2, Number(param.norm(2).item()) / param.numel() ** 0.5) * rhoT;
    if (o.weightDecay !== 0) param.mul_(sSub(1, sMul(lr, o.weightDecay)) as number);
    let varEstimate: Tensor;
    if (grad.dim() > 1) {
      if (rowVar == null || colVar == null) throw new Error('row_var and col_var should be defined when grad is multidimensional');
      rowVar.lerp_(meanSquare(grad, -1), oneMinusBeta2T);
      colVar.lerp_(meanSquare(grad, -2), oneMinusBeta2T);
      varEstimate = rowVar.matmul(colVar);
      varEstimate.div_(rowVar.mean(-2, { keepdim: true }).clamp_({ min: eps1 }));
    } else {
      if (variance == null) throw new Error('variance should be defined when grad is a vector');
      variance.lerp_(grad.mul(grad), oneMinusBeta2T);
      varEstimate = variance.clone();
    }
    const update = varEstimate.clamp_({ min: eps1 * eps1 }).rsqrt_();
    update.mul_(grad);
    const denom = pyMax(1, Number(update.norm(2).item()) / (update.numel() ** 0.5 * o.d));
    param.add_(update, { alpha: -alpha / denom });
  });
};

const multiTensorAdafactor: Impl = (params, grads, rowVars, colVars, variances, steps, o) => {
  if (params.length === 0) return;
  const lr = num(_toScalar(o.lr));
  let eps1 = o.eps1;
  // _group_tensors_by_device_dtype_and_is_multidim: each (device, dtype) group split into matrices and vectors.
  const groups = new Map<string, (Tensor | null)[][]>();
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, rowVars, colVars, variances, steps])) {
    lists[1]!.forEach((g, j) => {
      if (g === null) throw new Error('grad should not be None');
      const key = `${g.device}|${g.dtype.name}|${g.dim() > 1}`;
      let sub = groups.get(key);
      if (sub === undefined) groups.set(key, (sub = lists.map(() => [])));
      lists.forEach((l, k) => sub![k]!.push(l[j] ?? null));
    });
  }
  for (const [key, lists] of groups) {
    const isMultidim = key.endsWith('|true');
    const ps = lists[0] as Tensor[];
    let gs = lists[1] as Tensor[];
    const st = lists[5] as Tensor[];
    eps1 ??= finfo(ps[0]!.dtype).eps;
    if (o.maximize) gs = fe.foreachNeg(gs);
    incrementSteps(st);
    const oneMinusBeta2 = st.map((s) => Number(s.item()) ** o.beta2Decay);
    const rhos = st.map((s) => pyMin(lr, 1 / Number(s.item()) ** 0.5));
    let alphas = ps.map((p, i) => pyMax(o.eps2, Number(p.norm(2).item()) / p.numel() ** 0.5) * rhos[i]!);
    if (o.weightDecay !== 0) fe.foreachMul_(ps, 1 - lr * o.weightDecay);
    let varEstimates: Tensor[];
    if (isMultidim) {
      const rv = lists[2] as Tensor[];
      const cv = lists[3] as Tensor[];
      if (rv[0] == null || cv[0] == null) throw new Error('row_var and col_var should be defined when grad is multidimensional');
      const rowMeans = gs.map((g) => norm(g, undefined, -1, true));
      fe.foreachMul_(rowMeans, rowMeans);
      fe.foreachDiv_(rowMeans, gs.map((g) => g.size(-1)));
      fe.foreachLerp_(rv, rowMeans, oneMinusBeta2);
      const colMeans = gs.map((g) => norm(g, undefined, -2, true));
      fe.foreachMul_(colMeans, colMeans);
      fe.foreachDiv_(colMeans, gs.map((g) => g.size(-2)));
      fe.foreachLerp_(cv, colMeans, oneMinusBeta2);
      varEstimates = rv.map((r, i) => r.matmul(cv[i]!));
      const rowVarMeans = rv.map((r) => r.mean(-2, { keepdim: true }));
      fe.foreachClampMin_(rowVarMeans, eps1);
      fe.foreachDiv_(varEstimates, rowVarMeans);
    } else {
      const vs = lists[4] as Tensor[];
      if (vs[0] == null) throw new Error('variance should be defined when grad is a vector');
      fe.foreachLerp_(vs, fe.foreachMul(gs, gs), oneMinusBeta2);
      varEstimates = vs.map((v) => v.clone());
    }
    fe.foreachClampMin_(varEstimates, eps1 * eps1);
    fe.foreachRsqrt_(varEstimates);
    fe.foreachMul_(varEstimates, gs);
    const updates = varEstimates;
    alphas = alphas.map((a, i) => -a / pyMax(1, Number(updates[i]!.norm(2).item()) / (updates[i]!.numel() ** 0.5 * o.d)));
    fe.foreachMul_(updates, alphas);
    fe.foreachAdd_(ps, updates);
  }
};
