// torch/nn/modules/padding.py: constant (and zero), reflection, replication and circular padding
// in 1, 2 and 3 dimensions. Each keeps its padding as PyTorch does, an n-tuple in F.pad's order
// (left, right, top, bottom, front, back); an int is repeated, a tuple kept as given.
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyFloat, pyStr } from './repr';
import { pyFloat as float } from '../scalar';
import type { IntOrTuple } from './modules_utils';

/** Python's _ntuple(n): an int repeated n times, any sequence kept as it is. */
const ntuple = (n: number) => (x: IntOrTuple): number[] => (typeof x === 'number' ? Array<number>(n).fill(x) : [...x]);
const NTUPLE: Record<1 | 2 | 3, (x: IntOrTuple) => number[]> = { 1: ntuple(2), 2: ntuple(4), 3: ntuple(6) };

const PADDING_INIT = pySignature<{ padding: IntOrTuple }>('ReflectionPad1d.__init__', 'self, padding');
const CONSTANT_INIT = pySignature<{ padding: IntOrTuple; value: number }>('ConstantPad1d.__init__', 'self, padding, value');

type PaddingArgs = [padding: IntOrTuple] | [options: { padding: IntOrTuple }];
/** The spatial dimensions a padding class pads: its static `_n` (1, 2 or 3). */
const dimsOf = (cls: unknown): 1 | 2 | 3 => (cls as { _n: 1 | 2 | 3 })._n;

// ---- circular -------------------------------------------------------------------------------------

/** Circular padding's shared forward (with its input-rank check) and repr. */
export abstract class _CircularPadNd extends Module {
  declare padding: number[];

  constructor(...args: PaddingArgs) {
    super();
    this.padding = NTUPLE[dimsOf(new.target)](PADDING_INIT(args, `${new.target.name}.__init__`).padding);
  }

  _checkInputDim(input: Tensor): void {
    const d = dimsOf(this.constructor);
    if (input.dim() !== d + 1 && input.dim() !== d + 2) throw new RangeError(`expected ${d + 1}D or ${d + 2}D input (got ${input.dim()}D input)`);
  }

  override forward(input: Tensor): Tensor {
    this._checkInputDim(input);
    return F.pad(input, this.padding, 'circular');
  }

  override extraRepr(): string {
    return pyStr(this.padding);
  }
}

/** Pads (C, W) or (N, C, W) input by wrapping it around. */
export class CircularPad1d extends _CircularPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 1 as const;
}
/** Pads (C, H, W) or (N, C, H, W) input by wrapping it around. */
export class CircularPad2d extends _CircularPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 2 as const;
}
/** Pads (C, D, H, W) or (N, C, D, H, W) input by wrapping it around. */
export class CircularPad3d extends _CircularPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 3 as const;
}

// ---- constant and zero ----------------------------------------------------------------------------

/** Constant padding's shared forward and repr. */
export abstract class _ConstantPadNd extends Module {
  declare padding: number[];
  declare value: number;

  constructor(...args: [padding: IntOrTuple, value: number] | [padding: IntOrTuple, options: { value: number }] | [options: { padding: IntOrTuple; value: number }]) {
    super();
    const o = CONSTANT_INIT(args, `${new.target.name}.__init__`);
    this.value = o.value;
    this.padding = NTUPLE[dimsOf(new.target)](o.padding);
  }

  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, 'constant', this.value);
  }

  override extraRepr(): string {
    return `padding=${pyStr(this.padding)}, value=${this._pyNum('value')}`;
  }
}

/** Pads the last dimension with a constant `value`. */
export class ConstantPad1d extends _ConstantPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 1 as const;
}
/** Pads the last two dimensions with a constant `value`. */
export class ConstantPad2d extends _ConstantPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 2 as const;
}
/** Pads the last three dimensions with a constant `value`. */
export class ConstantPad3d extends _ConstantPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 3 as const;
}

type ConstantPadClass = typeof ConstantPad1d | typeof ConstantPad2d | typeof ConstantPad3d;
/** ZeroPad{n}d's base: ConstantPad{n}d with value 0.0, bound from the padding alone; the repr shows only the padding. */
function zeroPadOf<B extends ConstantPadClass>(Base: B): Omit<B, 'prototype'> & (new (...args: PaddingArgs) => InstanceType<B>) {
  class ZeroPad extends (Base as typeof ConstantPad1d) {
    constructor(...args: PaddingArgs) {
      super(PADDING_INIT(args, `${new.target.name}.__init__`).padding, float(0) as unknown as number);
    }
    override extraRepr(): string {
      return pyStr(this.padding);
    }
  }
  return ZeroPad as never;
}

/** Pads the last dimension with zeros (ConstantPad1d with value 0.0; the repr shows only the padding). */
export class ZeroPad1d extends zeroPadOf(ConstantPad1d) {
  static override pythonModule = 'torch.nn.modules.padding';
}
/** Pads the last two dimensions with zeros (ConstantPad2d with value 0.0; the repr shows only the padding). */
export class ZeroPad2d extends zeroPadOf(ConstantPad2d) {
  static override pythonModule = 'torch.nn.modules.padding';
}
/** Pads the last three dimensions with zeros (ConstantPad3d with value 0.0; the repr shows only the padding). */
export class ZeroPad3d extends zeroPadOf(ConstantPad3d) {
  static override pythonModule = 'torch.nn.modules.padding';
}

// ---- reflection and replication -------------------------------------------------------------------

/** Reflection and replication padding: the padding, F.pad in the class's mode, the bare repr. */
abstract class _ModePadNd extends Module {
  declare padding: number[];
  protected abstract get _mode(): 'reflect' | 'replicate';

  constructor(...args: PaddingArgs) {
    super();
    this.padding = NTUPLE[dimsOf(new.target)](PADDING_INIT(args, `${new.target.name}.__init__`).padding);
  }

  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, this._mode);
  }

  override extraRepr(): string {
    return pyStr(this.padding);
  }
}

/** Pads by reflecting the input at its borders (the border itself not repeated). */
export abstract class _ReflectionPadNd extends _ModePadNd {
  protected get _mode(): 'reflect' {
    return 'reflect';
  }
}
/** Reflection padding of the last dimension. */
export class ReflectionPad1d extends _ReflectionPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 1 as const;
}
/** Reflection padding of the last two dimensions. */
export class ReflectionPad2d extends _ReflectionPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 2 as const;
}
/** Reflection padding of the last three dimensions. */
export class ReflectionPad3d extends _ReflectionPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 3 as const;
}

/** Pads by repeating the input's border values. */
export abstract class _ReplicationPadNd extends _ModePadNd {
  protected get _mode(): 'replicate' {
    return 'replicate';
  }
}
/** Replication padding of the last dimension. */
export class ReplicationPad1d extends _ReplicationPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 1 as const;
}
/** Replication padding of the last two dimensions. */
export class ReplicationPad2d extends _ReplicationPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 2 as const;
}
/** Replication padding of the last three dimensions. */
export class ReplicationPad3d extends _ReplicationPadNd {
  static override pythonModule = 'torch.nn.modules.padding';
  static _n = 3 as const;
}
