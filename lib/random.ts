// torch.Generator (torch/csrc/Generator.cpp) and torch/random.py: seeding, the default CPU
// generator and its state. States are PyTorch's own bytes (libtorch's get_state), so a state
// saved by Python continues here with the same numbers, and the reverse.
import { inspect } from 'util';
import { pyTypeName } from './arg_parser';
import { isAvailable as cudaIsAvailable, deviceCount as cudaDeviceCount, checkedDevice } from './cuda';
import { Device, type DeviceLike } from './device';
import { native, type GeneratorHandle } from './native';
import { pySignature } from './python_signature';
import { Tensor } from './tensor';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
// A Python int as the project returns ints: a number while exact, a bigint beyond.
const pyInt = (v: bigint): number | bigint => (v <= MAX_SAFE ? Number(v) : v);

// Python's unpacking of a seed: an int in [-2^63, 2^64), negative ones taken modulo 2^64.
function seedBits(seed: number | bigint): bigint {
  const s = BigInt(seed);
  if (s < -(2n ** 63n) || s >= 2n ** 64n) throw new RangeError('Overflow when unpacking long long');
  return BigInt.asUintN(64, s);
}

const GENERATOR = pySignature<{ device: DeviceLike | null }>('Generator', 'device=None');

/** torch.Generator: a random number generator whose state can be seeded, saved and restored. */
export class Generator {
  /** @internal */
  readonly _h: GeneratorHandle;

  constructor(device?: DeviceLike | null | { device?: DeviceLike | null });
  constructor(...args: unknown[]) {
    const { device } = GENERATOR(args);
    const d = device === null ? 'cpu' : device;
    if (typeof d !== 'string' && !(d instanceof Device)) throw new TypeError(`Generator(): argument 'device' must be torch.device, not ${pyTypeName(d)}`);
    // A device without generators here (CUDA on a CPU build) gets libtorch's own message.
    this._h = native.generatorNew(String(new Device(d)));
  }

  /** @internal A Generator over an existing native generator (a device's default one). */
  static _wrap(handle: GeneratorHandle): Generator {
    const g = Object.create(Generator.prototype) as { _h: GeneratorHandle };
    g._h = handle;
    return g as unknown as Generator;
  }

  /** The device of this generator. */
  get device(): Device {
    return new Device(native.generatorDevice(this._h));
  }

  /** Sets the seed (an int in [-2^63, 2^64); negative seeds wrap) and returns this generator. */
  manualSeed(seed: number | bigint): this {
    if (typeof seed !== 'bigint' && !(typeof seed === 'number' && Number.isSafeInteger(seed)))
      throw new Error(`manual_seed expected a long, but got ${pyTypeName(seed)}`);
    native.generatorManualSeed(this._h, seedBits(seed));
    return this;
  }

  /** Seeds this generator from a non-deterministic source and returns the seed. */
  seed(): number | bigint {
    return pyInt(native.generatorSeed(this._h));
  }

  /** The seed this generator was last seeded with. */
  initialSeed(): number | bigint {
    return pyInt(native.generatorInitialSeed(this._h));
  }

  /** The generator's state as a uint8 tensor (PyTorch's bytes; 5056 of them on CPU). */
  getState(): Tensor {
    return new Tensor(native.generatorGetState(this._h));
  }

  /** Restores a state from getState() (or from PyTorch's get_state()) and returns this generator. */
  setState(newState: Tensor): this {
    if (!(newState instanceof Tensor)) throw new TypeError(`expected a torch.ByteTensor, but got ${pyTypeName(newState)}`);
    native.generatorSetState(this._h, newState._h);
    return this;
  }

  /** A new generator with a copy of this one's state. */
  cloneState(): Generator {
    return Generator._wrap(native.generatorCloneState(this._h));
  }

  /** The Philox offset of a CUDA generator (CPU generators have none: PyTorch's error). */
  getOffset(): number | bigint {
    return pyInt(native.generatorGetOffset(this._h));
  }
  setOffset(offset: number | bigint): this {
    if (typeof offset !== 'bigint' && !(typeof offset === 'number' && Number.isSafeInteger(offset)))
      throw new Error(`manual_offset expected a long, but got ${pyTypeName(offset)}`);
    native.generatorSetOffset(this._h, seedBits(offset));
    return this;
  }

