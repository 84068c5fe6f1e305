// torch/optim/adam.py: Adam (and, with decoupledWeightDecay, AdamW's update).
import { maximum, zerosLike, viewAsComplex, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { PyFloat } from '../scalar';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCapturable, checkCommon, incrementSteps, newStep, setDefault, upgradeStep, _defaultToFusedOrForeach, _deviceDtypeCheckForFused, _getCapturableSupportedDevices, _getScalarDtype,
  _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num, sDiv, sMul, sPow, sSub,
  type StepClosure, type NumberOrTensor, type ParamGroup, type ParamsT,
} from './optimizer';

const ADAM_INIT = pySignature(
  'Adam.__init__',
  'self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None, maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False',
  { floatDefaults: true },
);

export interface AdamOptions {
  lr?: number | Tensor;
  betas?: readonly [number | Tensor, number | Tensor];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
  decoupledWeightDecay?: boolean;
}

/** Python's isinstance(x, float) for a JS value. */
const isPyFloat = (x: unknown): boolean => x instanceof PyFloat || (typeof x === 'number' && !Number.isSafeInteger(x));

export class Adam extends Optimizer {
  constructor(params: ParamsT, options?: AdamOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = ADAM_INIT<Required<AdamOptions> & { params: ParamsT }>(args);
    const { lr, eps, weightDecay, capturable, foreach } = a;
    if (lr instanceof Tensor) {
      if (foreach && !capturable) throw new RangeError('lr as a Tensor is not supported for capturable=False and foreach=True');
      if (lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    }
    const betas = [...a.betas] as NumberOrTensor[];
    checkCommon({ lr, eps, betas, weightDecay });
    if (!((isPyFloat(betas[0]) && isPyFloat(betas[1])) || (betas[0] instanceof Tensor && betas[1] instanceof Tensor))) {
      throw new RangeError('betas must be either both floats or both Tensors');
    }
    for (const i of [0, 1]) {
      const b = betas[i];
      if (b instanceof Tensor) {
        if (!capturable && foreach) throw new RangeError(`betas[${i}] as a Tensor is not supported for capturable=False and foreach=True`);
        if (b.numel() !== 1) throw new RangeError(`Tensor betas[${i}] must be 1-element`);
      }
    }
    const defaults = {
      lr, betas: betas.map(_toScalar), eps, weightDecay, amsgrad: a.amsgrad, maximize: a.maximize, foreach, capturable,
      differentiable: a.differentiable, fused: a.fused, decoupledWeightDecay: a.decoupledWeightDecay,
    };
    super(a.params, defaults);
    if (a.fused) {
      if (a.differentiable) throw new Error('`fused` does not support `differentiable`');
      this._stepSupportsAmpScaling = true;
      if (foreach) throw new Error('`fused` and `foreach` cannot be `True` together.');
    }
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) {
      setDefault(group, 'amsgrad', false);
      setDefault(group, 'maximize', false);
      setDefault(group, 'foreach', null);
      setDefault(group, 'capturable', false);
      setDefault(group, 'differentiable', false);
      setDefault(group, 'decoupledWeightDecay', false);
      setDefault(group, 'fused', null);
      for (const p of group.params) upgradeStep(this.state.get(p), p, group);
    }
  }

  private _initGroup(group: ParamGroup, l: AdamLists): boolean {
    let hasComplex = false;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      hasComplex ||= p.dtype.isComplex;
      l.params.push(p);
      if (isSparse(grad)) throw new Error('Adam does not support sparse gradients, please consider SparseAdam instead');
      l.grads.push(grad);
      const state = this.stateOf(p);
      if (Object.keys(state).length === 0) {
        if (group.fused) _deviceDtypeCheckForFused(p);
        state.step = newStep(p, group.capturable || group.fused, group.fused);
        state.expAvg = zerosLike(p, { memoryFormat: preserveFormat });
        state.expAvgSq = zerosLike(p, { memoryFormat: preserveFormat });
        if (group.amsgrad) state.maxExpAvgSq = zerosLike(p, { memoryFormat: preserveFormat });
      }
      l.expAvgs.push(state.expAvg);
      l.expAvgSqs.push(state.expAvgSq);
      if (group.amsgrad) l.maxExpAvgSqs.push(state.maxExpAvgSq);
      if (group.differentiable && (state.step as Tensor).requiresGrad) throw new Error('`requires_grad` is not supported for `step` in differentiable mode');
      if (group.foreach && group.lr instanceof Tensor && !group.capturable) throw new Error('lr as a Tensor is not supported for capturable=False and foreach=True');
      l.stateSteps.push(state.step);
    }
    return hasComplex;
  }

  override step(closure: StepClosure = null): any {
    return this.useGradForDifferentiable(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const l: AdamLists = { params: [], grads: [], expAvgs: [], expAvgSqs: [], maxExpAvgSqs: [], stateSteps: [] };
        const [beta1, beta2] = group.betas as NumberOrTensor[];
        const hasComplex = this._initGroup(group, l);
        adam(l.params, l.grads, l.expAvgs, l.expAvgSqs, l.maxExpAvgSqs, l.stateSteps, {
          amsgrad: group.amsgrad, hasComplex, beta1: beta1!, beta2: beta2!, lr: group.lr, weightDecay: group.weightDecay, eps: group.eps,
          maximize: group.maximize, foreach: group.foreach, capturable: group.capturable, differentiable: group.differentiable,
          fused: group.fused, gradScale: this.gradScale, foundInf: this.foundInf, decoupledWeightDecay: group.decoupledWeightDecay,
        });
      }
      return loss;
    });
  }
}

