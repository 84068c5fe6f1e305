// torch/nn/utils/convert_parameters.py: all parameters as one flat vector, and back.
import { cat } from '../../generated/torch';
import { Tensor } from '../../tensor';
import { pySignature } from '../../python_signature';
import { typename } from '../module';

const TO_VECTOR = pySignature('parameters_to_vector', 'parameters');
const TO_PARAMETERS = pySignature('vector_to_parameters', 'vec, parameters');

/** `_check_param_device`: every parameter on the same device (-1 stands for the CPU). */
function checkParamDevice(param: Tensor, old: number | null): number {
  const index = param.device.type === 'cuda' ? (param.device.index ?? 0) : -1;
  if (old === null) return index;
  if (index !== old) throw new TypeError('Found two parameters on different devices, this is currently not supported.');
  return old;
}

/** The parameters flattened and concatenated into one vector (torch.nn.utils.parameters_to_vector). */
export function parametersToVector(parameters: Iterable<Tensor>, ...rest: unknown[]): Tensor {
  const o = TO_VECTOR<{ parameters: Iterable<Tensor> }>([parameters, ...rest]);
  let device: number | null = null;
  const vec: Tensor[] = [];
  for (const param of o.parameters) {
    device = checkParamDevice(param, device);
    vec.push(param.view(-1));
  }
  return cat(vec);
}

/** Copies consecutive slices of `vec` into the parameters' data (torch.nn.utils.vector_to_parameters). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>, ...rest: unknown[]): void {
  const o = TO_PARAMETERS<{ vec: unknown; parameters: Iterable<Tensor> }>([vec, parameters, ...rest]);
  if (!(o.vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typename(o.vec)}`);
  const v = o.vec;
  let device: number | null = null;
  let pointer = 0;
  for (const param of o.parameters) {
    device = checkParamDevice(param, device);
    const n = param.numel();
    param.data = v.get(`${pointer}:${pointer + n}`).viewAs(param).data;
    pointer += n;
  }
}
