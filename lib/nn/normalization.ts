// torch/nn/modules/normalization.py: LayerNorm, GroupNorm.
import { empty } from '../generated/torch';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { FactoryOptions } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyFloat, pyRepr } from './repr';
import { bindArgs, type Args } from './utils';

/**
 * What LayerNorm and GroupNorm share: a weight and (optionally) a bias of `shape` when `affine`,
 * else both registered as null, initialised to ones and zeros.
 */
function affineParameters(m: LayerNorm | GroupNorm, affine: boolean, bias: boolean, shape: number[], factory: FactoryOptions): void {
  if (affine) {
    m.weight = new Parameter(empty(shape, factory));
    if (bias) m.bias = new Parameter(empty(shape, factory));
    else m.registerParameter('bias', null);
  } else {
    m.registerParameter('weight', null);
    m.registerParameter('bias', null);
  }
  resetAffine(m);
}

function resetAffine(m: LayerNorm | GroupNorm): void {
  if (m.weight !== null) init.ones_(m.weight);
  if (m.bias !== null) init.zeros_(m.bias);
}

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dimensions (Transformers' LayerNorm). */
export class LayerNorm extends Module {
  declare normalizedShape: number[];
  declare eps: number;
  declare elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(...args: Args<[normalizedShape: number | readonly number[]], [eps: number, elementwiseAffine: boolean, bias: boolean], LayerNormOptions>) {
    super();
    const o = bindArgs<LayerNormOptions & { normalizedShape: number | readonly number[] }>('LayerNorm.__init__', ['normalizedShape', 'eps', 'elementwiseAffine', 'bias'], 1, args, ['device', 'dtype']);
    const factory = { device: o.device, dtype: o.dtype };
    this.normalizedShape = typeof o.normalizedShape === 'number' ? [o.normalizedShape] : [...o.normalizedShape];
    this.eps = o.eps ?? 1e-5;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    affineParameters(this, this.elementwiseAffine, o.bias ?? true, this.normalizedShape, factory);
  }

  resetParameters(): void {
    resetAffine(this);
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}, bias=${pyRepr(this.bias !== null)}`;
  }
}

export interface GroupNormOptions extends FactoryOptions {
  eps?: number;
  affine?: boolean;
  /** Keyword-only in PyTorch. */
  bias?: boolean;
}

/** Normalises each of `numGroups` groups of channels over the group's channels and positions. */
export class GroupNorm extends Module {
  declare numGroups: number;
  declare numChannels: number;
  declare eps: number;
  declare affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(...args: Args<[numGroups: number, numChannels: number], [eps: number, affine: boolean], GroupNormOptions>) {
    super();
    type Bound = GroupNormOptions & { numGroups: number; numChannels: number };
    const o = bindArgs<Bound>('GroupNorm.__init__', ['numGroups', 'numChannels', 'eps', 'affine'], 2, args, ['device', 'dtype', 'bias']);
    const factory = { device: o.device, dtype: o.dtype };
    if (o.numChannels % o.numGroups !== 0) throw new Error(`num_channels (${o.numChannels}) must be divisible by num_groups (${o.numGroups})`);
    this.numGroups = o.numGroups;
    this.numChannels = o.numChannels;
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    affineParameters(this, this.affine, o.bias ?? true, [o.numChannels], factory);
  }

  resetParameters(): void {
    resetAffine(this);
  }

  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}, bias=${pyRepr(this.bias !== null)}`;
  }
}
