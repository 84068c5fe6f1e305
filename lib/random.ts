// Random numbers from libtorch's default CPU generator: with the same seed, the same streams as
// Python's torch.manual_seed / torch.rand / torch.randn / torch.randint / torch.randperm.
import { type TensorOptions, deviceArg, factoryArgs, withOptions } from './creation';
import { native } from './native';
import { op } from './ops';
import { wrap, type Tensor } from './tensor';

const ops = {
  rand: op('aten::rand'),
  randn: op('aten::randn'),
  randint: op('aten::randint.low'),
  randperm: op('aten::randperm'),
};

/** torch.manual_seed: seeds the default generator (negative seeds wrap to 64 bits, as in PyTorch). */
export function manualSeed(seed: number | bigint): void {
  if (typeof seed === 'number' && !Number.isInteger(seed)) throw new TypeError(`manual_seed expected an int, got ${seed}`);
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError(`manual_seed expected an int, got ${typeof seed}`);
  native.manualSeed(BigInt.asUintN(64, BigInt(seed)));
}

type SizeArg = number | readonly number[];

/** Uniform on [0, 1): torch.rand(2, 3) or torch.rand([2, 3], { dtype }). */
export function rand(...args: (SizeArg | TensorOptions)[]): Tensor {
  const [sizes, options] = factoryArgs(args);
  return withOptions(wrap(native.callOp(ops.rand, sizes, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
/** Standard normal: torch.randn(2, 3). */
export function randn(...args: (SizeArg | TensorOptions)[]): Tensor {
  const [sizes, options] = factoryArgs(args);
  return withOptions(wrap(native.callOp(ops.randn, sizes, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
/** Integers in [low, high): torch.randint(high, size) or torch.randint(low, high, size). */
export function randint(...args: (number | readonly number[] | TensorOptions)[]): Tensor {
  const last = args[args.length - 1];
  const options = last !== undefined && typeof last === 'object' && !Array.isArray(last) ? (last as TensorOptions) : {};
  const rest = options === last ? args.slice(0, -1) : args;
  const [low, high, size] = rest.length === 2 ? [0, rest[0], rest[1]] : rest;
  if (!Array.isArray(size)) throw new TypeError('randint(): size must be an array of ints, e.g. randint(10, [2, 3])');
  return withOptions(wrap(native.callOp(ops.randint, low, high, size, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, options: TensorOptions = {}): Tensor {
  return withOptions(wrap(native.callOp(ops.randperm, n, options.dtype?.code, undefined, deviceArg(options.device))), options);
}
