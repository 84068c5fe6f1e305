// torch/optim/asgd.py: averaged stochastic gradient descent.
import { tensor as makeTensor } from '../creation';
import { maximum, ones, onesLike, zeros, zerosLike, viewAsReal } from '../generated/torch';
import { preserveFormat } from '../layout';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import * as fe from '../_foreach';
import {
  Optimizer, incrementSteps, setDefault, _defaultToFusedOrForeach, _getScalarDtype, _getCapturableSupportedDevices, _groupTensorsByDeviceAndDtype, _toScalar,
  _viewAsReal, isSparse, num, pyFormat, sAdd, sDiv, sMul, sPow, sSub, type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const ASGD_INIT = pySignature(
  'ASGD.__init__',
  'self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False, differentiable=False, capturable=False',
  { floatDefaults: true },
);

export interface ASGDOptions {
  lr?: number | Tensor;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
}

/** A Python number (or a 1-element tensor) as a 0-dim tensor of the scalar dtype on `p`'s device. */
function scalarTensor(x: NumberOrTensor, p: Tensor): Tensor {
  return x instanceof Tensor ? x.to({ dtype: _getScalarDtype(), device: p.device }) : makeTensor(x, { dtype: _getScalarDtype(), device: p.device });
}

export class ASGD extends Optimizer {
  constructor(params: ParamsT, options?: ASGDOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = ASGD_INIT<Required<ASGDOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    if (!(0 <= num(a.weightDecay))) throw new RangeError(`Invalid weight_decay value: ${pyFormat(a.weightDecay)}`);
    super(a.params, {
      lr: a.lr, lambd: a.lambd, alpha: a.alpha, t0: a.t0, weightDecay: a.weightDecay, foreach: a.foreach, maximize: a.maximize,
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
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s === undefined || Object.keys(s).length === 0) continue;
        for (const key of ['step', 'eta', 'mu']) if (!(s[key] instanceof Tensor)) s[key] = scalarTensor(Number(s[key]), p);
      }
    }
  }

  override step(closure: StepClosure = null): any {
    return this.useGradForDifferentiable(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const l = { params: [] as Tensor[], grads: [] as Tensor[], mus: [] as Tensor[], axs: [] as Tensor[], etas: [] as Tensor[], steps: [] as Tensor[] };
        let hasComplex = false;
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          hasComplex ||= p.dtype.isComplex;
          l.params.push(p);
          if (isSparse(grad)) throw new Error('ASGD does not support sparse gradients');
          l.grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = zeros([], { device: p.device, dtype: _getScalarDtype() });
            state.eta = scalarTensor(_toScalar(group.lr), p).clone().detach();
            state.mu = ones([], { device: p.device, dtype: _getScalarDtype() });
            state.ax = zerosLike(p, { memoryFormat: preserveFormat });
          }
          l.mus.push(state.mu);
          l.axs.push(state.ax);
          l.etas.push(state.eta);
          l.steps.push(state.step);
        }
        asgd(l.params, l.grads, l.axs, l.mus, l.etas, l.steps, {
          lambd: group.lambd, lr: group.lr, t0: group.t0, alpha: group.alpha, weightDecay: group.weightDecay, foreach: group.foreach,
          maximize: group.maximize, differentiable: group.differentiable, capturable: group.capturable, hasComplex,
        });
      }
      return loss;
    });
  }
}

export interface ASGDFunctionalOptions {
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
  hasComplex?: boolean;
  lambd: number;
  lr: NumberOrTensor;
  t0: number;
  alpha: number;
  weightDecay: number;
}

/** Functional API that performs the ASGD computation (torch.optim.asgd.asgd). */
export function asgd(params: Tensor[], grads: Tensor[], axs: Tensor[], mus: Tensor[], etas: Tensor[], stateSteps: Tensor[], o: ASGDFunctionalOptions): void {
  const differentiable = o.differentiable ?? false;
  const foreach = o.foreach ?? _defaultToFusedOrForeach(params, differentiable, false)[1];
  const r: Required<ASGDFunctionalOptions> = { ...o, foreach, differentiable, maximize: o.maximize ?? false, capturable: o.capturable ?? false, hasComplex: o.hasComplex ?? false };
  (foreach ? multiTensorAsgd : singleTensorAsgd)(params, grads, axs, mus, etas, stateSteps, r);
}

type Impl = (params: Tensor[], grads: Tensor[], axs: Tensor[], mus: Tensor[], etas: Tensor[], steps: Tensor[], o: Required<ASGDFunctionalOptions>) => void;

