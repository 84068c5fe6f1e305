// Activation layers and MultiheadAttention (torch/nn/modules/activation.py).
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyRepr } from './repr';

type Inplace = { inplace?: boolean };

/** Python's `f(x, inplace=False)` in TypeScript: `new ReLU(true)` or `new ReLU({ inplace: true })`. */
function inplaceArg(arg: boolean | Inplace | undefined): boolean {
  if (typeof arg === 'object' && arg !== null) return arg.inplace ?? false;
  return arg ?? false;
}

/** ReLU(x) = max(0, x). */
export class ReLU extends Module {
  declare inplace: boolean;
  constructor(inplace: boolean | Inplace = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }
  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Clamps to [min_val, max_val]. */
export class Hardtanh extends Module {
  declare minVal: number;
  declare maxVal: number;
  declare inplace: boolean;
  constructor(minVal: number | (Inplace & { minVal?: number; maxVal?: number }) = -1.0, maxVal = 1.0, inplace = false) {
    super();
    if (typeof minVal === 'object') {
      ({ minVal = -1.0, maxVal = 1.0, inplace = false } = minVal);
    }
    this.minVal = minVal as number;
    this.maxVal = maxVal;
    this.inplace = inplace;
    if (this.maxVal <= this.minVal) throw new Error(`max_val (${pyFloat(this.maxVal)}) must be greater than min_val (${pyFloat(this.minVal)})`);
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.hardtanh_(input, this.minVal, this.maxVal) : F.hardtanh(input, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** ReLU6(x) = min(max(0, x), 6). */
export class ReLU6 extends Hardtanh {
  constructor(inplace: boolean | Inplace = false) {
    super(0.0, 6.0, inplaceArg(inplace));
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** LeakyReLU(x) = max(0, x) + negative_slope * min(0, x). */
export class LeakyReLU extends Module {
  declare negativeSlope: number;
  declare inplace: boolean;
  constructor(negativeSlope: number | (Inplace & { negativeSlope?: number }) = 1e-2, inplace: boolean | Inplace = false) {
    super();
    if (typeof negativeSlope === 'object') {
      this.negativeSlope = negativeSlope.negativeSlope ?? 1e-2;
      this.inplace = negativeSlope.inplace ?? false;
    } else {
      this.negativeSlope = negativeSlope;
      this.inplace = inplaceArg(inplace);
    }
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.leakyRelu_(input, this.negativeSlope) : F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** ELU(x) = max(0, x) + min(0, alpha * (exp(x) - 1)). */
export class ELU extends Module {
  declare alpha: number;
  declare inplace: boolean;
  constructor(alpha: number | (Inplace & { alpha?: number }) = 1.0, inplace: boolean | Inplace = false) {
    super();
    if (typeof alpha === 'object') {
      this.alpha = alpha.alpha ?? 1.0;
      this.inplace = alpha.inplace ?? false;
    } else {
      this.alpha = alpha;
      this.inplace = inplaceArg(inplace);
    }
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.elu_(input, this.alpha) : F.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** GELU, exact ('none') or with the tanh approximation ('tanh'). */
export class GELU extends Module {
  declare approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    this.approximate = typeof approximate === 'object' ? (approximate.approximate ?? 'none') : approximate;
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

/** SiLU(x) = x * sigmoid(x) (swish). */
export class SiLU extends Module {
  declare inplace: boolean;
  constructor(inplace: boolean | Inplace = false) {
    super();
    this.inplace = inplaceArg(inplace);
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? F.silu_(input) : F.silu(input);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

// F._get_softmax_dim: the legacy choice when no dim is given.
function softmaxDim(name: string, ndim: number): number {
  process.emitWarning(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`, 'UserWarning');
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

type DimArg = number | null | { dim?: number | null };
const dimArg = (dim: DimArg | undefined): number | null => (typeof dim === 'object' && dim !== null ? (dim.dim ?? null) : (dim ?? null));

/** Softmax along `dim`. */
export class Softmax extends Module {
  declare dim: number | null;
  constructor(dim: DimArg = null) {
    super();
    this.dim = dimArg(dim);
  }
  override forward(input: Tensor): Tensor {
    return input.softmax(this.dim ?? softmaxDim('softmax', input.ndim));
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** log(Softmax) along `dim`. */
export class LogSoftmax extends Module {
  declare dim: number | null;
  constructor(dim: DimArg = null) {
    super();
    this.dim = dimArg(dim);
  }
  override forward(input: Tensor): Tensor {
    return input.logSoftmax(this.dim ?? softmaxDim('log_softmax', input.ndim));
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}
