// torch/amp/grad_scaler.py: dynamic loss scaling. The scale and the growth tracker live in
// tensors on the loss's device and are updated by ATen's own _amp_* kernels, so the numbers are
// PyTorch's step for step.
import { noGrad } from '../autograd';
import { isAvailable as cudaIsAvailable } from '../cuda';
import { float16, float32, int32 } from '../dtype';
import { full } from '../generated/torch';
import { keep } from '../memory';
import { native } from '../native';
import { op } from '../ops';
import { _values, getItem, isSparse, num, type Optimizer } from '../optim/optimizer';
import { pySignature } from '../python_signature';
import { PyFloat, pyFloat } from '../scalar';
import { markFloat } from '../serialization/pickle';
import { Tensor } from '../tensor';

const NON_FINITE_CHECK_AND_UNSCALE = op('aten::_amp_foreach_non_finite_check_and_unscale_');
const UPDATE_SCALE = op('aten::_amp_update_scale_');

enum OptState {
  READY,
  UNSCALED,
  STEPPED,
}
interface PerOptimizerState {
  stage: OptState;
  foundInfPerDevice: Map<string, Tensor>;
}

/** GradScaler.stateDict(): PyTorch's keys; scale and the factors are marked as Python floats for torch.save. */
export interface GradScalerStateDict {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

export interface GradScalerOptions {
  device?: string;
  initScale?: number;
  growthFactor?: number;
  backoffFactor?: number;
  growthInterval?: number;
  enabled?: boolean;
}
const GRAD_SCALER = pySignature<Required<GradScalerOptions>>(
  'GradScaler.__init__', 'self, device="cuda", init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000, enabled=True');

const UPDATE = pySignature('GradScaler.update', 'self, new_scale=None');

// One copy per device of a tensor that lives on one (_MultiDeviceReplicator), made on first use.
class MultiDeviceReplicator {
  readonly perDevice = new Map<string, Tensor>();
  constructor(readonly master: Tensor) {}
  get(device: string): Tensor {
    let t = this.perDevice.get(device);
    if (t === undefined) {
      t = keep(this.master.to({ device, nonBlocking: true, copy: true }));
      this.perDevice.set(device, t);
    }
    return t;
  }
}

function disposeAll(tensors: Iterable<Tensor>): void {
  for (const t of tensors) t.dispose();
}

/**
 * torch.amp.GradScaler: `scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()`.
 * Steps with inf/NaN gradients are skipped and the scale backs off; after `growthInterval`
 * clean steps it grows.
 */
export class GradScaler {
  private readonly _device: string;
  private readonly _enabled: boolean;
  private _initScale = 65536;
  private _scale: Tensor | null = null;
  private _growthFactor = 2;
  private _backoffFactor = 0.5;
  private _growthInterval = 2000;
  private _initGrowthTracker = 0;
  private _growthTracker: Tensor | null = null;
  private _perOptimizerStates = new Map<Optimizer, PerOptimizerState>();

  constructor(device?: string | GradScalerOptions, initScale?: number | GradScalerOptions, growthFactor?: number | GradScalerOptions,
    backoffFactor?: number | GradScalerOptions, growthInterval?: number | GradScalerOptions, enabled?: boolean | GradScalerOptions);
  constructor(...args: unknown[]) {
    const a = GRAD_SCALER(args);
    this._device = a.device;
    let enabled = a.enabled;
    if (this._device === 'cuda' && enabled && !cudaIsAvailable()) {
      process.emitWarning('torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.', 'UserWarning');
      enabled = false;
    }
    this._enabled = enabled;
    if (enabled) {
      if (num(a.growthFactor) <= 1.0) throw new Error('The growth factor must be > 1.0.');
      if (num(a.backoffFactor) >= 1.0) throw new Error('The backoff factor must be < 1.0.');
      this._initScale = num(a.initScale);
      this._growthFactor = num(a.growthFactor);
      this._backoffFactor = num(a.backoffFactor);
      this._growthInterval = a.growthInterval;
    }
  }

  private _checkScaleGrowthTracker(funcname: string): [Tensor, Tensor] {
    const fix = 'This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.';
    if (this._scale === null) throw new Error(`Attempted ${funcname} but _scale is None.  ${fix}`);
    if (this._growthTracker === null) throw new Error(`Attempted ${funcname} but _growth_tracker is None.  ${fix}`);
    return [this._scale, this._growthTracker];
  }

