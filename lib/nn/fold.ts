// torch/nn/modules/fold.py: Fold (col2im) and Unfold (im2col). Like PyTorch, each keeps its sizes
// as given (an int stays an int, a tuple a tuple).
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyStr } from './repr';
import type { Args, IntOrTuple } from './modules_utils';

export interface UnfoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}
type UnfoldBound = Required<UnfoldOptions> & { kernelSize: IntOrTuple };
type FoldBound = UnfoldBound & { outputSize: IntOrTuple };
type UnfoldPositional = [dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple];

const FOLD_INIT = pySignature<FoldBound>('Fold.__init__', 'self, output_size, kernel_size, dilation=1, padding=0, stride=1');
const UNFOLD_INIT = pySignature<UnfoldBound>('Unfold.__init__', 'self, kernel_size, dilation=1, padding=0, stride=1');

/** Sums sliding local blocks (N, C·∏kernel, L) back into a (N, C, *outputSize) tensor. */
export class Fold extends Module {
  static override pythonModule = 'torch.nn.modules.fold';
  declare outputSize: IntOrTuple;
  declare kernelSize: IntOrTuple;
  declare dilation: IntOrTuple;
  declare padding: IntOrTuple;
  declare stride: IntOrTuple;

  constructor(
    ...args: Args<[outputSize: IntOrTuple, kernelSize: IntOrTuple], UnfoldPositional, UnfoldOptions> | [options: UnfoldOptions & { outputSize: IntOrTuple; kernelSize: IntOrTuple }]
  ) {
    super();
    const o = FOLD_INIT(args);
    this.outputSize = o.outputSize;
    this.kernelSize = o.kernelSize;
    this.dilation = o.dilation;
    this.padding = o.padding;
    this.stride = o.stride;
  }

  override forward(input: Tensor): Tensor {
    return F.fold(input, this.outputSize, this.kernelSize, this.dilation, this.padding, this.stride);
  }

  override extraRepr(): string {
    return (
      `output_size=${pyStr(this.outputSize)}, kernel_size=${pyStr(this.kernelSize)}, ` +
      `dilation=${pyStr(this.dilation)}, padding=${pyStr(this.padding)}, stride=${pyStr(this.stride)}`
    );
  }
}

/** Extracts sliding local blocks of (N, C, *) input into (N, C·∏kernel, L). */
export class Unfold extends Module {
  static override pythonModule = 'torch.nn.modules.fold';
  declare kernelSize: IntOrTuple;
  declare dilation: IntOrTuple;
  declare padding: IntOrTuple;
  declare stride: IntOrTuple;

  constructor(...args: Args<[kernelSize: IntOrTuple], UnfoldPositional, UnfoldOptions> | [options: UnfoldOptions & { kernelSize: IntOrTuple }]) {
    super();
    const o = UNFOLD_INIT(args);
    this.kernelSize = o.kernelSize;
    this.dilation = o.dilation;
    this.padding = o.padding;
    this.stride = o.stride;
  }

  override forward(input: Tensor): Tensor {
    return F.unfold(input, this.kernelSize, this.dilation, this.padding, this.stride);
  }

  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, dilation=${pyStr(this.dilation)}, padding=${pyStr(this.padding)}, stride=${pyStr(this.stride)}`;
  }
}
