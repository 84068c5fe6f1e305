// torch/nn/modules/channelshuffle.py: ChannelShuffle.
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

const INIT = pySignature<{ groups: number }>('ChannelShuffle.__init__', 'self, groups');

/** Splits the channels of (N, C, *) input into `groups` and interleaves them (ShuffleNet). */
export class ChannelShuffle extends Module {
  static override pythonModule = 'torch.nn.modules.channelshuffle';
  declare groups: number;

  constructor(...args: [groups: number] | [options: { groups: number }]) {
    super();
    this.groups = INIT(args).groups;
  }

  override forward(input: Tensor): Tensor {
    return F.channelShuffle(input, this.groups);
  }

  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