interface AdamLists {
  params: Tensor[];
  grads: Tensor[];
  expAvgs: Tensor[];
  expAvgSqs: Tensor[];
  maxExpAvgSqs: Tensor[];
  stateSteps: Tensor[];
}

export interface AdamFunctionalOptions {
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
  gradScale?: Tensor | null;
  foundInf?: Tensor | null;
  hasComplex?: boolean;
  decoupledWeightDecay?: boolean;
  amsgrad: boolean;
  beta1: NumberOrTensor;
  beta2: NumberOrTensor;
  lr: NumberOrTensor;
  weightDecay: number;
  eps: number;
  maximize: boolean;
}
type Resolved = Required<AdamFunctionalOptions>;

/** Functional API that performs the Adam computation (torch.optim.adam.adam). */
export function adam(
  params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], maxExpAvgSqs: Tensor[], stateSteps: Tensor[], o: AdamFunctionalOptions,
): void {
  let foreach = o.foreach ?? null;
  let fused = o.fused ?? null;
  const capturable = o.capturable ?? false;
  const differentiable = o.differentiable ?? false;
  if (fused === null && foreach === null) {
    foreach = _defaultToFusedOrForeach(params, differentiable, false)[1];
    if (foreach && o.lr instanceof Tensor && !capturable) foreach = false;
  }
  fused ??= false;
  foreach ??= false;
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  const fn = fused ? fusedAdam : foreach ? multiTensorAdam : singleTensorAdam;
  fn(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, {
    ...o, foreach, fused, capturable, differentiable, gradScale: o.gradScale ?? null, foundInf: o.foundInf ?? null,
    hasComplex: o.hasComplex ?? false, decoupledWeightDecay: o.decoupledWeightDecay ?? false,
  });
}

type Impl = (params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], maxExpAvgSqs: Tensor[], stateSteps: Tensor[], o: Resolved) => void;

