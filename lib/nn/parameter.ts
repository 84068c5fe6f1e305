// torch.nn.Parameter (torch/nn/parameter.py): a tensor that a Module registers as a parameter
// when it is assigned to one of the Module's properties.
import { empty } from '../generated/torch';
import { keep } from '../memory';
import { native, type Handle } from '../native';
import { op } from '../ops';
import { Tensor } from '../tensor';
import type { DeviceLike } from '../device';
import type { DType } from '../dtype';
import { pySignature } from '../python_signature';
import { PY_REDUCE, PyGlobal, Tuple, type Reduced } from '../serialization/pickle';

const ops = {
  alias: op('aten::detach'),
  requiresGrad_: op('aten::requires_grad_'),
};
const UNINIT_PARAM = pySignature('UninitializedParameter.__new__', 'cls, requires_grad=True, device=None, dtype=None');
const UNINIT_BUFFER = pySignature('UninitializedBuffer.__new__', 'cls, requires_grad=False, device=None, dtype=None, persistent=True');

export class Parameter extends Tensor {
  /**
   * A leaf sharing `data`'s storage (PyTorch's `Tensor._make_subclass`). Parameters live as long
   * as their module: a `tidy` scope around the module's construction does not free them.
   */
  constructor(data?: Tensor, requiresGrad = true) {
    super(native.callOp(ops.alias, (data ?? empty(0))._h) as Handle);
    native.callOp(ops.requiresGrad_, this._h, requiresGrad);
    keep(this);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

const BUFFER = pySignature<{ data?: Tensor | null; persistent?: boolean }>('Buffer.__new__', 'cls, data=None, *, persistent=True');

/**
 * torch.nn.Buffer: a tensor that a Module registers as a buffer when it is assigned to one of
 * the Module's properties (`persistent: false` keeps it out of stateDict()). Like PyTorch's, it
 * shares `data`'s storage, detached, with its requires_grad.
 */
export class Buffer extends Tensor {
  declare persistent: boolean;
  constructor(...args: [data?: Tensor | null, options?: { persistent?: boolean }] | [options: { data?: Tensor | null; persistent?: boolean }]) {
    const o = BUFFER(args);
    const data = o.data ?? empty(0);
    super(native.callOp(ops.alias, data._h) as Handle);
    native.callOp(ops.requiresGrad_, this._h, data.requiresGrad);
    Object.defineProperty(this, 'persistent', { value: o.persistent ?? true, writable: true, enumerable: false, configurable: true });
  }
}

// torch/nn/parameter.py's UninitializedTensorMixin, UninitializedParameter, UninitializedBuffer:
// placeholders of lazy modules (lib/nn/lazy.ts) that hold no data until `materialize(shape)`.
const UNINIT_SHAPE_ERROR =
  "Can't access the shape of an uninitialized parameter or buffer. " +
  'This error usually happens in `load_state_dict` when trying to load ' +
  'an uninitialized parameter into an initialized one. ' +
  'Call `forward` to initialize the parameters before accessing their attributes.';

/** The error PyTorch raises when a torch function meets an uninitialized parameter or buffer. */
export function uninitializedUseError(cls: string, what: string): Error {
  return new Error(
    `Attempted to use an uninitialized parameter in ${what}. This error happens when you are using a \`LazyModule\` or ` +
      `explicitly manipulating \`torch.nn.parameter.${cls}\` objects. When using LazyModules Call \`forward\` with a dummy batch ` +
      'to initialize the parameters before calling torch functions',
  );
}

interface MaterializeOptions {
  device?: DeviceLike;
  dtype?: DType;
}

/** Swaps in an empty tensor of `shape` and turns `t` into `becomes` (PyTorch's `__class__` swap). */
function materializeInto(t: Tensor, shape: readonly number[], options: MaterializeOptions, becomes: object): void {
  const data = empty([...shape], { device: options.device ?? t.device, dtype: options.dtype ?? t.dtype });
  t.data = data;
  data.dispose();
  Object.setPrototypeOf(t, becomes);
}

/** A Parameter whose shape is not known yet (a lazy module's weight before its first forward). */
export class UninitializedParameter extends Parameter {
  static clsToBecome = Parameter;
  constructor(...args: [requiresGrad?: boolean, device?: DeviceLike | null, dtype?: DType | null] | [options: { requiresGrad?: boolean; device?: DeviceLike; dtype?: DType }]) {
    const o = UNINIT_PARAM<{ requiresGrad: boolean; device: DeviceLike | null; dtype: DType | null }>(args);
    super(empty(0, { device: o.device ?? undefined, dtype: o.dtype ?? undefined }), o.requiresGrad);
  }
  /** Gives it `shape` (on its device and dtype unless told otherwise); it becomes a plain Parameter. */
  materialize(shape: readonly number[], options: MaterializeOptions = {}): void {
    materializeInto(this, shape, options, Parameter.prototype);
  }
  override get shape(): never {
    throw new Error(UNINIT_SHAPE_ERROR);
  }
  override toString(): string {
    return '<UninitializedParameter>';
  }
}

/** A buffer whose shape is not known yet (a lazy BatchNorm's running_mean before its first forward). */
export class UninitializedBuffer extends Tensor {
  static clsToBecome = Tensor;
  declare persistent: boolean;
  constructor(
    ...args:
      | [requiresGrad?: boolean, device?: DeviceLike | null, dtype?: DType | null, persistent?: boolean]
      | [options: { requiresGrad?: boolean; device?: DeviceLike; dtype?: DType; persistent?: boolean }]
  ) {
    const o = UNINIT_BUFFER<{ requiresGrad: boolean; device: DeviceLike | null; dtype: DType | null; persistent: boolean }>(args);
    super(native.callOp(ops.alias, empty(0, { device: o.device ?? undefined, dtype: o.dtype ?? undefined })._h) as Handle);
    native.callOp(ops.requiresGrad_, this._h, o.requiresGrad);
    Object.defineProperty(this, 'persistent', { value: o.persistent, writable: true, enumerable: false, configurable: true });
    keep(this);
  }
  /** Gives it `shape` (on its device and dtype unless told otherwise); it becomes a plain Tensor. */
  materialize(shape: readonly number[], options: MaterializeOptions = {}): void {
    materializeInto(this, shape, options, Tensor.prototype);
  }
  override get shape(): never {
    throw new Error(UNINIT_SHAPE_ERROR);
  }
  override toString(): string {
    return '<UninitializedBuffer>';
  }
}

// Python's UninitializedTensorMixin.__reduce_ex__: the class called with requires_grad (the device
// and dtype are not saved).
for (const cls of [UninitializedParameter, UninitializedBuffer]) {
  Object.defineProperty(cls.prototype, PY_REDUCE, {
    value: function (this: Tensor): Reduced {
      return { func: new PyGlobal('torch.nn.parameter', cls.name), args: new Tuple(this.requiresGrad) };
    },
    configurable: true,
  });
}

/** torch.nn.parameter.is_lazy: whether `param` is an UninitializedParameter or UninitializedBuffer. */
export function isLazy(param: unknown): param is UninitializedParameter | UninitializedBuffer {
  return param instanceof UninitializedParameter || param instanceof UninitializedBuffer;
}

// Tensor.to of an UninitializedBuffer is an UninitializedBuffer (PyTorch's __torch_function__ keeps
// the subclass), so `module.double()` / `.to(device)` before the first call keeps it lazy.
// (A Parameter's conversion swaps its data in place and keeps the object.)
Object.defineProperty(UninitializedBuffer.prototype, 'to', {
  value: function (this: UninitializedBuffer, ...args: unknown[]): Tensor {
    const converted = (Tensor.prototype.to as (...a: unknown[]) => Tensor).apply(this, args);
    if (converted === this) return this;
    const result = new UninitializedBuffer(this.requiresGrad, converted.device, converted.dtype, this.persistent);
    converted.dispose();
    return result;
  },
  writable: true,
  configurable: true,
});