  private _lazyInitScaleGrowthTracker(device: string): void {
    if (this._growthTracker !== null) throw new Error('_growth_tracker initialized before _scale');
    this._scale = keep(full([], this._initScale, { dtype: float32, device }));
    this._growthTracker = keep(full([], this._initGrowthTracker, { dtype: int32, device }));
  }

  private _state(optimizer: Optimizer): PerOptimizerState {
    let s = this._perOptimizerStates.get(optimizer);
    if (s === undefined) {
      s = { stage: OptState.READY, foundInfPerDevice: new Map() };
      this._perOptimizerStates.set(optimizer, s);
    }
    return s;
  }

  /** Multiplies a tensor (or nested arrays of tensors) by the scale; returns them unchanged when disabled. */
  scale(outputs: Tensor): Tensor;
  scale(outputs: readonly Tensor[]): Tensor[];
  scale(outputs: unknown): unknown;
  scale(outputs: unknown): unknown {
    if (!this._enabled) return outputs;
    if (outputs instanceof Tensor) {
      if (this._scale === null) this._lazyInitScaleGrowthTracker(String(outputs.device));
      const scale = this._scale!;
      return outputs.mul(String(scale.device) === String(outputs.device) ? scale : scale.to({ device: outputs.device, nonBlocking: true }));
    }
    let stash: MultiDeviceReplicator | null = null;
    const applyScale = (val: unknown): unknown => {
      if (val instanceof Tensor) {
        if (stash === null) {
          if (this._scale === null) this._lazyInitScaleGrowthTracker(String(val.device));
          stash = new MultiDeviceReplicator(this._scale!);
        }
        return val.mul(stash.get(String(val.device)));
      }
      if (Array.isArray(val)) return val.map(applyScale);
      if (val !== null && typeof val === 'object' && Symbol.iterator in val) return Array.from(val as Iterable<unknown>, applyScale);
      throw new RangeError('outputs must be a Tensor or an iterable of Tensors');
    };
    try {
      return applyScale(outputs);
    } finally {
      if (stash !== null) disposeAll((stash as MultiDeviceReplicator).perDevice.values());
    }
  }

  private _unscaleGrads_(optimizer: Optimizer, invScale: Tensor, foundInf: Tensor, allowFp16: boolean): Map<string, Tensor> {
    const perDeviceInvScale = new MultiDeviceReplicator(invScale);
    const perDeviceFoundInf = new MultiDeviceReplicator(foundInf);
    const perDeviceAndDtype = new Map<string, Map<string, Tensor[]>>();
    try {
      noGrad(() => {
        for (const group of optimizer.paramGroups) {
          for (const param of group.params) {
            if (!(param instanceof Tensor)) throw new Error(`expected param to be torch.Tensor, got ${typeof param}`);
            if (param.grad === null) continue;
            if (!allowFp16 && param.grad.dtype === float16) throw new RangeError('Attempting to unscale FP16 gradients.');
            let toUnscale = param.grad;
            if (isSparse(toUnscale)) {
              // Scaled fp16 values with duplicate indices may overflow when summed: check the coalesced values.
              if (toUnscale.dtype === float16) param.grad = toUnscale = toUnscale.coalesce();
              toUnscale = _values(toUnscale);
            }
            const device = String(toUnscale.device);
            let perDtype = perDeviceAndDtype.get(device);
            if (perDtype === undefined) perDeviceAndDtype.set(device, (perDtype = new Map()));
            const key = String(toUnscale.dtype);
            const list = perDtype.get(key);
            if (list === undefined) perDtype.set(key, [toUnscale]);
            else list.push(toUnscale);
          }
        }
        for (const [device, perDtype] of perDeviceAndDtype) {
          for (const grads of perDtype.values()) {
            native.callOp(NON_FINITE_CHECK_AND_UNSCALE, grads.map((g) => g._h), perDeviceFoundInf.get(device)._h, perDeviceInvScale.get(device)._h);
          }
        }
      });
    } finally {
      disposeAll(perDeviceInvScale.perDevice.values());
    }
    return perDeviceFoundInf.perDevice;
  }