const singleTensorAdam: Impl = (params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, o) => {
  if (o.gradScale !== null || o.foundInf !== null) throw new Error('Expected grad_scale and found_inf to be None');
  const lr = _toScalar(o.lr);
  const beta1 = _toScalar(o.beta1);
  const beta2 = _toScalar(o.beta2);
  const { weightDecay, eps, amsgrad, capturable, differentiable } = o;
  const beta1ByKey = new Map<string, Tensor>();
  if (beta1 instanceof Tensor) beta1ByKey.set(`${beta1.device}|${beta1.dtype.name}`, beta1);
  params.forEach((p, i) => {
    let param = p;
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let expAvg = expAvgs[i]!;
    let expAvgSq = expAvgSqs[i]!;
    const stepT = stateSteps[i]!;
    if (capturable) checkCapturable([param], [stepT]);
    stepT.add_(1);
    if (weightDecay !== 0) {
      if (o.decoupledWeightDecay) param.mul_(sSub(1, sMul(lr, weightDecay)));
      else grad = grad.add(param, { alpha: weightDecay });
    }
    if (param.dtype.isComplex) {
      grad = viewAsReal(grad);
      expAvg = viewAsReal(expAvg);
      expAvgSq = viewAsReal(expAvgSq);
      if (amsgrad) maxExpAvgSqs[i] = viewAsReal(maxExpAvgSqs[i]!);
      param = viewAsReal(param);
    }
    let deviceBeta1: NumberOrTensor = beta1;
    if (beta1 instanceof Tensor) {
      const key = `${param.device}|${param.dtype.name}`;
      if (!beta1ByKey.has(key)) beta1ByKey.set(key, beta1.to({ device: param.device, dtype: param.dtype, nonBlocking: true }));
      deviceBeta1 = beta1ByKey.get(key)!;
    }
    expAvg.lerp_(grad, sSub(1, deviceBeta1) as number);
    if (differentiable && beta2 instanceof Tensor && beta2.requiresGrad) expAvgSq.lerp_(grad.square(), sSub(1, beta2) as number);
    else expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: num(sSub(1, beta2)) });
    if (capturable || differentiable) {
      const step = stepT;
      const bc1 = sSub(1, sPow(beta1, differentiable && beta1 instanceof Tensor && beta1.requiresGrad ? step.clone() : step)) as Tensor;
      const bc2 = sSub(1, sPow(beta2, differentiable && beta2 instanceof Tensor && beta2.requiresGrad ? step.clone() : step)) as Tensor;
      const stepSize = sDiv(lr, bc1) as Tensor;
      const stepSizeNeg = stepSize.neg();
      const bc2Sqrt = bc2.sqrt();
      let denom: Tensor;
      if (amsgrad) {
        const maxSq = differentiable ? maxExpAvgSqs[i]!.clone() : maxExpAvgSqs[i]!;
        maxExpAvgSqs[i]!.copy_(maximum(maxSq, expAvgSq));
        denom = maxExpAvgSqs[i]!.sqrt().div(bc2Sqrt.mul(stepSizeNeg)).add_(sDiv(eps, stepSizeNeg));
      } else {
        denom = expAvgSq.sqrt().div(bc2Sqrt.mul(stepSizeNeg)).add_(sDiv(eps, stepSizeNeg));
      }
      param.addcdiv_(differentiable ? expAvg.clone() : expAvg, denom);
    } else {
      const step = num(stepT);
      const bc1 = sSub(1, sPow(beta1, step));
      const bc2 = sSub(1, sPow(beta2, step));
      const stepSize = sDiv(lr, bc1);
      const bc2Sqrt = sPow(bc2, 0.5);
      let denom: Tensor;
      if (amsgrad) {
        maximum(maxExpAvgSqs[i]!, expAvgSq, { out: maxExpAvgSqs[i]! });
        denom = maxExpAvgSqs[i]!.sqrt().div(bc2Sqrt).add_(eps);
      } else {
        denom = expAvgSq.sqrt().div(bc2Sqrt).add_(eps);
      }
      param.addcdiv_(expAvg, denom, { value: -num(stepSize) });
    }
    if (amsgrad && params[i]!.dtype.isComplex) maxExpAvgSqs[i] = viewAsComplex(maxExpAvgSqs[i]!);
  });
};

