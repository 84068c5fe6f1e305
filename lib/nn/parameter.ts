// torch.nn.Parameter (torch/nn/parameter.py): a tensor that a Module registers as a parameter
// when it is assigned to one of the Module's properties.
import { empty } from '../generated/torch';
import { keep } from '../memory';
import { native, type Handle } from '../native';
import { op } from '../ops';
import { Tensor } from '../tensor';

const ops = {
  alias: op('aten::detach'),
  requiresGrad_: op('aten::requires_grad_'),
};

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
