// torch/optim/sgd.py: stochastic gradient descent (with momentum, Nesterov, weight decay).
import { emptyLike } from '../generated/torch';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import { foreachAdd, foreachAdd_, foreachMul_, foreachNeg, fused } from '../_foreach';
import {
  Optimizer, setDefault, _defaultToFusedOrForeach, _deviceDtypeCheckForFused, _groupTensorsByDeviceAndDtype, _toScalar, isSparse, num, pyFormat,
  type StepClosure, type ParamsT,
} from './optimizer';

const SGD_INIT = pySignature(
  'SGD.__init__',
  'self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False, foreach=None, differentiable=False, fused=None',
  { floatDefaults: true },
);

export interface SGDOptions {
  lr?: number | Tensor;
  momentum?: number;
  dampening?: number;
  weightDecay?: number | Tensor;
  nesterov?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
  fused?: boolean | null;
}

export class SGD extends Optimizer {
  _needDeviceDtypeCheckForFused = false;

  constructor(params: ParamsT, options?: SGDOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = SGD_INIT<Required<SGDOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (num(a.lr) < 0) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    if (num(a.momentum) < 0) throw new RangeError(`Invalid momentum value: ${pyFormat(a.momentum)}`);
    if (num(a.weightDecay) < 0) throw new RangeError(`Invalid weight_decay value: ${pyFormat(a.weightDecay)}`);
    const defaults = {
      lr: a.lr, momentum: a.momentum, dampening: a.dampening, weightDecay: a.weightDecay, nesterov: a.nesterov,
      maximize: a.maximize, foreach: a.foreach, differentiable: a.differentiable, fused: a.fused,
    };
    if (a.nesterov && (num(a.momentum) <= 0 || num(a.dampening) !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    super(a.params, defaults);
    if (a.fused) {
      this._stepSupportsAmpScaling = true;
      this._needDeviceDtypeCheckForFused = true;
      if (a.differentiable) throw new Error('`fused` does not support `differentiable`');
      if (a.foreach) throw new Error('`fused` and `foreach` cannot be `True` together.');
    }
  }

  protected override _setstate(): void {
    super._setstate();
    for (const g of this.paramGroups) {
      setDefault(g, 'nesterov', false);
      setDefault(g, 'maximize', false);
      setDefault(g, 'foreach', null);
      setDefault(g, 'differentiable', false);
      setDefault(g, 'fused', false);
    }
  }

  private _initGroup(group: Record<string, any>, params: Tensor[], grads: Tensor[], momentumBufferList: (Tensor | null)[]): boolean {
    let hasSparseGrad = false;
    for (const p of group.params as Tensor[]) {
      const grad = p.grad;
      if (grad === null) continue;
      if (group.fused && this._needDeviceDtypeCheckForFused) {
        _deviceDtypeCheckForFused(p);
        this._needDeviceDtypeCheckForFused = false;
      }
      params.push(p);
      grads.push(grad);
      if (isSparse(grad)) hasSparseGrad = true;
      if (num(group.momentum) !== 0) momentumBufferList.push(this.stateOf(p).momentumBuffer ?? null);
    }
    return hasSparseGrad;
  }

  override step(closure: StepClosure = null): any {
    return this.useGradForDifferentiable(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const params: Tensor[] = [];
        const grads: Tensor[] = [];
        const momentumBufferList: (Tensor | null)[] = [];
        const hasSparseGrad = this._initGroup(group, params, grads, momentumBufferList);
        sgd(params, grads, momentumBufferList, {
          weightDecay: group.weightDecay, momentum: group.momentum, lr: group.lr, dampening: group.dampening, nesterov: group.nesterov,
          maximize: group.maximize, hasSparseGrad, foreach: group.foreach, fused: group.fused, gradScale: this.gradScale, foundInf: this.foundInf,
        });
        if (num(group.momentum) !== 0) params.forEach((p, i) => (this.stateOf(p).momentumBuffer = momentumBufferList[i]));
      }
      return loss;
    });
  }
}

export interface SGDFunctionalOptions {
  weightDecay: number | Tensor;
  momentum: number;
  lr: number | Tensor;
  dampening: number;
  nesterov: boolean;
  maximize: boolean;
  hasSparseGrad?: boolean;
  foreach?: boolean | null;
  fused?: boolean | null;
  gradScale?: Tensor | null;
  foundInf?: Tensor | null;
}

/** Functional API that performs the SGD computation (torch.optim.sgd.sgd). */
export function sgd(params: Tensor[], dpList: Tensor[], momentumBufferList: (Tensor | null)[], o: SGDFunctionalOptions): void {
  let foreach = o.foreach ?? null;
  let fusedFlag = o.fused ?? null;
  if (foreach === null && fusedFlag === null) [fusedFlag, foreach] = _defaultToFusedOrForeach(params, false, false);
  foreach ??= false;
  fusedFlag ??= false;
  const fn = foreach ? multiTensorSgd : fusedFlag ? fusedSgd : singleTensorSgd;
  fn(params, dpList, momentumBufferList, { ...o, hasSparseGrad: o.hasSparseGrad ?? false, gradScale: o.gradScale ?? null, foundInf: o.foundInf ?? null });
}

