// Python's (and C's printf) number formatting, done on exact decimals: Python formats from the
// exact binary value and rounds half to even; JS's toFixed rounds ties up and toExponential
// writes `e+5`. Used by tensor printing (lib/printing.ts) and torch.finfo's repr.

/** |x| exactly as digits / 10^scale (every finite double is such a decimal). */
function exactDecimal(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp = -1074; // subnormal
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return [mantissa << BigInt(exp), 0];
  // m / 2^k = m * 5^k / 10^k
  return [mantissa * 5n ** BigInt(-exp), -exp];
}

/** n / 10^k rounded half to even. */
function roundShift(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const d = 10n ** BigInt(k);
  const q = n / d;
  const twice = 2n * (n % d);
  return twice > d || (twice === d && q % 2n === 1n) ? q + 1n : q;
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return null;
}

// Python keeps the sign of negative values that round to zero, and of -0.0.
const sign = (x: number): string => (x < 0 || Object.is(x, -0) ? '-' : '');

/** Python's `'{:.<p>f}'.format(x)`. */
export function formatFixed(x: number, p: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const [n, scale] = exactDecimal(x);
  const digits = roundShift(n, scale - p).toString().padStart(p + 1, '0');
  const body = p === 0 ? digits : `${digits.slice(0, -p)}.${digits.slice(-p)}`;
  return sign(x) + body;
}

/** Python's `'{:.<p>e}'.format(x)`: p digits after the point, a two-digit minimum exponent. */
export function formatSci(x: number, p: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const [n, scale] = exactDecimal(x);
  let digits = '0'.repeat(p + 1);
  let exp = 0;
  if (n !== 0n) {
    const length = n.toString().length;
    exp = length - 1 - scale;
    digits = roundShift(n, length - (p + 1)).toString();
    if (digits.length > p + 1) {
      // Rounded up to the next power of ten (9.99995 -> 10.0000).
      digits = digits.slice(0, p + 1);
      exp += 1;
    }
  }
  const mantissa = p === 0 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign(x)}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * C++'s `ostream << double` with the default precision of 6 (printf's `%g`): `1e-06`,
 * `3.40282e+38`, `0.000976562`, `448`. torch.finfo and torch.iinfo print their values this way.
 */
export function formatG(x: number, p = 6): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x === 0) return sign(x) + '0';
  const sci = formatSci(x, p - 1);
  const e = sci.indexOf('e');
  const exp = Number(sci.slice(e + 1));
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= p) return strip(sci.slice(0, e)) + sci.slice(e);
  return strip(formatFixed(x, p - 1 - exp));
}
