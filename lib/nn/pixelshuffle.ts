// torch/nn/modules/pixelshuffle.py: PixelShuffle and PixelUnshuffle.
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

const SHUFFLE_INIT = pySignature<{ upscaleFactor: number }>('PixelShuffle.__init__', 'self, upscale_factor');
const UNSHUFFLE_INIT = pySignature<{ downscaleFactor: number }>('PixelUnshuffle.__init__', 'self, downscale_factor');

/** Rearranges (*, C·r², H, W) into (*, C, H·r, W·r) (sub-pixel convolution). */
export class PixelShuffle extends Module {
  static override pythonModule = 'torch.nn.modules.pixelshuffle';
  declare upscaleFactor: number;

  constructor(...args: [upscaleFactor: number] | [options: { upscaleFactor: number }]) {
    super();
    this.upscaleFactor = SHUFFLE_INIT(args).upscaleFactor;
  }

  override forward(input: Tensor): Tensor {
    return F.pixelShuffle(input, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** The inverse of PixelShuffle: (*, C, H·r, W·r) into (*, C·r², H, W). */
export class PixelUnshuffle extends Module {
  static override pythonModule = 'torch.nn.modules.pixelshuffle';
  declare downscaleFactor: number;

  constructor(...args: [downscaleFactor: number] | [options: { downscaleFactor: number }]) {
    super();
    this.downscaleFactor = UNSHUFFLE_INIT(args).downscaleFactor;
  }

  override forward(input: Tensor): Tensor {
    return F.pixelUnshuffle(input, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