function checkDevices(params: readonly Tensor[], mus: readonly Tensor[], etas: readonly Tensor[], steps: readonly Tensor[], supportsXla: boolean): void {
  const devices = _getCapturableSupportedDevices(supportsXla);
  params.forEach((p, i) => {
    const t = p.device.type;
    if (!(t === mus[i]!.device.type && t === etas[i]!.device.type && t === steps[i]!.device.type && devices.includes(t))) {
      throw new Error(`If capturable=True, params, mus, etas, and state_steps must be on supported devices: [${devices.map((d) => `'${d}'`).join(', ')}].`);
    }
  });
}

const singleTensorAsgd: Impl = (params, grads, axs, mus, etas, steps, o) => {
  const lr = _toScalar(o.lr);
  const { lambd, alpha, t0 } = o;
  params.forEach((p, i) => {
    let param = p;
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    const mu = mus[i]!;
    let ax = axs[i]!;
    const eta = etas[i]!;
    const stepT = steps[i]!;
    if (o.capturable) checkDevices([param], [mu], [eta], [stepT], true);
    if (param.dtype.isComplex) {
      grad = viewAsReal(grad);
      param = viewAsReal(param);
      ax = viewAsReal(ax);
    }
    stepT.add_(1);
    if (o.weightDecay !== 0) grad = grad.add(param, { alpha: o.weightDecay });
    if (o.capturable) {
      param.mul_(sSub(1, sMul(lambd, eta)) as Tensor);
      param.addcmul_(grad, eta, { value: -1 });
    } else {
      const etaValue = num(eta);
      param.mul_(1 - lambd * etaValue);
      param.add_(grad, { alpha: -etaValue });
    }
    if (o.capturable || mu.item() !== 1) ax.add_(param.sub(ax).mul_(mu));
    else ax.copy_(param);
    if (o.capturable) {
      eta.copy_(sDiv(lr, sPow(sAdd(1, sMul(sMul(lambd, lr), stepT)), alpha)) as Tensor);
      mu.copy_(maximum(stepT.sub(t0), onesLike(stepT)).reciprocal());
    } else {
      const step = num(stepT);
      const newEta = sDiv(lr, sPow(sAdd(1, sMul(sMul(lambd, lr), step)), alpha));
      if (newEta instanceof Tensor) eta.copy_(newEta);
      else eta.fill_(newEta);
      mu.fill_(1 / Math.max(1, step - t0));
    }
  });
};

const multiTensorAsgd: Impl = (params, grads, axs, mus, etas, steps, o) => {
  if (params.length === 0) return;
  if (o.differentiable) throw new Error("_foreach ops don't support autograd");
  if (o.capturable) checkDevices(params, mus, etas, steps, false);
  const lr = _toScalar(o.lr);
  const { lambd, alpha, t0 } = o;
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, axs, mus, etas, steps])) {
    const [ps, gs, ax, ms, es, st] = lists as Tensor[][];
    let g = gs!;
    const device = ps![0]!.device;
    if (o.hasComplex) _viewAsReal(ps!, g, ax!);
    if (o.maximize) g = fe.foreachNeg(g);
    incrementSteps(st!);
    let intermediate: Tensor[];
    if (o.weightDecay !== 0) {
      if (o.maximize) {
        fe.foreachAdd_(g, ps!, o.weightDecay);
        intermediate = g;
      } else {
        intermediate = fe.foreachAdd(g, ps!, o.weightDecay);
      }
      fe.foreachAdd_(intermediate, ps!, lambd);
    } else {
      intermediate = fe.foreachAdd(g, ps!, lambd);
    }
    fe.foreachAddcmul_(ps!, intermediate, es!, -1);
    fe.foreachAddcmul_(ax!, fe.foreachSub(ps!, ax!), ms!);
    if (o.capturable) {
      const newMus = fe.foreachSub(st!, t0);
      fe.foreachMaximum_(newMus, 1);
      fe.foreachReciprocal_(newMus);
      fe.foreachCopy_(ms!, newMus);
      const newEtas = fe.foreachMul(st!, lambd);
      fe.foreachMul_(newEtas, lr);
      fe.foreachAdd_(newEtas, 1);
      fe.foreachPow_(newEtas, alpha);
      fe.foreachReciprocal_(newEtas);
      fe.foreachMul_(newEtas, lr);
      fe.foreachCopy_(es!, newEtas);
    } else {
      // Python computes the new etas with tensor arithmetic on each step tensor.
      const newEtas = st!.map((s) => {
        const v = sDiv(lr, sPow(sAdd(1, sMul(sMul(lambd, lr), s)), alpha));
        return v instanceof Tensor ? v.to(device) : makeTensor(v, { device });
      });
      const newMus = st!.map((s) => makeTensor(1 / Math.max(1, num(s) - t0), { dtype: _getScalarDtype(), device }));
      fe.foreachCopy_(es!, newEtas);
      fe.foreachCopy_(ms!, newMus);
    }
  }
};
