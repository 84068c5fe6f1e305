// torch/nn/modules/batchnorm.py: _NormBase, _BatchNorm, BatchNorm1d/2d/3d, SyncBatchNorm.
import { noGrad } from '../autograd';
import { tensor } from '../creation';
import { empty, ones, zeros } from '../generated/torch';
import { int64 } from '../dtype';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

/** Module._loadFromStateDict's arguments (stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs, copies). */
export type LoadFromStateDictArgs = Parameters<Module['_loadFromStateDict']>;

export interface NormOptions extends FactoryOptions {
  eps?: number;
  /** null: a cumulative moving average (each batch weighs 1/num_batches_tracked). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  /** Keyword-only in PyTorch: whether an affine layer has a bias. */
  bias?: boolean;
}
export type NormPositional = [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean, device: FactoryOptions['device'], dtype: FactoryOptions['dtype']];
// The Python signatures of `_NormBase.__init__` (`_BatchNorm`'s is the same) and SyncBatchNorm's;
// `bias` is keyword-only.
const NORM_BASE = pySignature(
  '_NormBase.__init__',
  'self, num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True',
);
const SYNC_BATCH_NORM = pySignature(
  'SyncBatchNorm.__init__',
  'self, num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, process_group=None, device=None, dtype=None, *, bias=True',
);

const floatRepr = (x: number | null): string => (x === null ? 'None' : pyFloat(x));

/** What batch, instance and sync batch norm share: affine weight and bias, running statistics. */
export abstract class _NormBase extends Module {
  static override floatAttributes: readonly string[] = ['eps', 'momentum'];
  static override _version = 2;
  /** The Python class whose `__init__` binds the arguments (named in its TypeErrors). */
  static _initName = '_NormBase';

  declare numFeatures: number;
  declare eps: number;
  declare momentum: number | null;
  declare affine: boolean;
  declare trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(...args: Args<[numFeatures: number], NormPositional, NormOptions>) {
    super();
    const o = NORM_BASE<NormOptions & { numFeatures: number }>(args, `${(new.target as unknown as typeof _NormBase)._initName}.__init__`);
    const factory = { device: o.device, dtype: o.dtype };
    const numFeatures = o.numFeatures;
    this.numFeatures = numFeatures;
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? true;
    this.trackRunningStats = o.trackRunningStats ?? true;
    if (this.affine) {
      this.weight = new Parameter(empty([numFeatures], factory));
      if (o.bias ?? true) this.bias = new Parameter(empty([numFeatures], factory));
      else this.registerParameter('bias', null);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], factory));
      this.registerBuffer('running_var', ones([numFeatures], factory));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: int64, device: o.device }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  resetRunningStats(): void {
    if (this.trackRunningStats) {
      noGrad(() => {
        this.running_mean!.zero_();
        this.running_var!.fill_(1);
        this.num_batches_tracked!.zero_();
      });
    }
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      init.ones_(this.weight!);
      if (this.bias !== null) init.zeros_(this.bias);
    }
  }

  protected abstract _checkInputDim(input: Tensor): void;

  override extraRepr(): string {
    return (
      `${this.numFeatures}, eps=${floatRepr(this.eps)}, momentum=${floatRepr(this.momentum)}, affine=${pyRepr(this.affine)}, ` +
      `bias=${pyRepr(this.bias !== null)}, track_running_stats=${pyRepr(this.trackRunningStats)}`
    );
  }

  /** Version 2 added num_batches_tracked: older state dicts load with it set to 0 (or left as it is). */
  override _loadFromStateDict(...args: LoadFromStateDictArgs): void {
    const [stateDict, prefix, localMetadata] = args;
    const version = localMetadata.get('version') as number | null | undefined;
    if ((version === undefined || version === null || version < 2) && this.trackRunningStats) {
      const key = `${prefix}num_batches_tracked`;
      if (!stateDict.has(key)) {
        stateDict.set(key, this.num_batches_tracked !== null && (this.num_batches_tracked.device.type as string) !== 'meta' ? this.num_batches_tracked : tensor(0, { dtype: int64 }));
      }
    }
    super._loadFromStateDict(...args);
  }
}

