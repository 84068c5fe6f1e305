// torch/optim/adagrad.py: Adagrad (dense and sparse gradients; single-tensor, foreach, fused).
import { Complex } from '../complex';
import { tensor as makeTensor } from '../creation';
import { fullLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCommon, incrementSteps, newStep, setDefault, _defaultToFusedOrForeach, _deviceDtypeCheckForFused, _getScalarDtype, _groupTensorsByDeviceAndDtype, _indices,
  _makeSparse, _toScalar, _values, _viewAsReal, isSparse, num, pyFormat, sDiv, type StepClosure, type NumberOrTensor, type ParamGroup, type ParamsT,
} from './optimizer';

const ADAGRAD_INIT = pySignature(
  'Adagrad.__init__',
  'self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None',
  { floatDefaults: true },
);

export interface AdagradOptions {
  lr?: number | Tensor;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

function initialSum(p: Tensor, value: number): Tensor {
  return fullLike(p, (p.dtype.isComplex ? new Complex(value, value) : value) as number, { memoryFormat: preserveFormat });
}

export class Adagrad extends Optimizer {
  _needDeviceDtypeCheckForFused = false;

  constructor(params: ParamsT, options?: AdagradOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = ADAGRAD_INIT<Required<AdagradOptions> & { params: ParamsT }>(args);
    checkCommon({ lr: a.lr });
    if (!(0 <= num(a.lrDecay))) throw new RangeError(`Invalid lr_decay value: ${pyFormat(a.lrDecay)}`);
    if (!(0 <= num(a.weightDecay))) throw new RangeError(`Invalid weight_decay value: ${pyFormat(a.weightDecay)}`);
    if (!(0 <= num(a.initialAccumulatorValue))) throw new RangeError(`Invalid initial_accumulator_value value: ${pyFormat(a.initialAccumulatorValue)}`);
    if (!(0 <= num(a.eps))) throw new RangeError(`Invalid epsilon value: ${pyFormat(a.eps)}`);
    super(a.params, {
      lr: a.lr, lrDecay: a.lrDecay, eps: a.eps, weightDecay: a.weightDecay, initialAccumulatorValue: a.initialAccumulatorValue,
      foreach: a.foreach, maximize: a.maximize, differentiable: a.differentiable, fused: a.fused,
    });
    if (a.fused) {
      if (a.differentiable) throw new Error('`fused` does not support `differentiable`');
      if (a.foreach) throw new Error('`fused` and `foreach` cannot be `True` together.');
      this._needDeviceDtypeCheckForFused = true;
      this._stepSupportsAmpScaling = true;
    }
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const state = this.stateOf(p);
        state.step = newStep(p, Boolean(group.fused), group.fused);
        state.sum = initialSum(p, num(a.initialAccumulatorValue));
      }
    }
  }

  /** Calls `shareMemory_()` on the state sum tensors. */
  shareMemory(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) (this.stateOf(p).sum as Tensor).shareMemory_();
    }
  }

  protected override _setstate(): void {
    super._setstate();
    let fused: boolean | null = null;
    for (const group of this.paramGroups) {
      setDefault(group, 'foreach', null);
      setDefault(group, 'maximize', false);
      setDefault(group, 'differentiable', false);
      setDefault(group, 'fused', null);
      fused = group.fused;
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s !== undefined && Object.keys(s).length !== 0 && !(s.step instanceof Tensor)) {
          s.step = group.fused ? makeTensor(Number(s.step), { dtype: _getScalarDtype(fused), device: p.device }) : makeTensor(Number(s.step), { dtype: _getScalarDtype() });
        }
      }
    }
    const values = [...this.state.values()];
    if (!(values.length !== 0 && values[0]!.step instanceof Tensor)) {
      for (const s of values) s.step = makeTensor(Number(s.step), { dtype: _getScalarDtype(fused) });
    }
  }

  private _initGroup(group: ParamGroup, params: Tensor[], grads: Tensor[], sums: Tensor[], steps: Tensor[]): [boolean, boolean] {
    let hasSparseGrad = false;
    let hasComplex = false;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      if (group.fused && this._needDeviceDtypeCheckForFused) {
        _deviceDtypeCheckForFused(p);
        this._needDeviceDtypeCheckForFused = false;
      }
      hasSparseGrad ||= isSparse(grad);
      hasComplex ||= p.dtype.isComplex;
      params.push(p);
      grads.push(grad);
      const state = this.stateOf(p);
      if (Object.keys(state).length === 0) {
        if (group.fused) _deviceDtypeCheckForFused(p);
        state.step = newStep(p, Boolean(group.fused), group.fused);
        state.sum = initialSum(p, num(this.defaults.initialAccumulatorValue));
      }
      sums.push(state.sum);
      steps.push(state.step);
    }
    return [hasSparseGrad, hasComplex];
  }

  override step(closure: StepClosure = null): any {
    return this.useGradForDifferentiable(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const params: Tensor[] = [];
        const grads: Tensor[] = [];
        const sums: Tensor[] = [];
        const steps: Tensor[] = [];
        const [hasSparseGrad, hasComplex] = this._initGroup(group, params, grads, sums, steps);
        adagrad(params, grads, sums, steps, {
          lr: group.lr, weightDecay: group.weightDecay, lrDecay: group.lrDecay, eps: group.eps, hasSparseGrad, foreach: group.foreach,
          maximize: group.maximize, differentiable: group.differentiable, hasComplex, fused: group.fused, gradScale: this.gradScale,
          foundInf: this.foundInf,
        });
      }
      return loss;
    });
  }
}

