// numpy.histogram (numpy/lib/_histograms_impl.py), which torch.utils.tensorboard bins with: the
// bin edges from an integer count, a sequence of edges or one of numpy's estimators ('auto',
// 'fd', 'doane', 'scott', 'stone', 'rice', 'sturges', 'sqrt'), and its counting (half-open bins,
// the last one closed), with numpy's own arithmetic so that edges and counts come out the same.
import { pyFloat } from '../../nn/repr';

/** numpy's pairwise summation (what `ndarray.sum` and `mean` use on contiguous float64 data). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => a[start + j]!);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

export function min(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isNaN(v)) return NaN;
    if (v < m) m = v;
  }
  return m;
}

export function max(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  return m;
}

const mean = (a: Float64Array): number => pairwiseSum(a) / a.length;

function std(a: Float64Array): number {
  const m = mean(a);
  const d = a.map((v) => (v - m) * (v - m));
  return Math.sqrt(pairwiseSum(d) / a.length);
}

/** np.percentile with the default 'linear' method. */
function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const quantile = q / 100;
  const virtual = n * quantile + (1 + quantile * (1 - 1 - 1)) - 1;
  const previous = Math.floor(virtual);
  const gamma = virtual - previous;
  const a = sorted[Math.min(Math.max(previous, 0), n - 1)]!;
  const b = sorted[Math.min(Math.max(previous + 1, 0), n - 1)]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

const ptp = (x: Float64Array): number => max(x) - min(x);

type Estimator = (x: Float64Array, range: [number, number]) => number;

const fd: Estimator = (x) => {
  const sorted = Float64Array.from(x).sort();
  const iqr = percentile(sorted, 75) - percentile(sorted, 25);
  return 2.0 * iqr * x.length ** (-1.0 / 3.0);
};
const sturges: Estimator = (x) => ptp(x) / (Math.log2(x.length) + 1.0);
const sqrt: Estimator = (x) => ptp(x) / Math.sqrt(x.length);

const ESTIMATORS: Record<string, Estimator> = {
  stone: (x, range) => {
    const n = x.length;
    const ptpX = ptp(x);
    if (n <= 1 || ptpX === 0) return 0;
    const jhat = (nbins: number): number => {
      const hh = ptpX / nbins;
      const pk = histogram(x, nbins, range).counts.map((c) => c / n);
      let dot = 0;
      for (const p of pk) dot += p * p;
      return (2 - (n + 1) * dot) / hh;
    };
    const upper = Math.max(100, Math.trunc(Math.sqrt(n)));
    let best = 1;
    let bestValue = jhat(1);
    for (let nbins = 2; nbins <= upper; nbins++) {
      const v = jhat(nbins);
      if (v < bestValue) {
        best = nbins;
        bestValue = v;
      }
    }
    if (best === upper) process.emitWarning('The number of bins estimated may be suboptimal.', 'RuntimeWarning');
    return ptpX / best;
  },
  auto: (x, range) => Math.min(Math.max(fd(x, range), sqrt(x, range) / 2), sturges(x, range)),
  doane: (x) => {
    const n = x.length;
    if (n > 2) {
      const sg1 = Math.sqrt((6.0 * (n - 2)) / ((n + 1.0) * (n + 3)));
      const sigma = std(x);
      if (sigma > 0.0) {
        const m = mean(x);
        const g1 = mean(x.map((v) => ((v - m) / sigma) ** 3));
        return ptp(x) / (1.0 + Math.log2(n) + Math.log2(1.0 + Math.abs(g1) / sg1));
      }
    }
    return 0.0;
  },
  fd,
  rice: (x) => ptp(x) / (2.0 * x.length ** (1.0 / 3)),
  scott: (x) => ((24.0 * Math.PI ** 0.5) / x.length) ** (1.0 / 3.0) * std(x),
  sqrt,
  sturges,
};

