// torch/nn/modules/dropout.py: Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout.
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyRepr, pyStr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

const DROPOUT = pySignature('_DropoutNd.__init__', 'self, p=0.5, inplace=False');

export interface DropoutOptions {
  p?: number;
  inplace?: boolean;
}

/** The p check and repr every dropout shares. */
export abstract class _DropoutNd extends Module {
  static override floatAttributes: readonly string[] = ['p'];
  declare p: number;
  declare inplace: boolean;

  constructor(...args: Args<[], [p: number, inplace: boolean], DropoutOptions>) {
    super();
    const o = DROPOUT<DropoutOptions>(args);
    const p = o.p ?? 0.5;
    if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${pyStr(p)}`);
    this.p = p;
    this.inplace = o.inplace ?? false;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }

  /** `fn` (F.dropout, F.dropout1d, ...) applied with this module's p, training mode and inplace. */
  protected _dropout(fn: (input: Tensor, options: { p: number; training: boolean; inplace: boolean }) => Tensor, input: Tensor): Tensor {
    return fn(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

/** Zeroes each element with probability p while training and scales the rest by 1/(1-p). */
export class Dropout extends _DropoutNd {
  static override pythonModule = 'torch.nn.modules.dropout';
  override forward(input: Tensor): Tensor {
    return this._dropout(F.dropout, input);
  }
}

/** Zeroes whole channels of (N, C, H, W) or (N, C, L) input. */
export class Dropout2d extends _DropoutNd {
  static override pythonModule = 'torch.nn.modules.dropout';
  override forward(input: Tensor): Tensor {
    return this._dropout(F.dropout2d, input);
  }
}

/** Zeroes whole channels of (N, C, L) or (C, L) input. */
export class Dropout1d extends _DropoutNd {
  static override pythonModule = 'torch.nn.modules.dropout';
  override forward(input: Tensor): Tensor {
    return this._dropout(F.dropout1d, input);
  }
}

/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input. */
export class Dropout3d extends _DropoutNd {
  static override pythonModule = 'torch.nn.modules.dropout';
  override forward(input: Tensor): Tensor {
    return this._dropout(F.dropout3d, input);
  }
}

/** Dropout that keeps SELU's self-normalising mean and variance (masked values go to SELU's negative saturation). */
export class AlphaDropout extends _DropoutNd {
  static override pythonModule = 'torch.nn.modules.dropout';
  override forward(input: Tensor): Tensor {
    return F.alphaDropout(input, this.p, this.training);
  }
}

/** AlphaDropout of whole channels. */
export class FeatureAlphaDropout extends _DropoutNd {
  static override pythonModule = 'torch.nn.modules.dropout';
  override forward(input: Tensor): Tensor {
    return F.featureAlphaDropout(input, this.p, this.training);
  }
}
