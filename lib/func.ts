// torch.func (torch/_functorch/functional_call.py): functional_call and stack_module_state.
import { stack } from './generated/torch';
import { Tensor } from './tensor';
import { pySignature } from './python_signature';
import { Module } from './nn/module';
import { isOptions } from './nn/modules_utils';
import { _callModule, _reparametrizeModule, trailingOptions, type FunctionalCallOptions, type NamedTensors } from './nn/utils/stateless';

const FUNCTIONAL_CALL = pySignature('functional_call', 'module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False');
const STACK_MODULE_STATE = pySignature('stack_module_state', 'models');

export type { FunctionalCallOptions, NamedTensors };

const isDict = (x: unknown): x is NamedTensors => x instanceof Map || isOptions(x);

/** Python's `type(x)` as its repr, for the message. */
function pyType(x: unknown): string {
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (x instanceof Tensor) return "<class 'torch.Tensor'>";
  const t = typeof x;
  const name = t === 'number' ? (Number.isInteger(x) ? 'int' : 'float') : t === 'string' ? 'str' : t === 'boolean' ? 'bool' : (x as object).constructor?.name ?? t;
  return `<class '${name}'>`;
}

/**
 * Calls `module` with the tensors of `parameterAndBufferDicts` (a dict — a Map or a plain object
 * — or an array of dicts) in place of its parameters and buffers of the same dotted names, and
 * puts its own back afterwards (torch.func.functional_call). `args` is the argument list (an
 * array; anything else is the one argument), `kwargs` an options object passed last; the options
 * `tieWeights` (default true: a value given for one of several tied names serves them all) and
 * `strict` (every parameter and buffer must be given, and nothing else) come fifth:
 *   torch.func.functionalCall(model, { 'fc.weight': w }, [x])
 *   torch.func.functionalCall(model, params, [x], null, { strict: true })
 */
export function functionalCall(
  module: Module, parameterAndBufferDicts: NamedTensors | readonly NamedTensors[], args?: unknown, kwargs?: Record<string, unknown> | null, options?: FunctionalCallOptions,
): any;
export function functionalCall(...args: unknown[]): unknown {
  const o = FUNCTIONAL_CALL<{ module: Module; parameterAndBufferDicts: unknown; args: unknown; kwargs: Record<string, unknown> | null; tieWeights: boolean; strict: boolean }>(
    trailingOptions(args),
  );
  const dicts = o.parameterAndBufferDicts;
  let parametersAndBuffers: NamedTensors;
  if (isDict(dicts)) {
    parametersAndBuffers = dicts;
  } else if (Array.isArray(dicts)) {
    if (!dicts.every(isDict)) throw new RangeError('Expected all elements of parameter_and_buffer_dicts to be dictionaries');
    const entries = dicts.flatMap((d: NamedTensors) => (d instanceof Map ? [...d] : Object.entries(d)));
    const counts = new Map<string, number>();
    for (const [k] of entries) counts.set(k, (counts.get(k) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([k]) => `'${k}'`);
    if (repeated.length > 0) throw new RangeError(`[${repeated.join(', ')}] appeared in multiple dictionaries; behavior of functional call is ambiguous`);
    parametersAndBuffers = new Map(entries);
  } else {
    throw new RangeError(`Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got ${pyType(dicts)}`);
  }
  return _reparametrizeModule(o.module, parametersAndBuffers, o, () => _callModule(o.module, o.args, o.kwargs));
}

function stackedLeaf(tensors: Tensor[], name: string): Tensor {
  const allRequireGrad = tensors.every((t) => t.requiresGrad);
  const noneRequireGrad = tensors.every((t) => !t.requiresGrad);
  if (!allRequireGrad && !noneRequireGrad) throw new Error(`Expected ${name} from each model to have the same .requires_grad`);
  const result = stack(tensors);
  return allRequireGrad ? result.detach().requiresGrad_() : result;
}

/**
 * The parameters and buffers of same-class models stacked along a new first dimension, as two
 * Maps by name (torch.func.stack_module_state); the stacked parameters are new leaves.
 */
export function stackModuleState(models: Iterable<Module>): [Map<string, Tensor>, Map<string, Tensor>];
export function stackModuleState(...args: unknown[]): [Map<string, Tensor>, Map<string, Tensor>] {
  const o = STACK_MODULE_STATE<{ models: Iterable<Module> }>(args);
  const models = [...o.models];
  if (models.length === 0) throw new Error('stack_module_state: Expected at least one model, got 0.');
  if (!(models.every((m) => m.training) || models.every((m) => !m.training))) {
    throw new Error('stack_module_state: Expected all models to have the same training/eval mode.');
  }
  if (!models.every((m) => m.constructor === models[0]!.constructor)) throw new Error('stack_module_state: Expected all models to be of the same class.');
  const stackAll = (named: (m: Module) => Iterable<[string, Tensor]>): Map<string, Tensor> => {
    const all = models.map((m) => new Map(named(m)));
    return new Map([...all[0]!.keys()].map((k) => [k, stackedLeaf(all.map((d) => d.get(k)!), k)]));
  };
  return [stackAll((m) => m.namedParameters()), stackAll((m) => m.namedBuffers())];
}
