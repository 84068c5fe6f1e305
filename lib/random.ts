// Seeding libtorch's default CPU generator: with the same seed, torch.rand / randn / randint /
// randperm (bound from ATen) give the same streams as Python's.
import { native } from './native';

/** torch.manual_seed: seeds the default generator (negative seeds wrap to 64 bits, as in PyTorch). */
export function manualSeed(seed: number | bigint): void {
  if (typeof seed === 'number' && !Number.isInteger(seed)) throw new TypeError(`manual_seed expected an int, got ${seed}`);
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError(`manual_seed expected an int, got ${typeof seed}`);
  native.manualSeed(BigInt.asUintN(64, BigInt(seed)));
}
