// torch/utils/data/_utils/collate.py. Python's types in JS: a Tensor; an int is an integral
// number or a bigint, a float a non-integral number or a torch.pyFloat, a bool a boolean; a str a
// string, bytes a Buffer; a NumPy array a TypedArray; a dict a plain object or a Map; a list or
// tuple an array (a tuple comes back as a list, as in PyTorch).
import { float64 } from '../../dtype';
import { tensor, type TensorData } from '../../creation';
import { stack } from '../../generated/torch';
import { PyFloat } from '../../scalar';
import { Tensor } from '../../tensor';
import { isOptions } from '../../nn/modules_utils';

const TYPED_ARRAY = Object.getPrototypeOf(Int8Array);
const isTypedArray = (v: unknown): v is ArrayLike<number> => v instanceof TYPED_ARRAY && !Buffer.isBuffer(v);

/** Python's `type(x)` as PyTorch's messages print it: `<class 'NoneType'>`. */
function pyClass(v: unknown): string {
  let name: string;
  if (v === null || v === undefined) name = 'NoneType';
  else if (typeof v === 'function') name = 'function';
  else if (typeof v === 'symbol') name = 'symbol';
  else name = (v as object).constructor?.name ?? 'object';
  return `<class '${name}'>`;
}

const ERR = (v: unknown): TypeError => new TypeError(`default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ${pyClass(v)}`);

const isInt = (v: unknown): boolean => typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
const isFloat = (v: unknown): boolean => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));

/**
 * torch.utils.data.default_collate: stacks a batch of samples into tensors with a leading batch
 * dimension, recursing into dicts and sequences (a batch of pairs becomes a pair of batches).
 */
export function defaultCollate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (isTypedArray(elem)) return defaultCollate(batch.map((b) => tensor(b as unknown as TensorData)));
  if (isFloat(elem)) return tensor(batch as TensorData, { dtype: float64 });
  if (isInt(elem)) return tensor(batch as TensorData);
  if (typeof elem === 'string' || Buffer.isBuffer(elem)) return batch;
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const key of elem.keys()) out.set(key, defaultCollate(batch.map((d) => (d as Map<unknown, unknown>).get(key))));
    return out;
  }
  if (isOptions(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = defaultCollate(batch.map((d) => (d as Record<string, unknown>)[key]));
    return out;
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((e) => (e as unknown[]).length === size)) throw new Error('each element in list of batch should be of equal size');
    return Array.from({ length: size }, (_, i) => defaultCollate(batch.map((e) => (e as unknown[])[i])));
  }
  throw ERR(elem);
}

/**
 * torch.utils.data.default_convert: the collate function without batching (batchSize null):
 * turns NumPy-like arrays (TypedArrays) into tensors, recursing into dicts and sequences.
 */
export function defaultConvert(data: unknown): unknown {
  if (data instanceof Tensor) return data;
  if (isTypedArray(data)) return tensor(data as unknown as TensorData);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (isOptions(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  if (Array.isArray(data)) return data.map(defaultConvert);
  return data;
}

// Workers import the default collate functions from here (see _transfer.ts).
defaultCollate.workerModule = __filename;
defaultConvert.workerModule = __filename;
