// torch/nn/modules/instancenorm.py: _InstanceNorm, InstanceNorm1d/2d/3d.
import type { Tensor } from '../tensor';
import { type LoadFromStateDictArgs, _NormBase, type NormOptions, type NormPositional } from './batchnorm';
import * as F from './functional';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

// `_InstanceNorm.__init__`'s Python signature (`bias` keyword-only).
const INSTANCE_NORM = pySignature(
  '_InstanceNorm.__init__',
  'self, num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None, *, bias=True',
);

const warn = (message: string): void => void process.emitWarning(message, 'UserWarning');

/**
 * Normalises each sample's channels over their own positions. Unlike batch norm, `affine` and
 * `trackRunningStats` default to false; with running statistics tracked, eval mode uses them.
 */
export abstract class _InstanceNorm extends _NormBase {
  static override _initName = '_InstanceNorm';

  constructor(...args: Args<[numFeatures: number], NormPositional, NormOptions>) {
    const o = INSTANCE_NORM<NormOptions & { numFeatures: number }>(args);
    const { numFeatures, ...rest } = o;
    super(numFeatures, { momentum: 0.1, affine: false, trackRunningStats: false, ...rest });
  }

  /** The number of dimensions of unbatched input. */
  protected abstract _getNoBatchDim(): number;
  protected abstract override _checkInputDim(input: Tensor): void;

  _handleNoBatchInput(input: Tensor): Tensor {
    return this._applyInstanceNorm(input.unsqueeze(0)).squeeze(0);
  }

  _applyInstanceNorm(input: Tensor): Tensor {
    return F.instanceNorm(
      input, this.running_mean, this.running_var, this.weight, this.bias,
      this.training || !this.trackRunningStats, this.momentum ?? 0.0, this.eps,
    );
  }

  /**
   * State dicts from before version 1 carry running_mean / running_var even when running
   * statistics are off (the default since 0.4.0): PyTorch reports them as an error and drops them.
   */
  override _loadFromStateDict(...args: LoadFromStateDictArgs): void {
    const [stateDict, prefix, localMetadata, , , , errorMsgs] = args;
    const version = localMetadata.get('version');
    if ((version === undefined || version === null) && !this.trackRunningStats) {
      const keys = ['running_mean', 'running_var'].map((n) => prefix + n).filter((k) => stateDict.has(k));
      if (keys.length > 0) {
        const klass = this._getName();
        errorMsgs.push(
          `Unexpected running stats buffer(s) ${keys.map((k) => `"${k}"`).join(' and ')} for ${klass} ` +
            'with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, this may be expected ' +
            `because ${klass} does not track running stats by default since 0.4.0. Please remove these keys from state_dict. If ` +
            `the running stats are actually needed, instead set track_running_stats=True in ${klass} to enable them. See ` +
            `the documentation of ${klass} for details.`,
        );
        for (const k of keys) stateDict.delete(k);
      }
    }
    super._loadFromStateDict(...args);
  }

  override forward(input: Tensor): Tensor {
    this._checkInputDim(input);
    const featureDim = input.dim() - this._getNoBatchDim();
    if (input.size(featureDim) !== this.numFeatures) {
      if (this.affine) {
        throw new RangeError(`expected input's size at dim=${featureDim} to match num_features (${this.numFeatures}), but got: ${input.size(featureDim)}.`);
      }
      warn(
        `input's size at dim=${featureDim} does not match num_features. You can silence this warning by not passing in num_features, ` +
          'which is not used because affine=False',
      );
    }
    if (input.dim() === this._getNoBatchDim()) return this._handleNoBatchInput(input);
    return this._applyInstanceNorm(input);
  }
}

/** Over (N, C, L) or unbatched (C, L) input. */
export class InstanceNorm1d extends _InstanceNorm {
  static override pythonModule = 'torch.nn.modules.instancenorm';
  protected override _getNoBatchDim(): number {
    return 2;
  }
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/** Over (N, C, H, W) or unbatched (C, H, W) input. */
export class InstanceNorm2d extends _InstanceNorm {
  static override pythonModule = 'torch.nn.modules.instancenorm';
  protected override _getNoBatchDim(): number {
    return 3;
  }
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 3 && input.dim() !== 4) throw new RangeError(`expected 3D or 4D input (got ${input.dim()}D input)`);
  }
}

/** Over (N, C, D, H, W) or unbatched (C, D, H, W) input. */
export class InstanceNorm3d extends _InstanceNorm {
  static override pythonModule = 'torch.nn.modules.instancenorm';
  protected override _getNoBatchDim(): number {
    return 4;
  }
  protected override _checkInputDim(input: Tensor): void {
    if (input.dim() !== 4 && input.dim() !== 5) throw new RangeError(`expected 4D or 5D input (got ${input.dim()}D input)`);
  }
}