  /** The CUDA-graph-safe state (a generator), where the generator supports it. */
  graphsafeGetState(): Generator {
    return Generator._wrap(native.generatorGraphsafeGetState(this._h));
  }
  graphsafeSetState(state: Generator): this {
    if (!(state instanceof Generator)) throw new TypeError(`expected a Generator, but got ${pyTypeName(state)}`);
    native.generatorGraphsafeSetState(this._h, state._h);
    return this;
  }

  [inspect.custom](): string {
    return '<torch._C.Generator object>';
  }
}

/** torch.default_generator: the default CPU generator, the one torch.manualSeed seeds. */
export const defaultGenerator: Generator = Generator._wrap(native.defaultGenerator('cpu'));

/** torch.manual_seed: seeds the default generators of every device and returns the CPU one. */
export function manualSeed(seed: number | bigint): Generator {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new TypeError(`manual_seed(): cannot convert float ${seed} to integer`);
    seed = Math.trunc(seed); // Python's int(seed)
  } else if (typeof seed !== 'bigint') {
    throw new TypeError(`manual_seed(): int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(seed)}'`);
  }
  native.manualSeed(seedBits(seed));
  return defaultGenerator;
}

/** torch.seed: seeds every device's default generator non-deterministically and returns the seed. */
export function seed(): number | bigint {
  const s = native.generatorSeed(defaultGenerator._h);
  if (cudaIsAvailable()) native.manualSeed(s); // the CUDA generators follow, as torch.cuda.manual_seed_all
  return pyInt(s);
}

/** torch.initial_seed: the seed of the default CPU generator. */
export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}

/** torch.get_rng_state: the default CPU generator's state as a uint8 tensor. */
export function getRngState(): Tensor {
  return defaultGenerator.getState();
}

/** torch.set_rng_state: restores the default CPU generator's state. */
export function setRngState(newState: Tensor): void {
  defaultGenerator.setState(newState);
}

export interface ForkRngOptions {
  /** CUDA device indices whose generators are forked too (default: all of them). */
  devices?: readonly number[] | null;
  enabled?: boolean;
  /** 'cuda' (the default) or 'meta' (which forks nothing). */
  deviceType?: string | null;
}
const FORK_RNG = pySignature<{ devices: readonly number[] | null; enabled: boolean; deviceType: string | null }>(
  'fork_rng', 'devices=None, enabled=True, device_type=None');

/**
 * torch.random.fork_rng: runs fn, then puts the CPU generator (and the given CUDA devices'
 * generators) back in the state they had before: `forkRng(fn)`, `forkRng([0], fn)`, `forkRng({ enabled: false }, fn)`.
 */
export function forkRng<T>(...args: [...unknown[], () => T]): T {
  const fn = args.pop();
  if (typeof fn !== 'function') throw new TypeError('forkRng(..., fn): the last argument must be a function');
  if (fn.constructor.name === 'AsyncFunction') throw new TypeError('forkRng(fn): fn must be synchronous; the generators cannot follow awaits');
  const { devices, enabled, deviceType } = FORK_RNG(args);
  const type = deviceType ?? 'cuda';
  if (type === 'meta' || !enabled) return (fn as () => T)();
  if (type !== 'cuda') throw new Error(`torch has no module of \`${type}\`, you should register a module by \`torch._register_device_module\`.`);
  const indices = devices === null ? Array.from({ length: cudaDeviceCount() }, (_, i) => i) : [...devices];
  const deviceGens = indices.map((i) => Generator._wrap(native.defaultGenerator(checkedDevice(`cuda:${i}`))));
  const cpuState = getRngState();
  const deviceStates = deviceGens.map((g) => g.getState());
  try {
    return (fn as () => T)();
  } finally {
    setRngState(cpuState);
    deviceGens.forEach((g, i) => g.setState(deviceStates[i]!));
    cpuState.dispose();
    deviceStates.forEach((s) => s.dispose());
  }
}
