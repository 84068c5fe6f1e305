// torchvision/ops/stochastic_depth.py: "Deep Networks with Stochastic Depth".
import { empty } from '../../generated/torch';
import * as nn from '../../nn';
import { pyFloat } from '../../nn/repr';
import type { Tensor } from '../../tensor';

/**
 * Zeroes the whole input ('batch') or randomly chosen rows of the batch ('row') with probability
 * `p` in training, scaling what is kept by 1 / (1 - p).
 */
export function stochasticDepth(input: Tensor, p: number, mode: 'batch' | 'row', training = true): Tensor {
  if (p < 0.0 || p > 1.0) throw new RangeError(`drop probability has to be between 0 and 1, but got ${pyFloat(p)}`);
  if (mode !== 'batch' && mode !== 'row') throw new RangeError(`mode has to be either 'batch' or 'row', but got ${String(mode)}`);
  if (!training || p === 0.0) return input;
  const survivalRate = 1.0 - p;
  const size = mode === 'row' ? [input.shape[0]!, ...Array<number>(input.ndim - 1).fill(1)] : Array<number>(input.ndim).fill(1);
  const noise = empty(size, { dtype: input.dtype, device: input.device }).bernoulli_(survivalRate);
  if (survivalRate > 0.0) noise.div_(survivalRate);
  return input.mul(noise);
}

export class StochasticDepth extends nn.Module {
  static override pythonModule = 'torchvision.ops.stochastic_depth';
  static override floatAttributes: readonly string[] = ['p'];
  declare p: number;
  declare mode: 'batch' | 'row';

  constructor(p: number, mode: 'batch' | 'row') {
    super();
    this.p = p;
    this.mode = mode;
  }

  override forward(input: Tensor): Tensor {
    return stochasticDepth(input, this.p, this.mode, this.training);
  }

  override toString(): string {
    return `StochasticDepth(p=${pyFloat(this.p)}, mode=${this.mode})`;
  }
}
