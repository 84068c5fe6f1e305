// torch/optim/adadelta.py: Adadelta.
import { zeros, zerosLike, viewAsComplex, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCapturable, incrementSteps, upgradeStep, setDefault, _defaultToFusedOrForeach, _getScalarDtype, _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num, pyFormat, sNeg,
  type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const ADADELTA_INIT = pySignature(
  'Adadelta.__init__',
  'self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False, maximize=False, differentiable=False',
  { floatDefaults: true },
);

export interface AdadeltaOptions {
  lr?: number | Tensor;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  capturable?: boolean;
  maximize?: boolean;
  differentiable?: boolean;
}

export class Adadelta extends Optimizer {
  constructor(params: ParamsT, options?: AdadeltaOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = ADADELTA_INIT<Required<AdadeltaOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    if (!(0 <= num(a.rho) && num(a.rho) <= 1)) throw new RangeError(`Invalid rho value: ${pyFormat(a.rho)}`);
    if (!(0 <= num(a.eps))) throw new RangeError(`Invalid epsilon value: ${pyFormat(a.eps)}`);
    if (!(0 <= num(a.weightDecay))) throw new RangeError(`Invalid weight_decay value: ${pyFormat(a.weightDecay)}`);
    super(a.params, {
      lr: a.lr, rho: a.rho, eps: a.eps, weightDecay: a.weightDecay, maximize: a.maximize, capturable: a.capturable, foreach: a.foreach,
      differentiable: a.differentiable,
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
        const squareAvgs: Tensor[] = [];
        const accDeltas: Tensor[] = [];
        const steps: Tensor[] = [];
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          params.push(p);
          if (isSparse(grad)) throw new Error('Adadelta does not support sparse gradients');
          grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = group.capturable ? zeros([], { dtype: _getScalarDtype(), device: p.device }) : zeros([], { dtype: _getScalarDtype() });
            state.squareAvg = zerosLike(p, { memoryFormat: preserveFormat });
            state.accDelta = zerosLike(p, { memoryFormat: preserveFormat });
          }
          squareAvgs.push(state.squareAvg);
          accDeltas.push(state.accDelta);
          steps.push(state.step);
        }
        adadelta(params, grads, squareAvgs, accDeltas, steps, {
          lr: group.lr, rho: group.rho, eps: group.eps, weightDecay: group.weightDecay, foreach: group.foreach, maximize: group.maximize,
          differentiable: group.differentiable, capturable: group.capturable, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface AdadeltaFunctionalOptions {
  capturable?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
  hasComplex?: boolean;
  lr: NumberOrTensor;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** Functional API that performs the Adadelta computation (torch.optim.adadelta.adadelta). */
export function adadelta(
  params: Tensor[], grads: Tensor[], squareAvgs: Tensor[], accDeltas: Tensor[], stateSteps: Tensor[], o: AdadeltaFunctionalOptions,
): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r: Required<AdadeltaFunctionalOptions> = { ...o, foreach, differentiable, capturable: o.capturable ?? false, hasComplex: o.hasComplex ?? false };
  (foreach ? multiTensorAdadelta : singleTensorAdadelta)(params, grads, squareAvgs, accDeltas, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], squareAvgs: Tensor[], accDeltas: Tensor[], steps: Tensor[], o: Required<AdadeltaFunctionalOptions>) => void;

const singleTensorAdadelta: Impl = (params, grads, squareAvgs, accDeltas, steps, o) => {
  if (o.capturable) checkCapturable(params, steps, false);
  const lr = _toScalar(o.lr);
  const { rho, eps } = o;
  params.forEach((param, i) => {
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let squareAvg = squareAvgs[i]!;
    let accDelta = accDeltas[i]!;
    steps[i]!.add_(1);
    if (o.weightDecay !== 0) grad = grad.add(param, { alpha: o.weightDecay });
    if (param.dtype.isComplex) {
      squareAvg = viewAsReal(squareAvg);
      accDelta = viewAsReal(accDelta);
      grad = viewAsReal(grad);
    }
    squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
    const std = squareAvg.add(eps).sqrt_();
    let delta = accDelta.add(eps).sqrt_();
    if (o.differentiable) delta = delta.clone();
    delta.div_(std).mul_(grad);
    accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
    if (param.dtype.isComplex) delta = viewAsComplex(delta);
    param.add_(delta, { alpha: -num(lr) });
  });
};

const multiTensorAdadelta: Impl = (params, grads, squareAvgs, accDeltas, steps, o) => {
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.capturable) checkCapturable(params, steps, false);
  if (params.length === 0) return;
  const lr = _toScalar(o.lr);
  const { rho, eps } = o;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, squareAvgs, accDeltas, steps])) {
    const [ps, gs, sa, ad, st] = lists as Tensor[][];
    let g = gs!;
    if (o.hasComplex) _viewAsReal(ps!, g, sa!, ad!);
    incrementSteps(st!);
    if (o.maximize) g = fe.foreachNeg(g);
    if (o.weightDecay !== 0) {
      if (o.maximize) fe.foreachAdd_(g, ps!, o.weightDecay);
      else g = fe.foreachAdd(g, ps!, o.weightDecay);
    }
    fe.foreachMul_(sa!, rho);
    fe.foreachAddcmul_(sa!, g, g, 1 - rho);
    const std = fe.foreachAdd(sa!, eps);
    fe.foreachSqrt_(std);
    const deltas = fe.foreachAdd(ad!, eps);
    fe.foreachSqrt_(deltas);
    fe.foreachDiv_(deltas, std);
    fe.foreachMul_(deltas, g);
    fe.foreachMul_(ad!, rho);
    fe.foreachAddcmul_(ad!, deltas, deltas, 1 - rho);
    if (o.capturable && lr instanceof Tensor) {
      fe.foreachMul_(deltas, sNeg(lr) as Tensor);
      fe.foreachAdd_(ps!, deltas);
    } else {
      fe.foreachAdd_(ps!, deltas, -num(lr));
    }
  }
};
