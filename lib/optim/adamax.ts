// torch/optim/adamax.py: Adamax (Adam with the infinity norm).
import { amax, cat, maximum, zerosLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCapturable, checkCommon, incrementSteps, newStep, upgradeStep, setDefault, _defaultToFusedOrForeach, _getScalarDtype, _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num,
  sDiv, sPow, sSub, type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const ADAMAX_INIT = pySignature(
  'Adamax.__init__',
  'self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False, differentiable=False, capturable=False',
  { floatDefaults: true },
);

export interface AdamaxOptions {
  lr?: number | Tensor;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
}

export class Adamax extends Optimizer {
  constructor(params: ParamsT, options?: AdamaxOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = ADAMAX_INIT<Required<AdamaxOptions> & { params: ParamsT }>(args);
    checkCommon(a);
    super(a.params, {
      lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weightDecay, foreach: a.foreach, maximize: a.maximize,
      differentiable: a.differentiable, capturable: a.capturable,
    });
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) {
      setDefault(group, 'foreach', null);
      setDefault(group, 'maximize', false);
      setDefault(group, 'differentiable', false);
      setDefault(group, 'capturable', false);
      for (const p of group.params) upgradeStep(this.state.get(p), p, { ...group, fused: null });
    }
  }

  override step(closure: StepClosure = null): any {
    return this.useGradForDifferentiable(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const params: Tensor[] = [];
        const grads: Tensor[] = [];
        const expAvgs: Tensor[] = [];
        const expInfs: Tensor[] = [];
        const steps: Tensor[] = [];
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          params.push(p);
          if (isSparse(grad)) throw new Error('Adamax does not support sparse gradients');
          grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = newStep(p, group.capturable);
            state.expAvg = zerosLike(p, { memoryFormat: preserveFormat });
            state.expInf = zerosLike(p, { memoryFormat: preserveFormat });
          }
          expAvgs.push(state.expAvg);
          expInfs.push(state.expInf);
          steps.push(state.step);
        }
        const [beta1, beta2] = group.betas as number[];
        adamax(params, grads, expAvgs, expInfs, steps, {
          eps: group.eps, beta1: beta1!, beta2: beta2!, lr: group.lr, weightDecay: group.weightDecay, foreach: group.foreach,
          maximize: group.maximize, differentiable: group.differentiable, capturable: group.capturable, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface AdamaxFunctionalOptions {
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
  hasComplex?: boolean;
  eps: number;
  beta1: number;
  beta2: number;
  lr: NumberOrTensor;
  weightDecay: number;
}

/** Functional API that performs the Adamax computation (torch.optim.adamax.adamax). */
export function adamax(params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expInfs: Tensor[], stateSteps: Tensor[], o: AdamaxFunctionalOptions): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r = { ...o, foreach, maximize: o.maximize ?? false, differentiable, capturable: o.capturable ?? false, hasComplex: o.hasComplex ?? false };
  (foreach ? multiTensorAdamax : singleTensorAdamax)(params, grads, expAvgs, expInfs, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expInfs: Tensor[], steps: Tensor[], o: Required<AdamaxFunctionalOptions>) => void;

const singleTensorAdamax: Impl = (params, grads, expAvgs, expInfs, steps, o) => {
  const lr = _toScalar(o.lr);
  const { beta1, beta2, eps } = o;
  params.forEach((p, i) => {
    let param = p;
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let expAvg = expAvgs[i]!;
    let expInf = expInfs[i]!;
    const stepT = steps[i]!;
    if (o.capturable) checkCapturable([param], [stepT]);
    stepT.add_(1);
    if (o.weightDecay !== 0) grad = grad.add(param, { alpha: o.weightDecay });
    if (param.dtype.isComplex) {
      param = viewAsReal(param);
      grad = viewAsReal(grad);
      expAvg = viewAsReal(expAvg);
      expInf = viewAsReal(expInf);
    }
    expAvg.lerp_(grad, 1 - beta1);
    if (!o.differentiable) {
      maximum(expInf.mul_(beta2), grad.abs().add_(eps), { out: expInf });
    } else {
      const normBuf = cat([expInf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0);
      expInf.copy_(amax(normBuf, 0, false));
    }
    if (o.capturable) {
      const negBiasCorrection = (sSub(sPow(beta1, stepT), 1) as Tensor).div_(lr);
      param.addcdiv_(expAvg, expInf.mul(negBiasCorrection));
    } else {
      const biasCorrection = 1 - beta1 ** num(stepT);
      param.addcdiv_(expAvg, expInf, { value: -num(sDiv(lr, biasCorrection)) });
    }
  });
};

const multiTensorAdamax: Impl = (params, grads, expAvgs, expInfs, steps, o) => {
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (params.length === 0) return;
  if (o.capturable) checkCapturable(params, steps, false);
  const lr = _toScalar(o.lr);
  const { beta1, beta2, eps, weightDecay } = o;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, expAvgs, expInfs, steps])) {
    const [ps, gs, ea, ei, st] = lists as Tensor[][];
    let g = gs!;
    if (o.hasComplex) _viewAsReal(ps!, g, ea!, ei!);
    if (o.maximize) g = fe.foreachNeg(g);
    incrementSteps(st!);
    if (weightDecay !== 0) {
      if (o.maximize) fe.foreachAdd_(g, ps!, weightDecay);
      else g = fe.foreachAdd(g, ps!, weightDecay);
    }
    fe.foreachLerp_(ea!, g, 1 - beta1);
    fe.foreachMul_(ei!, beta2);
    if (!o.maximize && weightDecay === 0) g = fe.foreachAbs(g);
    else fe.foreachAbs_(g);
    fe.foreachAdd_(g, eps);
    fe.foreachMaximum_(ei!, g);
    if (o.capturable) {
      const bc = fe.foreachPow(beta1, st!);
      fe.foreachSub_(bc, 1);
      fe.foreachDiv_(bc, lr as number);
      const denom = fe.foreachMul(ei!, bc);
      fe.foreachAddcdiv_(ps!, ea!, denom);
    } else {
      const stepSize = st!.map((s) => (num(lr) / (1 - beta1 ** num(s))) * -1);
      fe.foreachAddcdiv_(ps!, ea!, ei!, stepSize);
    }
  }
};
