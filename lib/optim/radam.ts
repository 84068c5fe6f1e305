// torch/optim/radam.py: Rectified Adam.
import { where, zerosLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCapturable, incrementSteps, upgradeStep, checkCommon, newStep, setDefault, _defaultToFusedOrForeach, _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num, sDiv, sMul, sPow, sSub,
  type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const RADAM_INIT = pySignature(
  'RAdam.__init__',
  'self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False, differentiable=False',
  { floatDefaults: true },
);

export interface RAdamOptions {
  lr?: number | Tensor;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  capturable?: boolean;
  differentiable?: boolean;
}

export class RAdam extends Optimizer {
  constructor(params: ParamsT, options?: RAdamOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = RADAM_INIT<Required<RAdamOptions> & { params: ParamsT }>(args);
    checkCommon(a);
    super(a.params, {
      lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weightDecay, maximize: a.maximize, foreach: a.foreach, capturable: a.capturable,
      decoupledWeightDecay: a.decoupledWeightDecay, differentiable: a.differentiable,
    });
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) {
      setDefault(group, 'foreach', null);
      setDefault(group, 'maximize', false);
      setDefault(group, 'differentiable', false);
      setDefault(group, 'decoupledWeightDecay', false);
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
        const expAvgSqs: Tensor[] = [];
        const steps: Tensor[] = [];
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          params.push(p);
          if (isSparse(grad)) throw new Error('RAdam does not support sparse gradients');
          grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = newStep(p, group.capturable);
            state.expAvg = zerosLike(p, { memoryFormat: preserveFormat });
            state.expAvgSq = zerosLike(p, { memoryFormat: preserveFormat });
          }
          expAvgs.push(state.expAvg);
          expAvgSqs.push(state.expAvgSq);
          steps.push(state.step);
        }
        const [beta1, beta2] = group.betas as number[];
        radam(params, grads, expAvgs, expAvgSqs, steps, {
          beta1: beta1!, beta2: beta2!, lr: group.lr, weightDecay: group.weightDecay, eps: group.eps, maximize: group.maximize,
          foreach: group.foreach, capturable: group.capturable, differentiable: group.differentiable,
          decoupledWeightDecay: group.decoupledWeightDecay, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface RAdamFunctionalOptions {
  decoupledWeightDecay?: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  hasComplex?: boolean;
  maximize?: boolean;
  beta1: number;
  beta2: number;
  lr: NumberOrTensor;
  weightDecay: number;
  eps: number;
}

/** Functional API that performs the RAdam computation (torch.optim.radam.radam). */
export function radam(params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], stateSteps: Tensor[], o: RAdamFunctionalOptions): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r: Required<RAdamFunctionalOptions> = {
    ...o, decoupledWeightDecay: o.decoupledWeightDecay ?? false, foreach, capturable: o.capturable ?? false, differentiable,
    hasComplex: o.hasComplex ?? false, maximize: o.maximize ?? false,
  };
  (foreach ? multiTensorRadam : singleTensorRadam)(params, grads, expAvgs, expAvgSqs, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], steps: Tensor[], o: Required<RAdamFunctionalOptions>) => void;

const singleTensorRadam: Impl = (params, grads, expAvgs, expAvgSqs, steps, o) => {
  const lr = _toScalar(o.lr);
  const { beta1, beta2, eps, weightDecay } = o;
  params.forEach((p, i) => {
    let param = p;
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let expAvg = expAvgs[i]!;
    let expAvgSq = expAvgSqs[i]!;
    const stepT = steps[i]!;
    if (o.capturable) checkCapturable([param], [stepT]);
    if (param.dtype.isComplex) {
      param = viewAsReal(param);
      grad = viewAsReal(grad);
      expAvg = viewAsReal(expAvg);
      expAvgSq = viewAsReal(expAvgSq);
    }
    stepT.add_(1);
    const step: NumberOrTensor = o.capturable ? stepT : num(stepT);
    if (weightDecay !== 0) {
      if (o.decoupledWeightDecay) param.mul_(sSub(1, sMul(lr, weightDecay)) as number);
      else grad = grad.add(param, { alpha: weightDecay });
    }
    expAvg.lerp_(grad, 1 - beta1);
    expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const bc1 = sSub(1, sPow(beta1, step));
    const bc2 = sSub(1, sPow(beta2, step));
    const biasCorrectedExpAvg = expAvg.div(bc1 as number);
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = sSub(rhoInf, sDiv(sMul(sMul(2, step), sPow(beta2, step)), bc2));
    const rect = (): NumberOrTensor =>
      sPow(sDiv(sMul(sMul(sSub(rhoT, 4), sSub(rhoT, 2)), rhoInf), sMul((rhoInf - 4) * (rhoInf - 2), rhoT)), 0.5);
    const adaptiveLr = (): NumberOrTensor => {
      let sq = expAvgSq.sqrt();
      sq = o.differentiable ? sq.add(eps) : sq.add_(eps);
      return sDiv(sPow(bc2, 0.5), sq);
    };
    if (o.capturable) {
      const update = where((rhoT as Tensor).gt(5), sMul(rect(), adaptiveLr()) as Tensor, 1);
      param.add_(biasCorrectedExpAvg.mul(lr as number).mul(update), { alpha: -1 });
    } else if (num(rhoT) > 5) {
      param.add_((sMul(sMul(biasCorrectedExpAvg.mul(lr as number), adaptiveLr()), rect()) as Tensor), { alpha: -1 });
    } else {
      param.add_(biasCorrectedExpAvg.mul(lr as number), { alpha: -1 });
    }
  });
};

const multiTensorRadam: Impl = (params, grads, expAvgs, expAvgSqs, steps, o) => {
  if (params.length === 0) return;
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.capturable) checkCapturable(params, steps, false);
  const lr = _toScalar(o.lr);
  const { beta1, beta2, eps, weightDecay } = o;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, expAvgs, expAvgSqs, steps])) {
    const [ps, gs, ea, eas, st] = lists as Tensor[][];
    let g = gs!;
    incrementSteps(st!);
    if (o.hasComplex) _viewAsReal(ps!, g, ea!, eas!);
    if (o.maximize) g = fe.foreachNeg(g);
    let rhoInf = 2 / (1 - beta2) - 1;
    let rhoTList: Tensor[] | number[];
    if (o.capturable) {
      const bc1 = fe.foreachPow(beta2, st!);
      fe.foreachNeg_(bc1);
      fe.foreachAdd_(bc1, 1);
      const bc2 = fe.foreachPow(beta2, st!);
      fe.foreachMul_(bc2, st!);
      fe.foreachMul_(bc2, 2);
      fe.foreachDiv_(bc2, bc1);
      fe.foreachNeg_(bc2);
      fe.foreachAdd_(bc2, rhoInf);
      rhoTList = bc2;
    } else {
      rhoTList = st!.map((s) => rhoInf - (2 * num(s) * beta2 ** num(s)) / (1 - beta2 ** num(s)));
    }
    if (weightDecay !== 0) {
      if (o.decoupledWeightDecay) fe.foreachMul_(ps!, sSub(1, sMul(lr, weightDecay)));
      else if (o.maximize) fe.foreachAdd_(g, ps!, weightDecay);
      else g = fe.foreachAdd(g, ps!, weightDecay);
    }
    fe.foreachLerp_(ea!, g, 1 - beta1);
    fe.foreachMul_(eas!, beta2);
    fe.foreachAddcmul_(eas!, g, g, 1 - beta2);
    let unrectStepSize: Tensor[] | number[];
    let bc2: Tensor[] | number[];
    if (o.capturable) {
      const rhoT = rhoTList as Tensor[];
      const numer = fe.foreachSub(rhoT, 4);
      const sub2 = fe.foreachSub(rhoT, 2);
      fe.foreachMul_(numer, sub2);
      fe.foreachMul_(numer, rhoInf);
      rhoInf = (rhoInf - 4) * (rhoInf - 2);
      const denom = fe.foreachMul(rhoT, rhoInf);
      fe.foreachDiv_(numer, denom);
      fe.foreachSqrt_(numer);
      const rect = numer.map((n, i) => where(rhoT[i]!.gt(5), n, 0));
      const unrect = rect.map((r) => where(r.gt(0), 0, 1));
      fe.foreachMul_(unrect, lr);
      const b1 = fe.foreachPow(beta1, st!);
      fe.foreachNeg_(b1);
      fe.foreachAdd_(b1, 1);
      fe.foreachDiv_(unrect, b1);
      fe.foreachNeg_(unrect);
      const b2 = fe.foreachPow(beta2, st!);
      fe.foreachNeg_(b2);
      fe.foreachAdd_(b2, 1);
      fe.foreachSqrt_(b2);
      fe.foreachMul_(b2, lr);
      fe.foreachMul_(b2, rect);
      fe.foreachNeg_(b2);
      fe.foreachDiv_(b2, b1);
      [unrectStepSize, bc2] = [unrect, b2];
    } else {
      const lrv = num(lr);
      const rect = (rhoTList as number[]).map((r) => (r > 5 ? (((r - 4) * (r - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * r)) ** 0.5 : 0));
      const unrectified = rect.map((r) => (r > 0 ? 0 : 1));
      const bc1 = st!.map((s) => 1 - beta1 ** num(s));
      unrectStepSize = unrectified.map((r, i) => ((lrv * r) / bc1[i]!) * -1);
      bc2 = st!.map((s, i) => (1 - beta2 ** num(s)) ** 0.5 * ((lrv * rect[i]!) / bc1[i]!) * -1);
    }
    const buffer = fe.foreachSqrt(eas!);
    fe.foreachAdd_(buffer, eps);
    fe.foreachDiv_(buffer, bc2);
    fe.foreachReciprocal_(buffer);
    fe.foreachAdd_(buffer, unrectStepSize);
    fe.foreachAddcmul_(ps!, ea!, buffer);
  }
};
