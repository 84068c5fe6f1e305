// torchvision/transforms/v2/_transform.py's _RandomApplyTransform for the transforms of _augment.ts
// and _geometry.ts: applied with probability p (one torch.rand(1) per call, before any other draw).
import * as T from '../../../generated/torch';
import { pyFloat } from '../../../nn/repr';
import { Transform } from './index';

export abstract class _RandomApplyTransform extends Transform {
  declare p: number;

  constructor(p: number) {
    super();
    if (!(p >= 0.0 && p <= 1.0)) throw new Error('`p` should be a floating point value in the interval [0.0, 1.0].');
    this.p = p;
  }

  override forward(...inputs: unknown[]): unknown {
    if ((T.rand(1).item() as number) >= this.p) return inputs.length > 1 ? inputs : inputs[0];
    return super.forward(...inputs);
  }

  protected override reprItems(): [string, string | null][] {
    return [['p', pyFloat(this.p)]];
  }
}
