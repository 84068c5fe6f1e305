// torch/nn/modules/batchnorm.py: _NormBase, _BatchNorm, BatchNorm1d, BatchNorm2d.
import { noGrad } from '../autograd';
import { tensor } from '../creation';
import { empty, ones, zeros } from '../generated/torch';
import { int64 } from '../dtype';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module, type StateDictCopy } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { bindArgs, type Args } from './utils';

export interface NormOptions extends FactoryOptions {
  eps?: number;
  /** null: a cumulative moving average (each batch weighs 1/num_batches_tracked). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  /** Keyword-only in PyTorch: whether an affine layer has a bias. */
  bias?: boolean;
}
type NormPositional = [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean];

const floatRepr = (x: number | null): string => (x === null ? 'None' : pyFloat(x));

/** What batch, instance and sync batch norm share: affine weight and bias, running statistics. */
export abstract class _NormBase extends Module {
  static override _version = 2;

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
    const o = bindArgs<NormOptions & { numFeatures: number }>(`${new.target.name}.__init__`, ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats'], 1, args, ['device', 'dtype', 'bias']);
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
  override _loadFromStateDict(
    stateDict: Map<string, unknown>,
    prefix: string,
    localMetadata: Map<string, unknown>,
    strict: boolean,
    missingKeys: string[],
    unexpectedKeys: string[],
    errorMsgs: string[],
    copies: StateDictCopy[],
  ): void {
    const version = localMetadata.get('version') as number | null | undefined;
    if ((version === undefined || version === null || version < 2) && this.trackRunningStats) {
      const key = `${prefix}num_batches_tracked`;
      if (!stateDict.has(key)) {
        stateDict.set(key, this.num_batches_tracked !== null && (this.num_batches_tracked.device.type as string) !== 'meta' ? this.num_batches_tracked : tensor(0, { dtype: int64 }));
      }
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs, copies);
  }
}

/** Batch normalisation: statistics of the batch while training, the running ones in eval mode. */
export abstract class _BatchNorm extends _NormBase {
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
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/** Over (N, C, H, W) input. */
export class BatchNorm2d extends _BatchNorm {
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new Error(`expected 4D input (got ${input.dim()}D input)`);
  }
}
