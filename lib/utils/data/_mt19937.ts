// The Mersenne Twister of libtorch's CPU generator (ATen/core/MT19937RNGEngine.h, CPUGeneratorImpl)
// and the two draws the samplers make from a fresh `torch.Generator().manual_seed(seed)`: randperm
// (TensorFactories.cpp randperm_cpu) and randint (uniform_int_from_to_distribution). PyTorch seeds
// such a generator from the default one, so the default stream stays exactly Python's.

const N = 624;
const M = 397;

/** libtorch's mt19937: seeded with the low 32 bits of a 64-bit seed, as `manual_seed` does. */
export class MT19937 {
  readonly #mt = new Uint32Array(N);
  #index = N;

  constructor(seed: bigint) {
    const mt = this.#mt;
    mt[0] = Number(BigInt.asUintN(32, seed));
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** CPUGeneratorImpl::random(): one 32-bit draw. */
  random(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
        mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** CPUGeneratorImpl::random64(): two 32-bit draws, the first one high. */
  random64(): bigint {
    const hi = BigInt(this.random());
    return (hi << 32n) | BigInt(this.random());
  }
}

/** torch.randperm(n, generator=g) on the CPU, as integers (n below 2^32 / 20, randperm_cpu's swap loop). */
export function randperm(n: number, g: MT19937): number[] {
  if (n >= Math.floor(0xffffffff / 20)) throw new RangeError(`randperm of ${n} elements from a seeded sampler generator is not supported`);
  const r = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n - 1; i++) {
    const z = g.random() % (n - i);
    const t = r[i]!;
    r[i] = r[i + z]!;
    r[i + z] = t;
  }
  return r;
}

/** torch.randint(high, (size,), dtype=torch.int64, generator=g): 64-bit draws once high reaches 2^32. */
export function randint(high: number, size: number, g: MT19937): number[] {
  const out: number[] = [];
  if (high >= 2 ** 32) {
    const range = BigInt(high);
    for (let i = 0; i < size; i++) out.push(Number(g.random64() % range));
  } else {
    for (let i = 0; i < size; i++) out.push(g.random() % high);
  }
  return out;
}