  /**
   * Divides the optimizer's gradients by the scale (optional: step() does it when it was not
   * called), checking them for infs/NaNs; once per optimizer per step.
   */
  unscale_(optimizer: Optimizer): void {
    if (!this._enabled) return;
    this._checkScaleGrowthTracker('unscale_');
    const state = this._state(optimizer);
    if (state.stage === OptState.UNSCALED) throw new Error('unscale_() has already been called on this optimizer since the last update().');
    if (state.stage === OptState.STEPPED) throw new Error('unscale_() is being called after step().');
    const scale = this._scale!;
    const double = scale.double();
    const reciprocal = double.reciprocal();
    const invScale = reciprocal.float();
    const foundInf = full([], 0.0, { dtype: float32, device: scale.device });
    try {
      state.foundInfPerDevice = this._unscaleGrads_(optimizer, invScale, foundInf, false);
    } finally {
      disposeAll([double, reciprocal, invScale, foundInf]);
    }
    state.stage = OptState.UNSCALED;
  }

  private _maybeOptStep(optimizer: Optimizer, state: PerOptimizerState, args: unknown[]): unknown {
    let found = 0;
    for (const v of state.foundInfPerDevice.values()) found += v.item() as number;
    return found === 0 ? (optimizer.step as (...a: unknown[]) => unknown)(...args) : null;
  }

  /**
   * Unscales the gradients (unless unscale_ ran) and runs optimizer.step(...args) if none of
   * them is inf/NaN; returns what optimizer.step returned (null when skipped).
   */
  step(optimizer: Optimizer, ...args: unknown[]): unknown {
    if (!this._enabled) return (optimizer.step as (...a: unknown[]) => unknown)(...args);
    const last = args[args.length - 1];
    if (last !== null && typeof last === 'object' && Object.getPrototypeOf(last) === Object.prototype && 'closure' in last)
      throw new Error('Closure use is not currently supported if GradScaler is enabled.');
    this._checkScaleGrowthTracker('step');
    const state = this._state(optimizer);
    if (state.stage === OptState.STEPPED) throw new Error('step() has already been called since the last update().');
    if (optimizer._stepSupportsAmpScaling) return this._fusedStep(optimizer, state, args);
    if (state.stage === OptState.READY) this.unscale_(optimizer);
    if (state.foundInfPerDevice.size === 0) throw new Error('No inf checks were recorded for this optimizer.');
    const retval = this._maybeOptStep(optimizer, state, args);
    state.stage = OptState.STEPPED;
    return retval;
  }

  // Optimizers whose step unscales and checks for infs itself (fused): they get grad_scale and
  // found_inf for the duration of the step.
  private _fusedStep(optimizer: Optimizer, state: PerOptimizerState, args: unknown[]): unknown {
    if (state.stage === OptState.READY) this._checkInfPerDevice(optimizer);
    const scaler = this._scale!;
    let foundInf: Tensor | null = null;
    for (const t of state.foundInfPerDevice.values()) {
      const moved = t.to({ device: scaler.device, nonBlocking: true });
      const next: Tensor = foundInf === null ? moved.add(0) : foundInf.add(moved);
      if (moved !== t) moved.dispose();
      foundInf?.dispose();
      foundInf = next;
    }
    const previous = optimizer.gradScale;
    const gradScale = state.stage === OptState.UNSCALED ? previous : previous === null ? scaler.mul(1) : scaler.mul(previous);
    optimizer.gradScale = gradScale;
    optimizer.foundInf = foundInf;
    try {
      const retval = (optimizer.step as (...a: unknown[]) => unknown)(...args);
      state.stage = OptState.STEPPED;
      return retval;
    } finally {
      optimizer.gradScale = null;
      optimizer.foundInf = null;
      if (gradScale !== previous) gradScale?.dispose();
      foundInf?.dispose();
    }
  }

  private _checkInfPerDevice(optimizer: Optimizer): Map<string, Tensor> {
    const [scale] = this._checkScaleGrowthTracker('_check_inf_per_device');
    const dummyInvScale = full([], 1.0, { dtype: float32, device: scale.device });
    const foundInf = full([], 0.0, { dtype: float32, device: scale.device });
    try {
      this._state(optimizer).foundInfPerDevice = this._unscaleGrads_(optimizer, dummyInvScale, foundInf, true);
    } finally {
      dummyInvScale.dispose();
      foundInf.dispose();
    }
    return this._state(optimizer).foundInfPerDevice;
  }

