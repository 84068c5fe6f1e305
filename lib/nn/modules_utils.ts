// torch/nn/modules/utils.py (_single, _pair, _reverse_repeat_tuple), the argument-list types of
// a layer constructor and the camelCase <-> snake_case names. The binding itself is Python's
// (lib/python_signature.ts): positional-or-keyword parameters are positional here too, and any
// trailing run of them (plus keyword-only ones such as device and dtype) may be given in a
// trailing options object with camelCase keys:
//   new nn.Conv2d(3, 64, 3, 1, 1)  ===  new nn.Conv2d(3, 64, 3, { stride: 1, padding: 1 })

/** An int, or a tuple of them (PyTorch's `_size_2_t`). */
export type IntOrTuple = number | readonly number[];

function ntuple(n: number) {
  return (x: IntOrTuple): number[] => (typeof x === 'number' ? Array<number>(n).fill(x) : [...x]);
}
export const _single = ntuple(1);
export const _pair = ntuple(2);
export const _triple = ntuple(3);

/** Reverses `t` and repeats each element `n` times (conv padding in F.pad's order). */
export function _reverseRepeatTuple(t: readonly number[], n: number): number[] {
  return [...t].reverse().flatMap((x) => Array<number>(n).fill(x));
}

type Prefixes<P extends unknown[]> = P extends [...infer H, unknown] ? P | Prefixes<H> : [];
/**
 * A constructor's argument list: the required positional arguments `R`, then any leading run of
 * the optional positional arguments `P`, then optionally the options object `O`.
 */
export type Args<R extends unknown[], P extends unknown[], O> = Prefixes<P> extends infer Q ? (Q extends unknown[] ? [...R, ...Q, O?] : never) : never;

/** A trailing options object is a plain object literal (never a Tensor, Module, array or Map). */
export function isOptions(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** PyTorch's name for a camelCase one: `inFeatures` -> `in_features`, `in1Features` -> `in1_features`. */
export function camelToSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `in_features` -> `inFeatures`, `_qkv_same_embed_dim` -> `_qkvSameEmbedDim` (leading underscores stay). */
export function snakeToCamel(name: string): string {
  return name.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
