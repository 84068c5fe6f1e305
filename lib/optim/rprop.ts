// torch/optim/rprop.py: resilient backpropagation.
import { Complex } from '../complex';
import { fullLike, where, zeros, zerosLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCapturable, incrementSteps, upgradeStep, setDefault, _defaultToFusedOrForeach, _getScalarDtype, _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num, pyFormat,
  type StepClosure, type ParamsT,
} from './optimizer';

const RPROP_INIT = pySignature(
  'Rprop.__init__',
  'self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None, maximize=False, differentiable=False',
  { floatDefaults: true },
);

export interface RpropOptions {
  lr?: number | Tensor;
  etas?: readonly [number, number];
  stepSizes?: readonly [number, number];
  capturable?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

export class Rprop extends Optimizer {
  constructor(params: ParamsT, options?: RpropOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = RPROP_INIT<Required<RpropOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    const [e0, e1] = a.etas.map(num) as [number, number];
    if (!(0 < e0 && e0 < 1 && 1 < e1)) throw new RangeError(`Invalid eta values: ${pyFormat(a.etas[0])}, ${pyFormat(a.etas[1])}`);
    super(a.params, {
      lr: a.lr, etas: a.etas, stepSizes: a.stepSizes, foreach: a.foreach, maximize: a.maximize, differentiable: a.differentiable,
      capturable: a.capturable,
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
        const prevs: Tensor[] = [];
        const stepSizes: Tensor[] = [];
        const steps: Tensor[] = [];
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          params.push(p);
          if (isSparse(grad)) throw new Error('Rprop does not support sparse gradients');
          grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = group.capturable ? zeros([], { dtype: _getScalarDtype(), device: p.device }) : zeros([], { dtype: _getScalarDtype() });
            state.prev = zerosLike(p, { memoryFormat: preserveFormat });
            const lr = num(_toScalar(group.lr));
            state.stepSize = fullLike(grad, (p.dtype.isComplex ? new Complex(lr, lr) : lr) as number);
          }
          prevs.push(state.prev);
          stepSizes.push(state.stepSize);
          steps.push(state.step);
        }
        const [etaminus, etaplus] = group.etas as number[];
        const [stepSizeMin, stepSizeMax] = group.stepSizes as number[];
        rprop(params, grads, prevs, stepSizes, steps, {
          stepSizeMin: stepSizeMin!, stepSizeMax: stepSizeMax!, etaminus: etaminus!, etaplus: etaplus!, foreach: group.foreach,
          maximize: group.maximize, differentiable: group.differentiable, capturable: group.capturable, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface RpropFunctionalOptions {
  foreach?: boolean | null;
  capturable?: boolean;
  maximize?: boolean;
  differentiable?: boolean;
  hasComplex?: boolean;
  stepSizeMin: number;
  stepSizeMax: number;
  etaminus: number;
  etaplus: number;
}

/** Functional API that performs the Rprop computation (torch.optim.rprop.rprop). */
export function rprop(params: Tensor[], grads: Tensor[], prevs: Tensor[], stepSizes: Tensor[], stateSteps: Tensor[], o: RpropFunctionalOptions): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r: Required<RpropFunctionalOptions> = { ...o, foreach, differentiable, capturable: o.capturable ?? false, maximize: o.maximize ?? false, hasComplex: o.hasComplex ?? false };
  (foreach ? multiTensorRprop : singleTensorRprop)(params, grads, prevs, stepSizes, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], prevs: Tensor[], stepSizes: Tensor[], steps: Tensor[], o: Required<RpropFunctionalOptions>) => void;

/** sign > 0 -> etaplus, sign < 0 -> etaminus, 0 -> 1 (in place; `where` when capturable). */
function mapSigns(sign: Tensor, o: Required<RpropFunctionalOptions>): void {
  if (o.capturable) {
    sign.copy_(where(sign.gt(0), o.etaplus, sign));
    sign.copy_(where(sign.lt(0), o.etaminus, sign));
    sign.copy_(where(sign.eq(0), 1, sign));
  } else {
    sign.set(sign.gt(0), o.etaplus);
    sign.set(sign.lt(0), o.etaminus);
    sign.set(sign.eq(0), 1);
  }
}

const singleTensorRprop: Impl = (params, grads, prevs, stepSizes, steps, o) => {
  params.forEach((p, i) => {
    let param = p;
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let prev = prevs[i]!;
    let stepSize = stepSizes[i]!;
    const step = steps[i]!;
    if (o.capturable) checkCapturable([param], [step]);
    step.add_(1);
    if (param.dtype.isComplex) {
      grad = viewAsReal(grad);
      prev = viewAsReal(prev);
      param = viewAsReal(param);
      stepSize = viewAsReal(stepSize);
    }
    const sign = o.differentiable ? grad.mul(prev.clone()).sign() : grad.mul(prev).sign();
    mapSigns(sign, o);
    stepSize.mul_(sign).clamp_(o.stepSizeMin, o.stepSizeMax);
    grad = grad.clone({ memoryFormat: preserveFormat });
    if (o.capturable) grad.copy_(where(sign.eq(o.etaminus), 0, grad));
    else grad.set(sign.eq(o.etaminus), 0);
    param.addcmul_(grad.sign(), stepSize, { value: -1 });
    prev.copy_(grad);
  });
};

const multiTensorRprop: Impl = (params, grads, prevs, stepSizes, steps, o) => {
  if (params.length === 0) return;
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.capturable) checkCapturable(params, steps);
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, prevs, stepSizes, steps])) {
    const [ps, gs, pv, ss, st] = lists as Tensor[][];
    incrementSteps(st!);
    if (o.hasComplex) _viewAsReal(ps!, gs!, pv!, ss!);
    const signs = fe.foreachMul(gs!, pv!);
    if (o.maximize) fe.foreachNeg_(signs);
    fe.foreachCopy_(pv!, gs!);
    if (o.maximize) fe.foreachNeg_(pv!);
    const g = pv!;
    fe.foreachSign_(signs);
    for (const sign of signs) mapSigns(sign, o);
    fe.foreachMul_(ss!, signs);
    for (const s of ss!) s.clamp_(o.stepSizeMin, o.stepSizeMax);
    g.forEach((x, i) => x.copy_(where(signs[i]!.eq(o.etaminus), 0, x)));
    fe.foreachAddcmul_(ps!, g.map((x) => x.sign()), ss!, -1);
  }
};