  /**
   * Updates the scale: backs off if any step since the last update found infs/NaNs, grows after
   * growthInterval clean steps; or sets it to `newScale` (a number or a one-element tensor).
   */
  update(newScale?: number | Tensor | null | { newScale?: number | Tensor | null }): void;
  update(...args: unknown[]): void {
    const { newScale } = UPDATE<{ newScale: unknown }>(args);
    if (!this._enabled) return;
    const [scale, growthTracker] = this._checkScaleGrowthTracker('update');
    if (newScale !== null) {
      if (typeof newScale === 'number' || newScale instanceof PyFloat) {
        scale.fill_(pyFloat(num(newScale)));
      } else {
        const reason = 'new_scale should be a float or a 1-element torch.cuda.FloatTensor or torch.FloatTensor with requires_grad=False.';
        if (!(newScale instanceof Tensor) || newScale.device.type !== this._device || newScale.numel() !== 1 || newScale.requiresGrad) throw new Error(reason);
        scale.copy_(newScale);
      }
    } else {
      const foundInfs: Tensor[] = [];
      for (const s of this._perOptimizerStates.values())
        for (const f of s.foundInfPerDevice.values()) foundInfs.push(f.to({ device: scale.device, nonBlocking: true }));
      if (foundInfs.length === 0) throw new Error('No inf checks were recorded prior to update.');
      const combined = foundInfs[0]!;
      for (let i = 1; i < foundInfs.length; i++) combined.add_(foundInfs[i]!);
      native.callOp(UPDATE_SCALE, scale._h, growthTracker._h, combined._h, this._growthFactor, this._backoffFactor, this._growthInterval);
      // .to() on the same device returns the tensor itself, which the refresh below frees.
      const held = new Set<Tensor>();
      for (const s of this._perOptimizerStates.values()) for (const f of s.foundInfPerDevice.values()) held.add(f);
      for (const f of foundInfs) if (!held.has(f)) f.dispose();
    }
    this._refreshPerOptimizerStates();
  }

  private _refreshPerOptimizerStates(): void {
    for (const s of this._perOptimizerStates.values()) disposeAll(s.foundInfPerDevice.values());
    this._perOptimizerStates = new Map();
  }

  /** The current scale (a number), or 1.0 when disabled. */
  getScale(): number {
    if (!this._enabled) return 1.0;
    return this._scale === null ? this._initScale : (this._scale.item() as number);
  }
  getGrowthFactor(): number {
    return this._growthFactor;
  }
  setGrowthFactor(newFactor: number): void {
    this._growthFactor = newFactor;
  }
  getBackoffFactor(): number {
    return this._backoffFactor;
  }
  setBackoffFactor(newFactor: number): void {
    this._backoffFactor = newFactor;
  }
  getGrowthInterval(): number {
    return this._growthInterval;
  }
  setGrowthInterval(newInterval: number): void {
    this._growthInterval = newInterval;
  }
  /** @internal */
  _getGrowthTracker(): number {
    if (!this._enabled) return 0;
    return this._growthTracker === null ? this._initGrowthTracker : (this._growthTracker.item() as number);
  }
  isEnabled(): boolean {
    return this._enabled;
  }

  /** PyTorch's state_dict: scale, growth_factor, backoff_factor, growth_interval, _growth_tracker ({} when disabled). */
  stateDict(): GradScalerStateDict | Record<string, never> {
    if (!this._enabled) return {};
    const sd: GradScalerStateDict = {
      scale: this.getScale(),
      growth_factor: this._growthFactor,
      backoff_factor: this._backoffFactor,
      growth_interval: this._growthInterval,
      _growth_tracker: this._getGrowthTracker(),
    };
    for (const k of ['scale', 'growth_factor', 'backoff_factor']) markFloat(sd as unknown as unknown[], k);
    return sd;
  }

  /** Loads what stateDict() returned, or the dict of a Python scaler's state_dict() read by torch.load. */
  loadStateDict(stateDict: GradScalerStateDict | Map<string, unknown> | Record<string, unknown>): void {
    if (!this._enabled) return;
    const get = (k: string): unknown => getItem(stateDict, k);
    const size = stateDict instanceof Map ? stateDict.size : Object.keys(stateDict).length;
    if (size === 0) throw new Error('The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.');
    this._initScale = num(get('scale'));
    if (this._scale !== null) this._scale.fill_(pyFloat(this._initScale));
    this._growthFactor = num(get('growth_factor'));
    this._backoffFactor = num(get('backoff_factor'));
    this._growthInterval = num(get('growth_interval'));
    this._initGrowthTracker = num(get('_growth_tracker'));
    if (this._growthTracker !== null) this._growthTracker.fill_(this._initGrowthTracker);
  }

  /** Frees the scale and growth tracker tensors. */
  dispose(): void {
    this._refreshPerOptimizerStates();
    this._scale?.dispose();
    this._growthTracker?.dispose();
    this._scale = null;
    this._growthTracker = null;
  }
}
