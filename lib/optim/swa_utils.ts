// torch/optim/swa_utils.py: Stochastic Weight Averaging and exponential moving averages of a
// model (AveragedModel and its averaging functions), recomputing BatchNorm statistics for the
// averaged weights (updateBn) and the SWA learning-rate schedule (SWALR).
import { noGrad } from '../autograd';
import { tensor } from '../creation';
import type { DeviceLike } from '../device';
import { int64 } from '../dtype';
import { _BatchNorm } from '../nn/batchnorm';
import { Module } from '../nn/module';
import type { Args } from '../nn/modules_utils';
import { deepcopy } from '../nn/transformer';
import { pySignature } from '../python_signature';
import { registerModule } from '../serialization/modules';
import type { FloatLike, IntLike } from '../scalar';
import { Tensor } from '../tensor';
import { foreachAdd_, foreachAddcdiv_, foreachLerp_, foreachSub } from '../_foreach';
import { LRScheduler, floats, formatParam, groupLr, pyNumRepr, setGroup, type Lr, type SchedulerStateDict } from './lr_scheduler';
import { _getForeachKernelsSupportedDevices, _groupTensorsByDeviceAndDtype } from '../utils/_foreach_utils';
import { num, sAdd, sDiv, sMul, sSub, type Optimizer } from './optimizer';

/** `avg_fn(averaged_param, current_param, num_averaged)`: the new average of one parameter. */
export type AvgFn = (averagedParam: Tensor, currentParam: Tensor, numAveraged: Tensor | number) => Tensor;
/** `multi_avg_fn(averaged_params, current_params, num_averaged)`: updates the averages in place. */
export type MultiAvgFn = (averagedParams: Tensor[], currentParams: Tensor[], numAveraged: Tensor | number) => void;

const isFloatingOrComplex = (t: Tensor): boolean => t.dtype.isFloatingPoint || t.dtype.isComplex;

function checkDecay(decay: number): void {
  if (decay < 0.0 || decay > 1.0) throw new RangeError(`Invalid decay value ${decay} provided. Please provide a value in [0,1] range.`);
}

/** Python's `1 / (n + 1)` for a tensor or a number n (a tensor's true division is a float32 tensor). */
const reciprocalPlusOne = (n: Tensor | number): number => (n instanceof Tensor ? Number(n.add(1).reciprocal().item()) : 1 / (n + 1));

const EMA_MULTI = pySignature('get_ema_multi_avg_fn', 'decay=0.999');

/** Exponential moving average over lists of parameters: `ema = decay * ema + (1 - decay) * param`. */
export function getEmaMultiAvgFn(...args: [decay?: FloatLike | { decay?: FloatLike }]): MultiAvgFn {
  const decay = num(EMA_MULTI<{ decay: FloatLike }>(args).decay);
  checkDecay(decay);
  return (emaParams, currentParams) =>
    noGrad(() => {
      // foreach lerp only handles float and complex
      if (isFloatingOrComplex(emaParams[0]!)) foreachLerp_(emaParams, currentParams, 1 - decay);
      else emaParams.forEach((e, i) => e.copy_(e.mul(decay).add(currentParams[i]!.mul(1 - decay))));
    });
}

/** The running (SWA) average over lists of parameters: `avg += (param - avg) / (n + 1)`. */
export function getSwaMultiAvgFn(): MultiAvgFn {
  return (averagedParams, currentParams, numAveraged) =>
    noGrad(() => {
      if (isFloatingOrComplex(averagedParams[0]!)) {
        foreachLerp_(averagedParams, currentParams, reciprocalPlusOne(numAveraged));
      } else {
        const diffs = foreachSub(currentParams, averagedParams);
        if (numAveraged instanceof Tensor) foreachAddcdiv_(averagedParams, diffs, averagedParams.map(() => numAveraged.add(1)));
        else foreachAdd_(averagedParams, diffs, 1.0 / (numAveraged + 1));
      }
    });
}

const EMA = pySignature('get_ema_avg_fn', 'decay=0.999');

/** Exponential moving average of one parameter: `decay * ema + (1 - decay) * param`. */
export function getEmaAvgFn(...args: [decay?: FloatLike | { decay?: FloatLike }]): AvgFn {
  const decay = num(EMA<{ decay: FloatLike }>(args).decay);
  checkDecay(decay);
  return (emaParam, currentParam) => noGrad(() => emaParam.mul(decay).add(currentParam.mul(1 - decay)));
}

