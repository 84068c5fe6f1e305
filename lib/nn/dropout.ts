// torch/nn/modules/dropout.py: Dropout, Dropout2d.
import { native } from '../native';
import { op } from '../ops';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyRepr, pyStr } from './repr';
import { bindArgs, type Args } from './utils';

const ops = {
  featureDropout_: op('aten::feature_dropout_'),
};

export interface DropoutOptions {
  p?: number;
  inplace?: boolean;
}

/** The p check and repr every dropout shares. */
export abstract class _DropoutNd extends Module {
  declare p: number;
  declare inplace: boolean;

  constructor(...args: Args<[], [p: number, inplace: boolean], DropoutOptions>) {
    super();
    const o = bindArgs<DropoutOptions>(`${new.target.name}.__init__`, ['p', 'inplace'], 0, args);
    const p = o.p ?? 0.5;
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${pyStr(p)}`);
    this.p = p;
    this.inplace = o.inplace ?? false;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}

/** Zeroes each element with probability p while training and scales the rest by 1/(1-p). */
export class Dropout extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels of (N, C, H, W) or (N, C, L) input. */
export class Dropout2d extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    // F.dropout2d's warnings.
    const dim = input.dim();
    if (dim !== 3 && dim !== 4) {
      process.emitWarning(
        `dropout2d: Received a ${dim}-D input to dropout2d, which is deprecated and will result in an error in a future release. ` +
          'To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide ' +
          'channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).',
        'UserWarning',
      );
    }
    if (dim === 3) {
      process.emitWarning(
        'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is ' +
          'interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the ' +
          'input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please ' +
          'switch to using dropout1d instead.',
        'UserWarning',
      );
    }
    if (this.inplace) {
      native.callOp(ops.featureDropout_, input._h, this.p, this.training);
      return input;
    }
    return F.dropout2d(input, { p: this.p, training: this.training });
  }
}