const multiTensorAdam: Impl = (params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, o) => {
  if (params.length === 0) return;
  const { capturable, amsgrad, weightDecay, eps } = o;
  if (o.lr instanceof Tensor) {
    if (!capturable) throw new Error('lr as a Tensor is not supported for capturable=False and foreach=True');
    if (o.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
  }
  for (const [name, b] of [['beta1', o.beta1], ['beta2', o.beta2]] as const) {
    if (b instanceof Tensor) {
      if (!capturable) throw new RangeError(`${name} as a Tensor is not supported for capturable=False and foreach=True`);
      if (b.numel() !== 1) throw new RangeError(`Tensor ${name} must be 1-element`);
    }
  }
  if (capturable) checkCapturable(params, stateSteps, false);
  if (o.gradScale !== null || o.foundInf !== null) throw new Error('Expected grad_scale and found_inf to be None');
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  const lr = _toScalar(o.lr);
  const beta1 = _toScalar(o.beta1);
  const beta2 = _toScalar(o.beta2);
  const beta1ByDevice = beta1 instanceof Tensor && String(beta1.device) !== 'cpu' ? new Map([[String(beta1.device), beta1]]) : null;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps])) {
    const [deviceParams, g, deviceExpAvgs, deviceExpAvgSqs, deviceMaxExpAvgSqs, deviceStateSteps] = lists as Tensor[][];
    let deviceGrads = g!;
    const device = String(deviceParams![0]!.device);
    if (beta1ByDevice !== null && !beta1ByDevice.has(device)) beta1ByDevice.set(device, (beta1 as Tensor).to({ device, nonBlocking: true }));
    const deviceBeta1 = beta1ByDevice !== null ? beta1ByDevice.get(device)! : beta1;
    if (o.hasComplex) {
      if (amsgrad) _viewAsReal(deviceParams!, deviceGrads, deviceExpAvgs!, deviceExpAvgSqs!, deviceMaxExpAvgSqs!);
      else _viewAsReal(deviceParams!, deviceGrads, deviceExpAvgs!, deviceExpAvgSqs!);
    }
    if (o.maximize) deviceGrads = fe.foreachNeg(deviceGrads);
    incrementSteps(deviceStateSteps!);
    if (weightDecay !== 0) {
      if (o.decoupledWeightDecay) fe.foreachMul_(deviceParams!, sSub(1, sMul(lr, weightDecay)));
      else if (o.maximize) fe.foreachAdd_(deviceGrads, deviceParams!, weightDecay);
      else deviceGrads = fe.foreachAdd(deviceGrads, deviceParams!, weightDecay);
    }
    fe.foreachLerp_(deviceExpAvgs!, deviceGrads, num(sSub(1, deviceBeta1)));
    fe.foreachMul_(deviceExpAvgSqs!, beta2);
    let scaled = deviceGrads;
    let value = 1 - num(beta2);
    if (beta2 instanceof Tensor) {
      scaled = fe.foreachMul(deviceGrads, sSub(1, beta2) as Tensor);
      value = 1;
    }
    fe.foreachAddcmul_(deviceExpAvgSqs!, scaled, deviceGrads, value);
    if (capturable) {
      const bc1 = fe.foreachPow(num(beta1), deviceStateSteps!);
      const bc2 = fe.foreachPow(num(beta2), deviceStateSteps!);
      fe.foreachSub_(bc1, 1);
      fe.foreachSub_(bc2, 1);
      fe.foreachNeg_(bc2);
      fe.foreachDiv_(bc1, lr as never);
      fe.foreachReciprocal_(bc1);
      fe.foreachSqrt_(bc2);
      let sq: Tensor[];
      if (amsgrad) {
        fe.foreachMaximum_(deviceMaxExpAvgSqs!, deviceExpAvgSqs!);
        sq = fe.foreachSqrt(deviceMaxExpAvgSqs!);
      } else {
        sq = fe.foreachSqrt(deviceExpAvgSqs!);
      }
      fe.foreachDiv_(sq, bc2);
      fe.foreachAdd_(sq, eps);
      fe.foreachDiv_(sq, bc1);
      fe.foreachAddcdiv_(deviceParams!, deviceExpAvgs!, sq);
    } else {
      const b1 = num(beta1);
      const b2 = num(beta2);
      const stepSize = deviceStateSteps!.map((s) => (num(lr) / (1 - b1 ** num(s))) * -1);
      const bc2Sqrt = deviceStateSteps!.map((s) => (1 - b2 ** num(s)) ** 0.5);
      let sq: Tensor[];
      if (amsgrad) {
        fe.foreachMaximum_(deviceMaxExpAvgSqs!, deviceExpAvgSqs!);
        sq = fe.foreachSqrt(deviceMaxExpAvgSqs!);
      } else {
        sq = fe.foreachSqrt(deviceExpAvgSqs!);
      }
      fe.foreachDiv_(sq, bc2Sqrt);
      fe.foreachAdd_(sq, eps);
      fe.foreachAddcdiv_(deviceParams!, deviceExpAvgs!, sq, stepSize);
    }
  }
};

const fusedAdam: Impl = (params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, o) => {
  if (params.length === 0) return;
  if (o.differentiable) throw new Error('Adam with fused=True does not support differentiable=True');
  const beta1 = num(_toScalar(o.beta1));
  const beta2 = num(_toScalar(o.beta2));
  let lr = o.lr;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps])) {
    const [ps, gs, ea, eas, meas, steps] = lists as Tensor[][];
    const device = ps![0]!.device;
    const gradScale = o.gradScale === null ? null : o.gradScale.to(device, { nonBlocking: true });
    const foundInf = o.foundInf === null ? null : o.foundInf.to(device, { nonBlocking: true });
    if (lr instanceof Tensor && String(lr.device) !== 'cpu' && String(lr.device) !== String(device)) lr = lr.to({ device, nonBlocking: true });
    fe.foreachAdd_(steps!, 1);
    const name = o.decoupledWeightDecay ? 'adamw_' : 'adam_';
    fe.fused(lr instanceof Tensor ? `${name}.tensor_lr` : name, [ps!, gs!, ea!, eas!, meas!, steps!], [
      lr, beta1, beta2, o.weightDecay, o.eps, o.amsgrad, o.maximize, gradScale, foundInf,
    ]);
    if (foundInf !== null) fe.foreachSub_(steps!, steps!.map(() => foundInf));
  }
};