export interface AdagradFunctionalOptions {
  fused?: boolean | null;
  gradScale?: Tensor | null;
  foundInf?: Tensor | null;
  hasSparseGrad?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
  hasComplex?: boolean;
  lr: NumberOrTensor;
  weightDecay: number;
  lrDecay: number;
  eps: number;
  maximize: boolean;
}
type Resolved = Required<AdagradFunctionalOptions>;

/** Functional API that performs the Adagrad computation (torch.optim.adagrad.adagrad). */
export function adagrad(params: Tensor[], grads: Tensor[], stateSums: Tensor[], stateSteps: Tensor[], o: AdagradFunctionalOptions): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  let fused = o.fused ?? null;
  let foreach = o.foreach ?? null;
  const differentiable = o.differentiable ?? false;
  if (fused === null && foreach === null) foreach = _defaultToFusedOrForeach(params, differentiable, false)[1];
  fused ??= false;
  foreach ??= false;
  const r: Resolved = {
    ...o, fused, foreach, differentiable, gradScale: o.gradScale ?? null, foundInf: o.foundInf ?? null, hasSparseGrad: o.hasSparseGrad ?? false,
    hasComplex: o.hasComplex ?? false,
  };
  (fused ? fusedAdagrad : foreach ? multiTensorAdagrad : singleTensorAdagrad)(params, grads, stateSums, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], sums: Tensor[], steps: Tensor[], o: Resolved) => void;

const singleTensorAdagrad: Impl = (params, grads, sums, steps, o) => {
  if (o.gradScale !== null || o.foundInf !== null) throw new Error('Expected grad_scale and found_inf to be None');
  const lr = _toScalar(o.lr);
  params.forEach((p, i) => {
    let param = p;
    let stateSum = sums[i]!;
    const stepT = steps[i]!;
    stepT.add_(1);
    const step = num(stepT);
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    if (o.weightDecay !== 0) {
      if (isSparse(grad)) throw new Error('weight_decay option is not compatible with sparse gradients');
      grad = grad.add(param, { alpha: o.weightDecay });
    }
    const clr = sDiv(lr, 1 + (step - 1) * o.lrDecay);
    if (isSparse(grad)) {
      grad = grad.coalesce(); // the update is non-linear so indices must be unique
      const gradIndices = _indices(grad);
      const gradValues = _values(grad);
      stateSum.add_(_makeSparse(grad, gradIndices, gradValues.pow(2)));
      const std = stateSum.sparseMask(grad);
      const stdValues = _values(std).sqrt_().add_(o.eps);
      param.add_(_makeSparse(grad, gradIndices, gradValues.div(stdValues)), { alpha: -num(clr) });
    } else {
      if (param.dtype.isComplex) {
        grad = viewAsReal(grad);
        stateSum = viewAsReal(stateSum);
        param = viewAsReal(param);
      }
      stateSum.addcmul_(grad, grad, { value: 1 });
      const std = o.differentiable ? stateSum.sqrt().add(o.eps) : stateSum.sqrt().add_(o.eps);
      param.addcdiv_(grad, std, { value: -num(clr) });
    }
  });
};

const multiTensorAdagrad: Impl = (params, grads, sums, steps, o) => {
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.gradScale !== null || o.foundInf !== null) throw new Error('Expected grad_scale and found_inf to be None');
  if (params.length === 0) return;
  const lr = num(_toScalar(o.lr));
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, sums, steps])) {
    const [ps, gs, ss, st] = lists as Tensor[][];
    let g = gs!;
    if (o.hasSparseGrad && g.some(isSparse)) {
      singleTensorAdagrad(ps!, g, ss!, st!, { ...o, hasSparseGrad: true });
      continue;
    }
    if (o.hasComplex) _viewAsReal(ps!, g, ss!);
    if (o.maximize) g = fe.foreachNeg(g);
    incrementSteps(st!);
    if (o.weightDecay !== 0) {
      if (o.maximize) fe.foreachAdd_(g, ps!, o.weightDecay);
      else g = fe.foreachAdd(g, ps!, o.weightDecay);
    }
    const minusClr = st!.map((s) => -lr / (1 + (num(s) - 1) * o.lrDecay));
    fe.foreachAddcmul_(ss!, g, g, 1);
    const std = fe.foreachSqrt(ss!);
    fe.foreachAdd_(std, o.eps);
    let numerator: Tensor[];
    if (o.weightDecay !== 0 || o.maximize) {
      fe.foreachMul_(g, minusClr);
      numerator = g;
    } else {
      numerator = fe.foreachMul(g, minusClr);
    }
    fe.foreachAddcdiv_(ps!, numerator, std);
  }
};

const fusedAdagrad: Impl = (params, grads, sums, steps, o) => {
  if (params.length === 0) return;
  if (o.hasSparseGrad || o.hasComplex) throw new Error('`fused` does not support sparse grad or complex param');
  if (o.differentiable) throw new Error('adagrad with fused=True does not support differentiable=True');
  let lr = o.lr;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, sums, steps])) {
    const [ps, gs, ss, st] = lists as Tensor[][];
    const device = ps![0]!.device;
    const gradScale = o.gradScale === null ? null : o.gradScale.to(device, { nonBlocking: true });
    const foundInf = o.foundInf === null ? null : o.foundInf.to(device, { nonBlocking: true });
    if (lr instanceof Tensor && String(lr.device) !== 'cpu' && String(lr.device) !== String(device)) lr = lr.to({ device, nonBlocking: true });
    fe.foreachAdd_(st!, 1);
    fe.fused(lr instanceof Tensor ? 'adagrad_.tensor_lr' : 'adagrad_', [ps!, gs!, ss!, st!], [lr, o.lrDecay, o.weightDecay, o.eps, o.maximize, gradScale, foundInf]);
    if (foundInf !== null) fe.foreachSub_(st!, st!.map(() => foundInf));
  }
};
