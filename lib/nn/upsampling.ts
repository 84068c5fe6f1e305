// torch/nn/modules/upsampling.py: Upsample, UpsamplingNearest2d and UpsamplingBilinear2d, all
// through F.interpolate.
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyRepr } from './repr';
import type { Args } from './modules_utils';

export type UpsampleMode = 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area' | 'nearest-exact';
type Size = number | readonly number[] | null;
type ScaleFactor = number | readonly number[] | null;

export interface UpsampleOptions {
  size?: Size;
  scaleFactor?: ScaleFactor;
  mode?: UpsampleMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}
type UpsampleBound = { [K in keyof UpsampleOptions]-?: Exclude<UpsampleOptions[K], undefined> };

const UPSAMPLE_INIT = pySignature<UpsampleBound>(
  'Upsample.__init__',
  "self, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None",
);
const SHORT_INIT = pySignature<{ size: Size; scaleFactor: ScaleFactor }>('UpsamplingNearest2d.__init__', 'self, size=None, scale_factor=None');

/** Resizes (N, C, ...) input to `size`, or by `scaleFactor`, in any of F.interpolate's modes. */
export class Upsample extends Module {
  static override pythonModule = 'torch.nn.modules.upsampling';
  static override floatAttributes: readonly string[] = ['scale_factor'];
  /** The class's name, as PyTorch records it (`type(self).__name__`). */
  declare name: string;
  declare size: Size;
  /** Python floats: a number, a tuple of them, or null. */
  declare scaleFactor: ScaleFactor;
  declare mode: UpsampleMode;
  declare alignCorners: boolean | null;
  declare recomputeScaleFactor: boolean | null;

  constructor(...args: Args<[], [size: Size, scaleFactor: ScaleFactor, mode: UpsampleMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], UpsampleOptions>) {
    super();
    const o = UPSAMPLE_INIT(args);
    this.name = new.target.name;
    this.size = o.size;
    const sf = o.scaleFactor;
    // `float(scale_factor) if scale_factor else None`: a zero scale factor is no scale factor.
    this.scaleFactor = Array.isArray(sf) ? [...(sf as readonly number[])] : sf ? (sf as number) : null;
    this.mode = o.mode;
    this.alignCorners = o.alignCorners;
    this.recomputeScaleFactor = o.recomputeScaleFactor;
  }

  override forward(input: Tensor): Tensor {
    return F.interpolate(input, this.size, this.scaleFactor, this.mode, this.alignCorners, { recomputeScaleFactor: this.recomputeScaleFactor });
  }

  override extraRepr(): string {
    const sf = this.scaleFactor;
    let info: string;
    if (sf !== null) {
      const r = Array.isArray(sf) ? (sf.length === 1 ? `(${pyFloat(sf[0]!)},)` : `(${sf.map(pyFloat).join(', ')})`) : pyFloat(sf as number);
      info = `scale_factor=${r}`;
    } else info = `size=${pyRepr(this.size)}`;
    return `${info}, mode=${pyRepr(this.mode)}`;
  }
}

/** 2-D nearest-neighbour upsampling (Upsample with mode 'nearest'). */
export class UpsamplingNearest2d extends Upsample {
  static override pythonModule = 'torch.nn.modules.upsampling';
  constructor(...args: Args<[], [size: Size, scaleFactor: ScaleFactor], { size?: Size; scaleFactor?: ScaleFactor }>) {
    const o = SHORT_INIT(args, 'UpsamplingNearest2d.__init__');
    super(o.size, o.scaleFactor, { mode: 'nearest' });
  }
}

/** 2-D bilinear upsampling with align_corners=True (Upsample with mode 'bilinear'). */
export class UpsamplingBilinear2d extends Upsample {
  static override pythonModule = 'torch.nn.modules.upsampling';
  constructor(...args: Args<[], [size: Size, scaleFactor: ScaleFactor], { size?: Size; scaleFactor?: ScaleFactor }>) {
    const o = SHORT_INIT(args, 'UpsamplingBilinear2d.__init__');
    super(o.size, o.scaleFactor, { mode: 'bilinear', alignCorners: true });
  }
}