/** Batch normalisation: statistics of the batch while training, the running ones in eval mode. */
export abstract class _BatchNorm extends _NormBase {
  static override _initName = '_BatchNorm';
  override forward(input: Tensor): Tensor {
    this._checkInputDim(input);
    // The factor is the momentum only so that ONNX export sees it (as in PyTorch).
    let factor = this.momentum ?? 0.0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      // momentum null: cumulative moving average.
      factor = this.momentum === null ? 1.0 / Number(this.num_batches_tracked.item()) : this.momentum;
    }
    // Batch statistics while training, or in eval mode when there are no running statistics.
    const bnTraining = this.training ? true : this.running_mean === null && this.running_var === null;
    // Buffers that are not tracked must not be updated.
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/** Over (N, C) or (N, C, L) input. */
export class BatchNorm1d extends _BatchNorm {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/** Over (N, C, H, W) input. */
export class BatchNorm2d extends _BatchNorm {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new RangeError(`expected 4D input (got ${input.dim()}D input)`);
  }
}

/** Over (N, C, D, H, W) input. */
export class BatchNorm3d extends _BatchNorm {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 5) throw new RangeError(`expected 5D input (got ${input.dim()}D input)`);
  }
}

export interface SyncBatchNormOptions extends NormOptions {
  /** A process group to synchronise over (PyTorch's `process_group`); null: the whole world. */
  processGroup?: unknown;
}

/**
 * Batch norm whose statistics are reduced over all processes of a group while training under
 * torch.distributed. Without an initialised process group (always, here) it is PyTorch's
 * single-process path: F.batch_norm over the local batch, on any device.
 */
export class SyncBatchNorm extends _BatchNorm {
  static override pythonModule = 'torch.nn.modules.batchnorm';
  declare processGroup: unknown;

  constructor(
    ...args: Args<
      [numFeatures: number],
      [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean, processGroup: unknown, device: FactoryOptions['device'], dtype: FactoryOptions['dtype']],
      SyncBatchNormOptions
    >
  ) {
    const { numFeatures, processGroup, ...rest } = SYNC_BATCH_NORM<SyncBatchNormOptions & { numFeatures: number }>(args);
    super(numFeatures, { momentum: 0.1, ...rest });
    this.processGroup = processGroup ?? null;
  }

  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() < 2) throw new RangeError(`expected at least 2D input (got ${input.dim()}D input)`);
  }

  override forward(input: Tensor): Tensor {
    this._checkInputDim(input);
    if (input.size(1) === 0) throw new RangeError('SyncBatchNorm number of input channels should be non-zero');
    // torch.distributed is never initialised here, so no synchronisation: _BatchNorm's computation.
    return super.forward(input);
  }

  /**
   * PyTorch's `SyncBatchNorm.convert_sync_batchnorm`: every _BatchNorm in `module` (itself
   * included) replaced by a SyncBatchNorm sharing its parameters and running statistics.
   */
  static convertSyncBatchnorm(module: Module, processGroup: unknown = null): Module {
    let out = module;
    if (module instanceof _BatchNorm) {
      const bn = module;
      const sync = new SyncBatchNorm(bn.numFeatures, bn.eps, bn.momentum, bn.affine, bn.trackRunningStats, processGroup, { bias: bn.bias !== null });
      if (bn.affine) {
        sync.weight = bn.weight;
        sync.bias = bn.bias;
      }
      sync.running_mean = bn.running_mean;
      sync.running_var = bn.running_var;
      sync.num_batches_tracked = bn.num_batches_tracked;
      sync.training = bn.training;
      out = sync;
    }
    for (const [name, child] of module.namedChildren()) out.addModule(name, SyncBatchNorm.convertSyncBatchnorm(child, processGroup));
    return out;
  }
}
