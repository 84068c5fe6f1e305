// torch/nn/utils/weight_norm.py: the old-style weight normalization, a forward pre-hook that
// recomputes `weight` from the parameters `weight_g` (magnitude) and `weight_v` (direction)
// before every call. Deprecated in PyTorch in favour of parametrizations.weightNorm.
import { normExceptDim } from '../../generated/torch';
import { keep } from '../../memory';
import { native } from '../../native';
import { op } from '../../ops';
import { Tensor, wrap } from '../../tensor';
import { pySignature } from '../../python_signature';
import type { ForwardPreHook, Module } from '../module';
import { Parameter, UninitializedParameter } from '../parameter';

const ops = { weightNorm: op('aten::_weight_norm') };

const WEIGHT_NORM = pySignature('weight_norm', 'module, name="weight", dim=0');
const REMOVE_WEIGHT_NORM = pySignature('remove_weight_norm', 'module, name="weight"');

/** The forward pre-hooks that are WeightNorms (PyTorch finds them by their class). */
const hooks = new WeakMap<ForwardPreHook, WeightNorm>();

const attrs = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** torch.nn.utils.weight_norm.WeightNorm: the hook's state, `name` and `dim`. */
export class WeightNorm {
  readonly name: string;
  readonly dim: number;

  constructor(name: string, dim: number | null) {
    this.name = name;
    this.dim = dim ?? -1;
  }

  computeWeight(module: Module): Tensor {
    const g = attrs(module)[`${this.name}_g`] as Tensor;
    const v = attrs(module)[`${this.name}_v`] as Tensor;
    return wrap(native.callOp(ops.weightNorm, v._h, g._h, this.dim));
  }

  static apply(module: Module, name: string, dim: number | null): WeightNorm {
    process.emitWarning('`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.', 'FutureWarning');
    for (const hook of module._forwardPreHooks.values()) {
      if (hooks.get(hook)?.name === name) throw new Error(`Cannot register two weight_norm hooks on the same parameter ${name}`);
    }
    const fn = new WeightNorm(name, dim);
    const weight = attrs(module)[name] as Tensor;
    if (weight instanceof UninitializedParameter) {
      throw new RangeError(
        "The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying weight normalization",
      );
    }
    delete attrs(module)[name];
    module.registerParameter(`${name}_g`, new Parameter(normExceptDim(weight, 2, fn.dim).data));
    module.registerParameter(`${name}_v`, new Parameter(weight.data));
    attrs(module)[name] = keep(fn.computeWeight(module));
    const hook: ForwardPreHook = (m) => {
      attrs(m)[fn.name] = keep(fn.computeWeight(m));
    };
    hooks.set(hook, fn);
    module.registerForwardPreHook(hook);
    return fn;
  }

  remove(module: Module): void {
    const weight = this.computeWeight(module);
    delete attrs(module)[this.name];
    delete attrs(module)[`${this.name}_g`];
    delete attrs(module)[`${this.name}_v`];
    attrs(module)[this.name] = new Parameter(weight.data);
  }
}

/**
 * Replaces `module[name]` by `name_g * name_v / ‖name_v‖` (norm over every dimension but `dim`;
 * `dim: null` normalizes the whole tensor), recomputed before each call (torch.nn.utils.weight_norm).
 */
export function weightNorm<M extends Module>(module: M, name?: string, dim?: number | null): M;
export function weightNorm<M extends Module>(module: M, options: { name?: string; dim?: number | null }): M;
export function weightNorm(...args: unknown[]): Module {
  const o = WEIGHT_NORM<{ module: Module; name: string; dim: number | null }>(args);
  WeightNorm.apply(o.module, o.name, o.dim);
  return o.module;
}

/** Undoes weightNorm: `name` is one parameter again, holding the normalized value (torch.nn.utils.remove_weight_norm). */
export function removeWeightNorm<M extends Module>(module: M, name?: string): M;
export function removeWeightNorm(...args: unknown[]): Module {
  const o = REMOVE_WEIGHT_NORM<{ module: Module; name: string }>(args);
  for (const [id, hook] of o.module._forwardPreHooks) {
    const fn = hooks.get(hook);
    if (fn?.name === o.name) {
      fn.remove(o.module);
      o.module._forwardPreHooks.delete(id);
      return o.module;
    }
  }
  throw new RangeError(`weight_norm of '${o.name}' not found in ${o.module}`);
}
