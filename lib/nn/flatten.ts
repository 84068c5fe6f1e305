// torch/nn/modules/flatten.py: Flatten, Unflatten.
import { native } from '../native';
import { op } from '../ops';
import { wrap, type Tensor } from '../tensor';
import { Module } from './module';
import { pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

const FLATTEN = pySignature('Flatten.__init__', 'self, start_dim=1, end_dim=-1');
const UNFLATTEN = pySignature('Unflatten.__init__', 'self, dim, unflattened_size');

const ops = {
  unflatten: op('aten::unflatten.int'),
};

/** Flattens dimensions startDim..endDim into one (default: all but the batch dimension). */
export class Flatten extends Module {
  static override pythonModule = 'torch.nn.modules.flatten';
  declare startDim: number;
  declare endDim: number;

  constructor(...args: Args<[], [startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    const o = FLATTEN<{ startDim?: number; endDim?: number }>(args);
    this.startDim = o.startDim ?? 1;
    this.endDim = o.endDim ?? -1;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dimension `dim` into `unflattenedSize` (one entry may be -1). */
export class Unflatten extends Module {
  static override pythonModule = 'torch.nn.modules.flatten';
  declare dim: number;
  declare unflattenedSize: number[];

  constructor(...args: [dim: number, unflattenedSize: readonly number[]] | [{ dim: number; unflattenedSize: readonly number[] }]) {
    super();
    const o = UNFLATTEN<{ dim: number; unflattenedSize: unknown }>(args);
    Unflatten._requireTupleInt(o.unflattenedSize);
    this.dim = o.dim;
    this.unflattenedSize = [...o.unflattenedSize];
  }

  private static _requireTupleInt(input: unknown): asserts input is number[] {
    if (Array.isArray(input)) {
      input.forEach((elem, idx) => {
        if (typeof elem !== 'number' || !Number.isInteger(elem)) {
          const type = typeof elem === 'number' ? 'float' : elem === null ? 'NoneType' : typeof elem === 'string' ? 'str' : typeof elem;
          throw new TypeError(`unflattened_size must be tuple of ints, but found element of type ${type} at pos ${idx}`);
        }
      });
      return;
    }
    const type = typeof input === 'number' ? (Number.isInteger(input) ? 'int' : 'float') : input === null ? 'NoneType' : typeof input === 'string' ? 'str' : typeof input;
    throw new TypeError(`unflattened_size must be a tuple of ints, but found type ${type}`);
  }

  override forward(input: Tensor): Tensor {
    return wrap(native.callOp(ops.unflatten, input._h, this.dim, this.unflattenedSize));
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyRepr(this.unflattenedSize)}`;
  }
}