function outerEdges(a: Float64Array, range?: [number, number]): [number, number] {
  let first: number;
  let last: number;
  if (range !== undefined) {
    [first, last] = range;
    if (first > last) throw new RangeError('max must be larger than min in range parameter.');
    if (!(Number.isFinite(first) && Number.isFinite(last))) throw new RangeError(`supplied range of [${pyFloat(first)}, ${pyFloat(last)}] is not finite`);
  } else if (a.length === 0) {
    [first, last] = [0, 1];
  } else {
    [first, last] = [min(a), max(a)];
    if (!(Number.isFinite(first) && Number.isFinite(last))) throw new RangeError(`autodetected range of [${pyFloat(first)}, ${pyFloat(last)}] is not finite`);
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  return [first, last];
}

/** np.linspace(start, stop, num) with endpoint=True. */
function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  const y = Array.from({ length: num }, (_, i) => (step === 0 ? (i / div) * delta : i * step) + start);
  if (num > 1) y[num - 1] = stop;
  return y;
}

export type Bins = number | string | ArrayLike<number>;

/**
 * np.histogram(a, bins, range, weights): the counts (or summed weights) per bin and the bin
 * edges. Weights are taken with equal-width bins only (an integer or an estimator).
 */
export function histogram(a: Float64Array, bins: Bins, range?: [number, number], weights?: Float64Array): { counts: number[]; edges: number[] } {
  let nEqual: number | undefined;
  let first = 0;
  let last = 0;
  let edges: number[];
  let x = a;
  if (typeof bins === 'string') {
    const estimator = ESTIMATORS[bins];
    if (estimator === undefined) throw new RangeError(`'${bins}' is not a valid estimator for \`bins\``);
    [first, last] = outerEdges(x, range);
    if (range !== undefined) x = x.filter((v) => v >= first && v <= last);
    if (x.length === 0) nEqual = 1;
    else {
      const width = estimator(x, [first, last]);
      nEqual = width ? Math.ceil((last - first) / width) : 1;
    }
  } else if (typeof bins === 'number') {
    if (!Number.isInteger(bins)) throw new TypeError('`bins` must be an integer, a string, or an array');
    if (bins < 1) throw new RangeError('`bins` must be positive, when an integer');
    nEqual = bins;
    [first, last] = outerEdges(x, range);
  } else {
    edges = Array.from(bins);
    for (let i = 0; i + 1 < edges.length; i++) if (edges[i]! > edges[i + 1]!) throw new RangeError('`bins` must increase monotonically, when an array');
  }
  if (nEqual !== undefined) {
    edges = linspace(first, last, nEqual + 1);
    for (let i = 0; i + 1 < edges.length; i++) {
      if (!(edges[i]! < edges[i + 1]!)) throw new RangeError(`Too many bins for data range. Cannot create ${nEqual} finite-sized bins.`);
    }
    // numpy's uniform-bin path: an index from the scaled value, corrected against the edges;
    // weights are summed block by block (65536 values), in order, as np.bincount sums them.
    const counts = new Array<number>(nEqual).fill(0);
    const block = new Array<number>(nEqual);
    const denom = last - first;
    for (let start = 0; start < a.length; start += 65536) {
      block.fill(0);
      for (let i = start; i < Math.min(start + 65536, a.length); i++) {
        const v = a[i]!;
        if (!(v >= first && v <= last)) continue;
        let k = Math.trunc(((v - first) / denom) * nEqual);
        if (k === nEqual) k -= 1;
        if (v < edges[k]!) k -= 1;
        if (v >= edges[k + 1]! && k !== nEqual - 1) k += 1;
        block[k]! += weights === undefined ? 1 : weights[i]!;
      }
      for (let k = 0; k < nEqual; k++) counts[k]! += block[k]!;
    }
    return { counts, edges };
  }
  if (weights !== undefined) throw new TypeError('histogram: weights are taken with equal-width bins only');
  edges = edges!;
  const sorted = Float64Array.from(a).sort();
  const search = (v: number, right: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = sorted[mid]!;
      // NaN sorts last, as in numpy.
      if (right ? s <= v || (Number.isNaN(v) && !Number.isNaN(s)) : s < v || (Number.isNaN(v) && !Number.isNaN(s))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const cum = edges.map((e, i) => search(e, i === edges.length - 1));
  return { counts: cum.slice(1).map((c, i) => c - cum[i]!), edges };
}
