// torch/nn/modules/linear.py: Identity, Linear, Bilinear.
import { empty } from '../generated/torch';
import type { DeviceLike } from '../device';
import type { DType } from '../dtype';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

// The constructors' Python signatures (device and dtype keyword-only here).
const LINEAR = pySignature('Linear.__init__', 'self, in_features, out_features, bias=True, *, device=None, dtype=None');
const BILINEAR = pySignature('Bilinear.__init__', 'self, in1_features, in2_features, out_features, bias=True, *, device=None, dtype=None');
const LINEAR_FORWARD = pySignature<{ input: Tensor }>('Linear.forward', 'self, input');
const BILINEAR_FORWARD = pySignature<{ input1: Tensor; input2: Tensor }>('Bilinear.forward', 'self, input1, input2');

export interface FactoryOptions {
  device?: DeviceLike;
  dtype?: DType;
}

/** A placeholder that returns its input; takes (and ignores) any arguments. */
export class Identity extends Module {
  static override pythonModule = 'torch.nn.modules.linear';
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

export interface LinearOptions extends FactoryOptions {
  bias?: boolean;
}

/** y = x Aᵀ + b. */
export class Linear extends Module {
  static override pythonModule = 'torch.nn.modules.linear';
  declare inFeatures: number;
  declare outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(...args: Args<[inFeatures: number, outFeatures: number], [bias: boolean], LinearOptions>) {
    super();
    const o = LINEAR<LinearOptions & { inFeatures: number; outFeatures: number }>(args);
    const factory = { device: o.device, dtype: o.dtype };
    this.inFeatures = o.inFeatures;
    this.outFeatures = o.outFeatures;
    this.weight = new Parameter(empty([o.outFeatures, o.inFeatures], factory));
    if (o.bias ?? true) this.bias = new Parameter(empty([o.outFeatures], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    // a=√5 makes kaiming_uniform U(-1/√in_features, 1/√in_features) (pytorch/pytorch#57109).
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(...args: [input: Tensor] | [options: { input: Tensor }]): Tensor {
    return F.linear(LINEAR_FORWARD(args).input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

/** MultiheadAttention's output projection: a Linear under another name (quantization tells them apart). */
export class NonDynamicallyQuantizableLinear extends Linear {
  static override pythonModule = 'torch.nn.modules.linear';
}

/** y = x₁ᵀ A x₂ + b. */
export class Bilinear extends Module {
  static override pythonModule = 'torch.nn.modules.linear';
  declare in1Features: number;
  declare in2Features: number;
  declare outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(...args: Args<[in1Features: number, in2Features: number, outFeatures: number], [bias: boolean], LinearOptions>) {
    super();
    type Bound = LinearOptions & { in1Features: number; in2Features: number; outFeatures: number };
    const o = BILINEAR<Bound>(args);
    const factory = { device: o.device, dtype: o.dtype };
    this.in1Features = o.in1Features;
    this.in2Features = o.in2Features;
    this.outFeatures = o.outFeatures;
    this.weight = new Parameter(empty([o.outFeatures, o.in1Features, o.in2Features], factory));
    if (o.bias ?? true) this.bias = new Parameter(empty([o.outFeatures], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.in1Features <= 0) throw new Error(`in1_features must be > 0, but got (in1_features=${this.in1Features})`);
    const bound = 1 / Math.sqrt(this.weight.size(1) as number);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(...args: [input1: Tensor, input2: Tensor] | [options: { input1: Tensor; input2: Tensor }]): Tensor {
    const { input1, input2 } = BILINEAR_FORWARD(args);
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}
