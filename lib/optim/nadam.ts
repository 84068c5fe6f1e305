// torch/optim/nadam.py: Adam with Nesterov momentum (NAdam).
import { tensor as makeTensor } from '../creation';
import { ones, zerosLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { PyFloat } from '../scalar';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, incrementSteps, upgradeStep, checkCommon, newStep, setDefault, _defaultToFusedOrForeach, _getScalarDtype, _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num,
  pyFormat, sAdd, sDiv, sMul, sNeg, sPow, sSub, type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const NADAM_INIT = pySignature(
  'NAdam.__init__',
  'self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False, differentiable=False',
  { floatDefaults: true },
);

export interface NAdamOptions {
  lr?: number | Tensor;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  momentumDecay?: number;
  decoupledWeightDecay?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  capturable?: boolean;
  differentiable?: boolean;
}

export class NAdam extends Optimizer {
  constructor(params: ParamsT, options?: NAdamOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = NADAM_INIT<Required<NAdamOptions> & { params: ParamsT }>(args);
    checkCommon(a);
    if (!(0 <= num(a.momentumDecay))) throw new RangeError(`Invalid momentum_decay value: ${pyFormat(a.momentumDecay)}`);
    super(a.params, {
      lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weightDecay, momentumDecay: a.momentumDecay, decoupledWeightDecay: a.decoupledWeightDecay,
      maximize: a.maximize, foreach: a.foreach, capturable: a.capturable, differentiable: a.differentiable,
    });
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) {
      setDefault(group, 'maximize', false);
      setDefault(group, 'foreach', null);
      setDefault(group, 'capturable', false);
      setDefault(group, 'differentiable', false);
      setDefault(group, 'decoupledWeightDecay', false);
      for (const p of group.params) {
        const s = this.state.get(p);
        upgradeStep(s, p, { ...group, fused: null });
        if (s !== undefined && Object.keys(s).length !== 0 && !(s.muProduct instanceof Tensor)) {
          s.muProduct = makeTensor(s.muProduct, group.capturable ? { dtype: _getScalarDtype(), device: p.device } : { dtype: _getScalarDtype() });
        }
      }
    }
  }

  override step(closure: StepClosure = null): any {
    return this.useGradForDifferentiable(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const l = { params: [] as Tensor[], grads: [] as Tensor[], expAvgs: [] as Tensor[], expAvgSqs: [] as Tensor[], muProducts: [] as Tensor[], steps: [] as Tensor[] };
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          l.params.push(p);
          if (isSparse(grad)) throw new Error('NAdam does not support sparse gradients');
          l.grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = newStep(p, group.capturable);
            state.muProduct = group.capturable ? ones([], { dtype: _getScalarDtype(), device: p.device }) : makeTensor(new PyFloat(1), { dtype: _getScalarDtype() });
            state.expAvg = zerosLike(p, { memoryFormat: preserveFormat });
            state.expAvgSq = zerosLike(p, { memoryFormat: preserveFormat });
          }
          l.expAvgs.push(state.expAvg);
          l.expAvgSqs.push(state.expAvgSq);
          l.muProducts.push(state.muProduct);
          l.steps.push(state.step);
        }
        const [beta1, beta2] = group.betas as number[];
        nadam(l.params, l.grads, l.expAvgs, l.expAvgSqs, l.muProducts, l.steps, {
          beta1: beta1!, beta2: beta2!, lr: group.lr, weightDecay: group.weightDecay, momentumDecay: group.momentumDecay, eps: group.eps,
          maximize: group.maximize, decoupledWeightDecay: group.decoupledWeightDecay, foreach: group.foreach, capturable: group.capturable,
          differentiable: group.differentiable, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface NAdamFunctionalOptions {
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
  momentumDecay: number;
  eps: number;
}

/** Functional API that performs the NAdam computation (torch.optim.nadam.nadam). */
export function nadam(
  params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], muProducts: Tensor[], stateSteps: Tensor[], o: NAdamFunctionalOptions,
): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  if (!muProducts.every((t) => t instanceof Tensor)) throw new Error('API has changed, `mu_products` argument must contain a list of singleton tensors');
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r: Required<NAdamFunctionalOptions> = {
    ...o, decoupledWeightDecay: o.decoupledWeightDecay ?? false, foreach, capturable: o.capturable ?? false, differentiable,
    hasComplex: o.hasComplex ?? false, maximize: o.maximize ?? false,
  };
  (foreach ? multiTensorNadam : singleTensorNadam)(params, grads, expAvgs, expAvgSqs, muProducts, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], muProducts: Tensor[], steps: Tensor[], o: Required<NAdamFunctionalOptions>) => void;

const singleTensorNadam: Impl = (params, grads, expAvgs, expAvgSqs, muProducts, steps, o) => {
  const lr = _toScalar(o.lr);
  const { beta1, beta2, eps, momentumDecay, weightDecay } = o;
  params.forEach((p, i) => {
    let param = p;
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let expAvg = expAvgs[i]!;
    let expAvgSq = expAvgSqs[i]!;
    const muProduct = muProducts[i]!;
    const stepT = steps[i]!;
    if (param.dtype.isComplex) {
      param = viewAsReal(param);
      grad = viewAsReal(grad);
      expAvg = viewAsReal(expAvg);
      expAvgSq = viewAsReal(expAvgSq);
    }
    if (o.capturable) {
      const devices = ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'];
      if (!(param.device.type === muProduct.device.type && muProduct.device.type === stepT.device.type && devices.includes(param.device.type))) {
        throw new Error(`If capturable=True, params, mu_products and state_steps must be on supported devices: [${devices.map((d) => `'${d}'`).join(', ')}].`);
      }
    }
    stepT.add_(1);
    const step: NumberOrTensor = o.capturable ? stepT : num(stepT);
    const bc2 = sSub(1, sPow(beta2, step));
    if (weightDecay !== 0) {
      if (o.decoupledWeightDecay) param.mul_(sSub(1, sMul(lr, weightDecay)) as number);
      else grad = grad.add(param, { alpha: weightDecay });
    }
    const mu = sMul(beta1, sSub(1, sMul(0.5, sPow(0.96, sMul(step, momentumDecay)))));
    const muNext = sMul(beta1, sSub(1, sMul(0.5, sPow(0.96, sMul(sAdd(step, 1), momentumDecay)))));
    muProduct.mul_(mu as number);
    expAvg.lerp_(grad, 1 - beta1);
    expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    let denom = expAvgSq.div(bc2 as number).sqrt();
    if (o.differentiable || o.capturable) {
      denom = denom.add(eps);
      const muProductNext = muProduct.mul(muNext as number);
      grad = grad.mul(sDiv(sMul(sNeg(lr), sSub(1, mu)), sSub(1, muProduct)) as number);
      expAvg = expAvg.mul(sDiv(sMul(sNeg(lr), muNext), sSub(1, muProductNext)) as number);
      param.addcdiv_(grad, denom);
      param.addcdiv_(expAvg, denom);
    } else {
      const muProductNext = num(muProduct) * num(muNext);
      denom.add_(eps);
      param.addcdiv_(grad, denom, { value: num(sDiv(sMul(sNeg(lr), 1 - num(mu)), 1 - num(muProduct))) });
      param.addcdiv_(expAvg, denom, { value: num(sDiv(sMul(sNeg(lr), muNext), 1 - muProductNext)) });
    }
  });
};

const multiTensorNadam: Impl = (params, grads, expAvgs, expAvgSqs, muProducts, steps, o) => {
  if (params.length === 0) return;
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.capturable) {
    const devices = ['cuda', 'xpu', 'hpu', 'privateuseone'];
    params.forEach((p, i) => {
      if (!(p.device.type === muProducts[i]!.device.type && p.device.type === steps[i]!.device.type && devices.includes(p.device.type))) {
        throw new Error(`If capturable=True, params, mu_products, and state_steps must be on supported devices: [${devices.map((d) => `'${d}'`).join(', ')}].`);
      }
    });
  }
  const lr = _toScalar(o.lr);
  const { beta1, beta2, eps, momentumDecay, weightDecay } = o;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, expAvgs, expAvgSqs, muProducts, steps])) {
    const [ps, gs, ea, eas, mp, st] = lists as Tensor[][];
    let g = gs!;
    if (o.hasComplex) _viewAsReal(ps!, g, ea!, eas!);
    if (o.maximize) g = fe.foreachNeg(g);
    incrementSteps(st!);
    if (weightDecay !== 0) {
      if (o.decoupledWeightDecay) fe.foreachMul_(ps!, sSub(1, sMul(lr, weightDecay)));
      else if (o.maximize) fe.foreachAdd_(g, ps!, weightDecay);
      else g = fe.foreachAdd(g, ps!, weightDecay);
    }
    fe.foreachLerp_(ea!, g, 1 - beta1);
    fe.foreachMul_(eas!, beta2);
    fe.foreachAddcmul_(eas!, g, g, 1 - beta2);
    const sqrt = fe.foreachSqrt(eas!);
    let bcSqrt: Tensor[] | number[];
    let mus: Tensor[] | number[];
    let muNexts: Tensor[] | number[];
    if (o.capturable) {
      const exponent = fe.foreachMul(st!, momentumDecay);
      const m = fe.foreachPow(0.96, exponent);
      fe.foreachMul_(m, -0.5);
      fe.foreachAdd_(m, 1);
      fe.foreachMul_(m, beta1);
      fe.foreachAdd_(exponent, momentumDecay);
      const mn = fe.foreachPow(0.96, exponent);
      fe.foreachMul_(mn, -0.5);
      fe.foreachAdd_(mn, 1);
      fe.foreachMul_(mn, beta1);
      const bc = fe.foreachPow(beta2, st!);
      fe.foreachSub_(bc, 1);
      fe.foreachNeg_(bc);
      fe.foreachSqrt_(bc);
      [bcSqrt, mus, muNexts] = [bc, m, mn];
    } else {
      bcSqrt = st!.map((s) => (1 - beta2 ** num(s)) ** 0.5);
      mus = st!.map((s) => beta1 * (1 - 0.5 * 0.96 ** (num(s) * momentumDecay)));
      muNexts = st!.map((s) => beta1 * (1 - 0.5 * 0.96 ** ((num(s) + 1) * momentumDecay)));
    }
    fe.foreachMul_(mp!, mus);
    fe.foreachDiv_(sqrt, bcSqrt);
    fe.foreachAdd_(sqrt, eps);
    if (o.capturable) {
      const m = mus as Tensor[];
      const mn = muNexts as Tensor[];
      fe.foreachSub_(m, 1);
      fe.foreachMul_(m, lr);
      let denom = fe.foreachSub(mp!, 1);
      fe.foreachNeg_(denom);
      fe.foreachDiv_(m, denom);
      denom = fe.foreachMul(mp!, mn);
      fe.foreachMul_(mn, lr);
      fe.foreachSub_(denom, 1);
      fe.foreachDiv_(mn, denom);
      const numerator = fe.foreachMul(m, g);
      fe.foreachAddcmul_(numerator, mn, ea!);
      fe.foreachAddcdiv_(ps!, numerator, sqrt);
    } else {
      const lrv = num(lr);
      const stepSizeGrads = mp!.map((x, i) => ((lrv * (1 - (mus[i] as number))) / (1 - num(x))) * -1);
      const stepSizeExpAvg = mp!.map((x, i) => ((lrv * (muNexts[i] as number)) / (1 - num(x) * (muNexts[i] as number))) * -1);
      fe.foreachAddcdiv_(ps!, g, sqrt, stepSizeGrads);
      fe.foreachAddcdiv_(ps!, ea!, sqrt, stepSizeExpAvg);
    }
  }
};
