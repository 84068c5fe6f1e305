// torchvision/models/_utils.py: what the builders share (_ovewrite_named_param, _make_divisible),
// and how a builder splits its own options from the model's (Python's `**kwargs`).
import { Module } from '../../nn/module';
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