type Impl = (params: Tensor[], grads: Tensor[], bufs: (Tensor | null)[], o: SGDFunctionalOptions & { hasSparseGrad: boolean; gradScale: Tensor | null; foundInf: Tensor | null }) => void;

const singleTensorSgd: Impl = (params, grads, bufs, o) => {
  if (o.gradScale !== null || o.foundInf !== null) throw new Error('Expected grad_scale and found_inf to be None');
  const lr = _toScalar(o.lr);
  const { weightDecay, momentum, dampening } = o;
  params.forEach((param, i) => {
    let grad = o.maximize ? grads[i]!.neg() : grads[i]!;
    if (num(weightDecay) !== 0) {
      if (weightDecay instanceof Tensor && weightDecay.requiresGrad) grad = grad.addcmul_(param.clone(), weightDecay);
      else grad = grad.add(param, { alpha: weightDecay as number });
    }
    if (momentum !== 0) {
      let buf = bufs[i] ?? null;
      if (buf === null) {
        buf = grad.detach().clone();
        bufs[i] = buf;
      } else {
        buf.mul_(momentum).add_(grad, { alpha: 1 - dampening });
      }
      grad = o.nesterov ? grad.add(buf, { alpha: momentum }) : buf;
    }
    if (lr instanceof Tensor && lr.requiresGrad) param.addcmul_(grad, lr, { value: -1 });
    else param.add_(grad, { alpha: -num(lr) });
  });
};

const multiTensorSgd: Impl = (params, grads, bufs, o) => {
  if (o.gradScale !== null || o.foundInf !== null) throw new Error('Expected grad_scale and found_inf to be None');
  if (params.length === 0) return;
  const lr = num(_toScalar(o.lr));
  const { momentum, dampening } = o;
  for (const { lists, indices } of _groupTensorsByDeviceAndDtype([params, grads, bufs])) {
    const deviceParams = lists[0] as Tensor[];
    let deviceGrads = lists[1] as Tensor[];
    const deviceBufs = lists[2]!;
    const deviceHasSparseGrad = o.hasSparseGrad && deviceGrads.some(isSparse);
    if (o.maximize) deviceGrads = foreachNeg(deviceGrads);
    if (num(o.weightDecay) !== 0) {
      if (o.maximize) foreachAdd_(deviceGrads, deviceParams, num(o.weightDecay));
      else deviceGrads = foreachAdd(deviceGrads, deviceParams, num(o.weightDecay));
    }
    if (momentum !== 0) {
      let bufList: Tensor[] = [];
      if (deviceBufs.every((b) => b !== null)) {
        bufList = deviceBufs as Tensor[];
        foreachMul_(bufList, momentum);
        foreachAdd_(bufList, deviceGrads, 1 - dampening);
      } else {
        deviceBufs.forEach((b, i) => {
          let buf = b;
          if (buf === null) {
            buf = deviceBufs[i] = bufs[indices[i]!] = deviceGrads[i]!.detach().clone();
          } else {
            buf.mul_(momentum).add_(deviceGrads[i]!, { alpha: 1 - dampening });
          }
          bufList.push(buf);
        });
      }
      if (o.nesterov) foreachAdd_(deviceGrads, bufList, momentum);
      else deviceGrads = bufList;
    }
    if (!deviceHasSparseGrad) foreachAdd_(deviceParams, deviceGrads, -lr);
    else deviceParams.forEach((p, i) => p.add_(deviceGrads[i]!, { alpha: -lr }));
  }
};

const fusedSgd: Impl = (params, grads, bufs, o) => {
  if (params.length === 0) return;
  if (o.hasSparseGrad) throw new Error('`_fused_sgd` does not support sparse gradients');
  const noMomentumBuffer = o.momentum === 0;
  const isFirstStep = !bufs.some((b) => b !== null) && !noMomentumBuffer;
  if (isFirstStep) grads.forEach((g, i) => (bufs[i] = emptyLike(g)));
  for (const { lists } of _groupTensorsByDeviceAndDtype([params, grads, bufs])) {
    const device = lists[0]![0]!.device;
    const gradScale: Tensor | null = o.gradScale === null ? null : o.gradScale.to(device);
    const foundInf: Tensor | null = o.foundInf === null ? null : o.foundInf.to(device);
    fused(o.lr instanceof Tensor ? 'sgd_.tensor_lr' : 'sgd_', [lists[0]!, lists[1]!, noMomentumBuffer ? [] : lists[2]!], [
      num(o.weightDecay), o.momentum, o.lr instanceof Tensor ? o.lr.to(device) : o.lr, o.dampening, o.nesterov, o.maximize, isFirstStep, gradScale, foundInf,
    ]);
  }
};