/** The running (SWA) average of one parameter: `avg + (param - avg) / (n + 1)`. */
export function getSwaAvgFn(): AvgFn {
  return (averagedParam, currentParam, numAveraged) =>
    noGrad(() => averagedParam.add(currentParam.sub(averagedParam).div(numAveraged instanceof Tensor ? numAveraged.add(1) : numAveraged + 1)));
}

const AVERAGED = pySignature('AveragedModel.__init__', 'self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False');

interface AveragedModelOptions {
  device?: DeviceLike | null;
  avgFn?: AvgFn | null;
  multiAvgFn?: MultiAvgFn | null;
  useBuffers?: boolean;
}

/**
 * A copy of `model` whose parameters (and with `useBuffers`, buffers) are the average of the
 * models given to `updateParameters`: SWA by default, or any `avgFn` / `multiAvgFn` (EMA with
 * getEmaMultiAvgFn). Calling it runs the averaged copy.
 */
export class AveragedModel<M extends Module = Module> extends Module {
  static override pythonModule = 'torch.optim.swa_utils';
  declare module: M;
  declare n_averaged: Tensor;
  declare avgFn: AvgFn | null;
  declare multiAvgFn: MultiAvgFn | null;
  declare useBuffers: boolean;

  constructor(...args: Args<[model: M], [device: DeviceLike | null, avgFn: AvgFn | null, multiAvgFn: MultiAvgFn | null, useBuffers: boolean], AveragedModelOptions>) {
    super();
    const o = AVERAGED<{ model: M; device: DeviceLike | null; avgFn: AvgFn | null; multiAvgFn: MultiAvgFn | null; useBuffers: boolean }>(args);
    if (o.avgFn !== null && o.multiAvgFn !== null) throw new Error('AssertionError: Only one of avg_fn and multi_avg_fn should be provided');
    this.module = deepcopy(o.model);
    if (o.device !== null) this.module = this.module.to(o.device);
    this.registerBuffer('n_averaged', tensor(0, { dtype: int64, device: o.device ?? undefined }));
    this.avgFn = o.avgFn;
    this.multiAvgFn = o.multiAvgFn;
    this.useBuffers = o.useBuffers;
  }

  override forward(...args: unknown[]): unknown {
    return (this.module as unknown as { call(...a: unknown[]): unknown }).call(...args);
  }

  /** Averages `model`'s current parameters (and buffers with useBuffers) into this model's. */
  updateParameters(model: Module): void {
    const selfParams: Tensor[] = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : [...this.parameters()];
    const modelParams: Tensor[] = this.useBuffers ? [...model.parameters(), ...model.buffers()] : [...model.parameters()];
    const selfDetached: Tensor[] = [];
    const modelDetached: Tensor[] = [];
    const copyParam = Number(this.n_averaged.item()) === 0;
    for (let i = 0; i < Math.min(selfParams.length, modelParams.length); i++) {
      const pAveraged = selfParams[i]!;
      const pModel = modelParams[i]!.detach().to(pAveraged.device);
      selfDetached.push(pAveraged.detach());
      modelDetached.push(pModel);
      if (copyParam) pAveraged.detach().copy_(pModel);
    }
    if (Number(this.n_averaged.item()) > 0) {
      if (this.multiAvgFn !== null || this.avgFn === null) {
        for (const { lists } of _groupTensorsByDeviceAndDtype([selfDetached, modelDetached])) {
          const [averaged, current] = lists as [Tensor[], Tensor[]];
          const device = averaged[0]!.device;
          const nAveraged = this.n_averaged.to(device);
          if (this.multiAvgFn !== null) this.multiAvgFn(averaged, current, nAveraged);
          else if (_getForeachKernelsSupportedDevices().includes(device.type)) getSwaMultiAvgFn()(averaged, current, nAveraged);
          else {
            const avgFn = getSwaAvgFn();
            averaged.forEach((p, i) => p.copy_(avgFn(p, current[i]!, nAveraged)));
          }
        }
      } else {
        selfDetached.forEach((p, i) => p.detach().copy_(this.avgFn!(p.detach(), modelDetached[i]!, this.n_averaged.to(p.device))));
      }
    }
    if (!this.useBuffers) {
      // Without averaged buffers, the copy's buffers follow the source model's.
      const own = [...this.module.buffers()];
      const theirs = [...model.buffers()];
      if (own.length !== theirs.length) throw new RangeError(`zip() argument 2 is ${theirs.length > own.length ? 'longer' : 'shorter'} than argument 1`);
      own.forEach((b, i) => b.detach().copy_(theirs[i]!.detach().to(b.device)));
    }
    this.n_averaged.add_(1);
  }
}

