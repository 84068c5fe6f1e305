// torch.__future__ (torch/__future__.py): opt-in behaviours of Module conversions (`_apply`:
// `to`, `cuda`, `float`, `double`, ...). Exported as `torch.future` and `torch['__future__']`.
import { pySignature } from './python_signature';

let overwriteModuleParamsOnConversion = false;
let swapModuleParamsOnConversion = false;

const SET = pySignature<{ value: unknown }>('set_overwrite_module_params_on_conversion', 'value');
const GET = pySignature('get_overwrite_module_params_on_conversion', '');

/**
 * Whether converting a Module assigns new Parameter objects (`Parameter(converted)`) to its
 * parameters instead of changing the existing ones in place with `.data = converted`.
 */
export function setOverwriteModuleParamsOnConversion(...args: [value: boolean] | [options: { value: boolean }]): void {
  overwriteModuleParamsOnConversion = Boolean(SET(args, 'set_overwrite_module_params_on_conversion').value);
}
/** Whether Module conversions assign new parameters (default false). */
export function getOverwriteModuleParamsOnConversion(...args: []): boolean {
  GET(args, 'get_overwrite_module_params_on_conversion');
  return overwriteModuleParamsOnConversion;
}
/**
 * Whether converting a Module swaps each parameter's contents with the converted tensor
 * (torch.utils.swapTensors): the Parameter and its `.grad` stay the same objects. Takes precedence
 * over the overwrite flag.
 */
export function setSwapModuleParamsOnConversion(...args: [value: boolean] | [options: { value: boolean }]): void {
  swapModuleParamsOnConversion = Boolean(SET(args, 'set_swap_module_params_on_conversion').value);
}
/** Whether Module conversions swap the parameters' contents (default false). */
export function getSwapModuleParamsOnConversion(...args: []): boolean {
  GET(args, 'get_swap_module_params_on_conversion');
  return swapModuleParamsOnConversion;
}
