// torch/nn/modules/dropout.py: Dropout, Dropout2d.
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyRepr, pyStr } from './repr';
import { bindArgs, type Args } from './utils';

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
    return F.dropout2d(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
