// torch/optim/rmsprop.py: RMSprop (with momentum and the centered variant).
import { zeros, zerosLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, checkCapturable, incrementSteps, upgradeStep, setDefault, _defaultToFusedOrForeach, _getScalarDtype, _groupTensorsByDeviceAndDtype, _toScalar, _viewAsReal, isSparse, num, pyFormat, sNeg,
  type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const RMSPROP_INIT = pySignature(
  'RMSprop.__init__',
  'self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, capturable=False, foreach=None, maximize=False, differentiable=False',
  { floatDefaults: true },
);

export interface RMSpropOptions {
  lr?: number | Tensor;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  capturable?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

export class RMSprop extends Optimizer {
  constructor(params: ParamsT, options?: RMSpropOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = RMSPROP_INIT<Required<RMSpropOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    if (!(0 <= num(a.eps))) throw new RangeError(`Invalid epsilon value: ${pyFormat(a.eps)}`);
    if (!(0 <= num(a.momentum))) throw new RangeError(`Invalid momentum value: ${pyFormat(a.momentum)}`);
    if (!(0 <= num(a.weightDecay))) throw new RangeError(`Invalid weight_decay value: ${pyFormat(a.weightDecay)}`);
    if (!(0 <= num(a.alpha))) throw new RangeError(`Invalid alpha value: ${pyFormat(a.alpha)}`);
    super(a.params, {
      lr: a.lr, momentum: a.momentum, alpha: a.alpha, eps: a.eps, centered: a.centered, weightDecay: a.weightDecay, capturable: a.capturable,
      foreach: a.foreach, maximize: a.maximize, differentiable: a.differentiable,
    });
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) {
      setDefault(group, 'momentum', 0);
      setDefault(group, 'centered', false);
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
        const l = { params: [] as Tensor[], grads: [] as Tensor[], squareAvgs: [] as Tensor[], gradAvgs: [] as Tensor[], bufs: [] as Tensor[], steps: [] as Tensor[] };
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          l.params.push(p);
          if (isSparse(grad)) throw new Error('RMSprop does not support sparse gradients');
          l.grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = group.capturable ? zeros([], { dtype: _getScalarDtype(), device: p.device }) : zeros([], { dtype: _getScalarDtype() });
            state.squareAvg = zerosLike(p, { memoryFormat: preserveFormat });
            if (group.momentum > 0) state.momentumBuffer = zerosLike(p, { memoryFormat: preserveFormat });
            if (group.centered) state.gradAvg = zerosLike(p, { memoryFormat: preserveFormat });
          }
          l.squareAvgs.push(state.squareAvg);
          l.steps.push(state.step);
          if (group.momentum > 0) l.bufs.push(state.momentumBuffer);
          if (group.centered) l.gradAvgs.push(state.gradAvg);
        }
        rmsprop(l.params, l.grads, l.squareAvgs, l.gradAvgs, l.bufs, l.steps, {
          lr: group.lr, alpha: group.alpha, eps: group.eps, weightDecay: group.weightDecay, momentum: group.momentum, centered: group.centered,
          foreach: group.foreach, maximize: group.maximize, differentiable: group.differentiable, capturable: group.capturable, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface RMSpropFunctionalOptions {
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
  hasComplex?: boolean;
  lr: NumberOrTensor;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

/** Functional API that performs the RMSprop computation (torch.optim.rmsprop.rmsprop). */
export function rmsprop(
  params: Tensor[], grads: Tensor[], squareAvgs: Tensor[], gradAvgs: Tensor[], momentumBufferList: Tensor[], stateSteps: Tensor[], o: RMSpropFunctionalOptions,
): void {
  if (!stateSteps.every((t) => t instanceof Tensor)) throw new Error('API has changed, `state_steps` argument must contain a list of singleton tensors');
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r: Required<RMSpropFunctionalOptions> = {
    ...o, foreach, differentiable, maximize: o.maximize ?? false, capturable: o.capturable ?? false, hasComplex: o.hasComplex ?? false,
  };
  (foreach ? multiTensorRmsprop : singleTensorRmsprop)(params, grads, squareAvgs, gradAvgs, momentumBufferList, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], squareAvgs: Tensor[], gradAvgs: Tensor[], bufs: Tensor[], steps: Tensor[], o: Required<RMSpropFunctionalOptions>) => void;

const singleTensorRmsprop: Impl = (params, grads, squareAvgs, gradAvgs, bufs, steps, o) => {
  const lr = _toScalar(o.lr);
  const { alpha, eps, momentum } = o;
  params.forEach((p, i) => {
    let param = p;
    const step = steps[i]!;
    if (o.capturable) checkCapturable([param], [step]);
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    let squareAvg = squareAvgs[i]!;
    step.add_(1);
    if (o.weightDecay !== 0) grad = grad.add(param, { alpha: o.weightDecay });
    const isComplex = param.dtype.isComplex;
    if (isComplex) {
      param = viewAsReal(param);
      grad = viewAsReal(grad);
      squareAvg = viewAsReal(squareAvg);
    }
    squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
    let avg: Tensor;
    if (o.centered) {
      let gradAvg = gradAvgs[i]!;
      if (isComplex) gradAvg = viewAsReal(gradAvg);
      gradAvg.lerp_(grad, 1 - alpha);
      avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = o.differentiable ? avg.add(eps) : avg.add_(eps);
    if (momentum > 0) {
      let buf = bufs[i]!;
      if (isComplex) buf = viewAsReal(buf);
      buf.mul_(momentum).addcdiv_(grad, avg);
      param.add_(buf, { alpha: -num(lr) });
    } else {
      param.addcdiv_(grad, avg, { value: -num(lr) });
    }
  });
};

const multiTensorRmsprop: Impl = (params, grads, squareAvgs, gradAvgs, bufs, steps, o) => {
  if (params.length === 0) return;
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.capturable) checkCapturable(params, steps);
  const lr = _toScalar(o.lr);
  const { alpha, eps, momentum } = o;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, squareAvgs, gradAvgs, bufs, steps])) {
    const [ps, gs, sa, ga, mb, st] = lists as Tensor[][];
    let g = gs!;
    if (o.hasComplex) {
      const stateAndGrads = [g, sa!];
      if (momentum > 0) stateAndGrads.push(mb!);
      if (o.centered) stateAndGrads.push(ga!);
      _viewAsReal(ps!, ...stateAndGrads);
    }
    if (o.maximize) g = fe.foreachNeg(g);
    incrementSteps(st!);
    if (o.weightDecay !== 0) {
      if (o.maximize) fe.foreachAdd_(g, ps!, o.weightDecay);
      else g = fe.foreachAdd(g, ps!, o.weightDecay);
    }
    fe.foreachMul_(sa!, alpha);
    fe.foreachAddcmul_(sa!, g, g, 1 - alpha);
    let avg: Tensor[];
    if (o.centered) {
      fe.foreachLerp_(ga!, g, 1 - alpha);
      avg = fe.foreachAddcmul(sa!, ga!, ga!, -1);
      fe.foreachSqrt_(avg);
      fe.foreachAdd_(avg, eps);
    } else {
      avg = fe.foreachSqrt(sa!);
      fe.foreachAdd_(avg, eps);
    }
    if (momentum > 0) {
      fe.foreachMul_(mb!, momentum);
      fe.foreachAddcdiv_(mb!, g, avg);
      if (o.capturable && lr instanceof Tensor) fe.foreachAdd_(ps!, fe.foreachMul(mb!, sNeg(lr) as Tensor));
      else fe.foreachAdd_(ps!, mb!, -num(lr));
    } else if (o.capturable && lr instanceof Tensor) {
      fe.foreachDiv_(avg, sNeg(lr) as Tensor);
      fe.foreachAddcdiv_(ps!, g, avg);
    } else {
      fe.foreachAddcdiv_(ps!, g, avg, -num(lr));
    }
  }
};
