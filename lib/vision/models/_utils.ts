// torchvision/models/_utils.py: what the builders share (_ovewrite_named_param, _make_divisible),
// and how a builder splits its own options from the model's (Python's `**kwargs`); the
// IntermediateLayerGetter the segmentation models take their backbone's features with.
import { ModuleDict } from '../../nn/container';
import { Module } from '../../nn/module';
import type { Tensor } from '../../tensor';
import { isOptions } from '../../nn/modules_utils';
import type { WeightsEnum, WeightsEnumClass } from './_api';

/** Python's `_ovewrite_named_param`: a weights-imposed option must agree with what was given. */
export function _ovewriteNamedParam(kwargs: Record<string, unknown>, param: string, newValue: unknown): void {
  const key = param.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (key in kwargs && kwargs[key] !== undefined) {
    if (kwargs[key] !== newValue) throw new RangeError(`The parameter '${param}' expected value ${String(newValue)} but got ${String(kwargs[key])} instead.`);
  } else {
    kwargs[key] = newValue;
  }
}

export interface BuilderOptions<W extends WeightsEnum> {
  weights?: W | string | null;
  progress?: boolean;
}

/**
 * A builder's own keyword arguments (`weights`, `progress`) and the rest, which go to the model's
 * constructor (Python's `**kwargs`).
 */
export function _builderArgs<W extends WeightsEnum>(
  name: string,
  weightsEnum: WeightsEnumClass<W>,
  args: readonly unknown[],
): { weights: W | null; progress: boolean; kwargs: Record<string, unknown> } {
  if (args.length > 1 || (args.length === 1 && args[0] !== undefined && !isOptions(args[0]))) {
    throw new TypeError(`${name}() takes 0 positional arguments but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`);
  }
  const { weights, progress, ...kwargs } = (args[0] ?? {}) as Record<string, unknown>;
  return { weights: weightsEnum.verify(weights), progress: (progress as boolean | undefined) ?? true, kwargs };
}

/**
 * A layer argument (torchvision's `norm_layer`, `block`, ...): a Module class, constructed with
 * the arguments, or a function returning the module (Python's `functools.partial`).
 */
export type LayerFactory<A extends unknown[] = [number]> = (new (...args: A) => Module) | ((...args: A) => Module);

export function makeLayer<A extends unknown[]>(factory: LayerFactory<A>, ...args: A): Module {
  if (factory.prototype instanceof Module) return new (factory as new (...args: A) => Module)(...args);
  return (factory as (...args: A) => Module)(...args);
}

/** Rounds `v` to a multiple of `divisor` (at least `minValue`) without going down by more than 10%. */
export function _makeDivisible(v: number, divisor: number, minValue: number | null = null): number {
  const min = minValue ?? divisor;
  let newV = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

/** Python's `_ovewrite_value_param`: a value the weights impose must agree with the one given. */
export function _ovewriteValueParam<V>(param: string, actual: V | null | undefined, expected: V): V {
  const str = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  if (actual !== null && actual !== undefined && actual !== expected) {
    throw new RangeError(`The parameter '${param}' expected value ${str(expected)} but got ${str(actual)} instead.`);
  }
  return expected;
}

/**
 * The children of `model` up to the last one named in `returnLayers` (which maps a child's name to
 * the name of its output); forward runs them in order and gives a Map of the named outputs. Only
 * direct children can be returned, and they must be registered in the order forward uses them.
 */
export class IntermediateLayerGetter extends ModuleDict {
  static override pythonModule = 'torchvision.models._utils';
  static override _version = 2;
  declare returnLayers: Record<string, string>;

  constructor(model: Module, returnLayers: Record<string, string>) {
    const names = [...model.namedChildren()].map(([name]) => name);
    if (!Object.keys(returnLayers).every((k) => names.includes(k))) throw new RangeError('return_layers are not present in model');
    const remaining = new Set(Object.keys(returnLayers));
    const layers = new Map<string, Module>();
    for (const [name, module] of model.namedChildren()) {
      layers.set(name, module);
      remaining.delete(name);
      if (remaining.size === 0) break;
    }
    super(layers);
    this.returnLayers = { ...returnLayers };
  }

  override forward(x: Tensor): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, module] of this.items()) {
      x = module.call(x) as Tensor;
      if (Object.hasOwn(this.returnLayers, name)) out.set(this.returnLayers[name]!, x);
    }
    return out;
  }
}
