// repr(tensor) as PyTorch writes it (torch/_tensor_str.py) with the default print options.
import type { Scalar, NestedArray, Tensor } from './tensor';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 80;
const PREFIX = 'tensor(';

// ---- Python's float formatting ---------------------------------------------------------------
// Python formats from the exact binary value and rounds half to even; JS's toFixed rounds ties
// up and toExponential writes `e+5`. So both are done here on exact decimals.

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

// ---- the element formatter (torch._tensor_str._Formatter) -------------------------------------

/** One width and one style for every element of a tensor, chosen from the values shown. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private width = 1;

  constructor(private readonly floating: boolean, values: Scalar[]) {
    if (!floating) {
      for (const v of values) this.width = Math.max(this.width, pyStr(v).length);
      return;
    }
    const finite = (values as number[]).filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      min = Math.min(min, a);
      max = Math.max(max, a);
    }
    this.intMode = finite.every((v) => Number.isInteger(v));
    this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
    for (const v of finite) {
      const s = this.sciMode ? formatSci(v, PRECISION) : this.intMode ? `${formatFixed(v, 0)}.` : formatFixed(v, PRECISION);
      this.width = Math.max(this.width, s.length);
    }
  }

  get elementWidth(): number {
    return this.width;
  }

  format(v: Scalar): string {
    let s: string;
    if (!this.floating) s = pyStr(v);
    else if (this.sciMode) s = formatSci(v as number, PRECISION);
    else if (this.intMode) s = formatFixed(v as number, 0) + (Number.isFinite(v) ? '.' : '');
    else s = formatFixed(v as number, PRECISION);
    return s.padStart(this.width);
  }
}

/** str() of an integer or bool element, as Python writes it. */
function pyStr(v: Scalar): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  // tolist() leaves int64 values beyond 2^53 as numbers when exact; String() would round them.
  return typeof v === 'number' && !Number.isSafeInteger(v) ? BigInt(v).toString() : String(v);
}

// ---- layout -----------------------------------------------------------------------------------

/**
 * The values PyTorch looks at: everything, or when summarizing, only the first and last
 * EDGEITEMS entries of every longer dimension (so only those are copied out of the tensor).
 */
function shownValues(t: Tensor, shape: number[], summarize: boolean): NestedArray {
  if (!summarize) return t.tolist();
  const n = shape[0]!;
  const long = n > 2 * EDGEITEMS;
  if (shape.length === 1) {
    if (!long) return t.tolist();
    return [...(t.narrow(0, 0, EDGEITEMS).tolist() as NestedArray[]), ...(t.narrow(0, n - EDGEITEMS, EDGEITEMS).tolist() as NestedArray[])];
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const rows = long ? [...all.slice(0, EDGEITEMS), ...all.slice(n - EDGEITEMS)] : all;
  return rows.map((i) => shownValues(t.select(0, i), shape.slice(1), summarize));
}

function leaves(values: NestedArray, out: Scalar[] = []): Scalar[] {
  if (Array.isArray(values)) for (const v of values) leaves(v, out);
  else out.push(values);
  return out;
}

/** The bracketed body; `values` holds only the shown rows when a dimension is summarized. */
function layout(values: NestedArray, shape: number[], indent: number, summarize: boolean, fmt: Formatter): string {
  if (shape.length === 0) return fmt.format(values as Scalar);
  const cut = summarize && shape[0]! > 2 * EDGEITEMS;
  const items = values as NestedArray[];
  if (shape.length === 1) {
    const cells = items.map((v) => fmt.format(v as Scalar));
    if (cut) cells.splice(EDGEITEMS, 0, ' ...');
    // Each cell takes its width plus ", "; rows wrap to stay within the line width.
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (fmt.elementWidth + 2)));
    const lines: string[] = [];
    for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(', '));
    return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
  }
  const blocks = items.map((v) => layout(v, shape.slice(1), indent + 1, summarize, fmt));
  if (cut) blocks.splice(EDGEITEMS, 0, '...');
  // Sub-blocks of a 3-D tensor are separated by one blank line, of 4-D by two, and so on.
  return `[${blocks.join(',' + '\n'.repeat(shape.length - 1) + ' '.repeat(indent + 1))}]`;
}

/** Appends `, suffix` entries, each going to a new line when it would pass the line width. */
function addSuffixes(text: string, suffixes: string[]): string {
  let lastLine = text.length - text.lastIndexOf('\n') + 1; // PyTorch's count, kept as is
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      text += `,\n${' '.repeat(PREFIX.length)}${s}`;
      lastLine = PREFIX.length + s.length;
    } else {
      text += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return text + ')';
}

/** repr(t) as PyTorch prints it; `info.gradFn` is the name of t's grad_fn, e.g. 'AddBackward0'. */
export function formatTensor(t: Tensor, info: { gradFn: string | null }): string {
  const shape = [...t.shape];
  const dtype = t.dtype;
  const numel = t.numel();
  const suffixes: string[] = [];
  if (t.device.type !== 'cpu') suffixes.push(`device='${String(t.device)}'`);

  let body: string;
  if (numel === 0) {
    body = '[]';
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    // With no elements to show, only float32 (the default dtype) goes without saying.
    if (dtype.name !== 'float32') suffixes.push(`dtype=${String(dtype)}`);
  } else {
    if (!['float32', 'int64', 'bool'].includes(dtype.name)) suffixes.push(`dtype=${String(dtype)}`);
    const summarize = numel > THRESHOLD;
    // tolist() gives float16/bfloat16 as their float values, which is what PyTorch formats.
    const values = shownValues(t, shape, summarize);
    const fmt = new Formatter(dtype.isFloatingPoint, leaves(values));
    body = layout(values, shape, PREFIX.length, summarize, fmt);
  }

  if (info.gradFn !== null) suffixes.push(`grad_fn=<${info.gradFn}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(PREFIX + body, suffixes);
}