// torch.load rebuilds Python's torch.save(averaged_model), and torch.save writes it for Python.
registerModule(`${AveragedModel.pythonModule}.AveragedModel`, AveragedModel);

const UPDATE_BN = pySignature('update_bn', 'loader, model, device=None');

/**
 * Recomputes the BatchNorm running statistics of `model` with one pass over `loader` (an
 * iterable of input batches, or of arrays whose first element is the input).
 */
export function updateBn(...args: Args<[loader: Iterable<unknown>, model: Module], [device: DeviceLike | null], { device?: DeviceLike | null }>): void {
  const { loader, model, device } = UPDATE_BN<{ loader: Iterable<unknown>; model: Module; device: DeviceLike | null }>(args);
  noGrad(() => {
    const momenta = new Map<_BatchNorm, number | null>();
    for (const module of model.modules()) {
      if (module instanceof _BatchNorm) {
        module.resetRunningStats();
        momenta.set(module, module.momentum ?? null);
      }
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const module of momenta.keys()) module.momentum = null;
    for (let input of loader) {
      if (Array.isArray(input)) input = input[0];
      if (device !== null) input = (input as Tensor).to(device);
      (model as unknown as { call(x: unknown): unknown }).call(input);
    }
    for (const [module, momentum] of momenta) module.momentum = momentum;
    model.train(wasTraining);
  });
}

const SWA_LR = pySignature('SWALR.__init__', "self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos', last_epoch=-1");

/** Anneals each group's lr to its `swaLr` over `annealEpochs` epochs (cosine or linear), then holds it. */
export class SWALR extends LRScheduler {
  protected static override readonly stateExcluded: readonly string[] = ['annealFunc'];
  declare _annealStrategy: 'cos' | 'linear';
  declare annealFunc: (t: number) => number;
  declare annealEpochs: number;

  constructor(
    ...args: Args<[optimizer: Optimizer, swaLr: FloatLike | FloatLike[]], [annealEpochs: IntLike, annealStrategy: 'cos' | 'linear', lastEpoch: IntLike], { annealEpochs?: IntLike; annealStrategy?: 'cos' | 'linear'; lastEpoch?: IntLike }>
  ) {
    super();
    const o = SWA_LR<{ optimizer: Optimizer; swaLr: unknown; annealEpochs: unknown; annealStrategy: string; lastEpoch: IntLike }>(args);
    const swaLrs = formatParam('swa_lr', o.optimizer, o.swaLr);
    o.optimizer.paramGroups.forEach((group, i) => setGroup(group, 'swaLr', swaLrs, i));
    if (o.annealStrategy !== 'cos' && o.annealStrategy !== 'linear') {
      throw new RangeError(`anneal_strategy must be one of 'cos' or 'linear', instead got ${o.annealStrategy}`);
    }
    this._setAnnealFunc(o.annealStrategy);
    if (typeof o.annealEpochs !== 'number' || !Number.isInteger(o.annealEpochs) || o.annealEpochs < 0) {
      throw new RangeError(`anneal_epochs must be equal or greater than 0, got ${pyNumRepr(o.annealEpochs)}`);
    }
    this.annealEpochs = o.annealEpochs;
    this._init(o.optimizer, o.lastEpoch);
  }

  private _setAnnealFunc(strategy: 'cos' | 'linear'): void {
    this._annealStrategy = strategy;
    this.annealFunc = strategy === 'cos' ? (t) => (1 - Math.cos(Math.PI * t)) / 2 : (t) => t;
  }

  override getLr(): Lr[] {
    this._warnGetLr();
    let step = this._stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const span = Math.max(1, this.annealEpochs);
    const prevAlpha = this.annealFunc(Math.max(0, Math.min(1, (step - 1) / span)));
    const groups = this.optimizer.paramGroups;
    // The lr this epoch's schedule started from, undoing the previous epoch's interpolation.
    const prevLrs = groups.map((g) => {
      const swaLr = groupLr(g, 'swaLr');
      return prevAlpha === 1 ? swaLr : sDiv(sSub(groupLr(g), sMul(prevAlpha, swaLr)), 1 - prevAlpha);
    });
    const alpha = this.annealFunc(Math.max(0, Math.min(1, step / span)));
    return floats(groups.map((g, i) => sAdd(sMul(groupLr(g, 'swaLr'), alpha), sMul(prevLrs[i]!, 1 - alpha))));
  }

  override loadStateDict(stateDict: SchedulerStateDict | Record<string, unknown>): void {
    super.loadStateDict(stateDict);
    this._setAnnealFunc(this._annealStrategy);
  }
}
