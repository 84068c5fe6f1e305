// repr(tensor) as PyTorch writes it (torch/_tensor_str.py) with the default print options.
import { Complex } from './complex';
import { bool, complex128, complex64, float4_e2m1fn_x2, float64, getDefaultDtype, int64, uint8, type DType } from './dtype';
import { formatFixed, formatSci } from './pyformat';
import type { Scalar, NestedArray, Tensor } from './tensor';

export { formatFixed, formatSci, formatG } from './pyformat';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 80;
const PREFIX = 'tensor(';

/** One element as tolist() gives it: a number, bigint or boolean, or a Complex. */
type Element = Scalar | Complex;
/** Nested arrays of elements (tolist() of any dtype). */
type Values = Element | Values[];

// ---- the element formatter (torch._tensor_str._Formatter) -------------------------------------

interface ElementFormat {
  /** The characters one element takes (without the ", " between elements). */
  readonly elementWidth: number;
  format(v: Element): string;
}

/** One width and one style for every element of a tensor, chosen from the values shown. */
class Formatter implements ElementFormat {
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

  format(v: Element): string {
    let s: string;
    if (!this.floating) s = pyStr(v as Scalar);
    else if (this.sciMode) s = formatSci(v as number, PRECISION);
    else if (this.intMode) s = formatFixed(v as number, 0) + (Number.isFinite(v) ? '.' : '');
    else s = formatFixed(v as number, PRECISION);
    return s.padStart(this.width);
  }
}

/**
 * Complex elements: the real parts share one formatter and the imaginary parts another, each
 * chosen from its own values; the real part is padded, the imaginary part is not
 * (`_vector_str`'s `_val_formatter`).
 */
class ComplexFormatter implements ElementFormat {
  private readonly re: Formatter;
  private readonly im: Formatter;

  constructor(values: Complex[]) {
    this.re = new Formatter(true, values.map((z) => z.real));
    this.im = new Formatter(true, values.map((z) => z.imag));
  }

  get elementWidth(): number {
    // PyTorch counts the imaginary width plus one for the `j`.
    return this.re.elementWidth + this.im.elementWidth + 1;
  }

  format(v: Element): string {
    const z = v as Complex;
    const re = this.re.format(z.real);
    const im = `${this.im.format(z.imag)}j`.trimStart();
    // A sign of its own (negative values, -0.) or a `+`.
    return im[0] === '+' || im[0] === '-' ? re + im : `${re}+${im}`;
  }
}

/** str() of an integer or bool element, as Python writes it. */
function pyStr(v: Scalar): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  // An integral number beyond 2^53 would print rounded by String(); tolist() gives those as bigint.
  return typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) ? BigInt(v).toString() : String(v);
}

// ---- layout -----------------------------------------------------------------------------------

/**
 * The values PyTorch looks at: everything, or when summarizing, only the first and last
 * EDGEITEMS entries of every longer dimension (so only those are copied out of the tensor).
 */
function shownValues(t: Tensor, shape: number[], summarize: boolean): Values {
  const all = (x: Tensor): Values => x.tolist() as Values;
  if (!summarize) return all(t);
  const n = shape[0]!;
  const long = n > 2 * EDGEITEMS;
  if (shape.length === 1) {
    if (!long) return all(t);
    return [...(all(t.narrow(0, 0, EDGEITEMS)) as Values[]), ...(all(t.narrow(0, n - EDGEITEMS, EDGEITEMS)) as Values[])];
  }
  const indices = Array.from({ length: n }, (_, i) => i);
  const rows = long ? [...indices.slice(0, EDGEITEMS), ...indices.slice(n - EDGEITEMS)] : indices;
  return rows.map((i) => shownValues(t.select(0, i), shape.slice(1), summarize));
}

function leaves(values: Values, out: Element[] = []): Element[] {
  if (Array.isArray(values)) for (const v of values) leaves(v, out);
  else out.push(values);
  return out;
}

/** The bracketed body; `values` holds only the shown rows when a dimension is summarized. */
function layout(values: Values, shape: number[], indent: number, summarize: boolean, fmt: ElementFormat): string {
  if (shape.length === 0) return fmt.format(values as Element);
  const cut = summarize && shape[0]! > 2 * EDGEITEMS;
  const items = values as Values[];
  if (shape.length === 1) {
    const cells = items.map((v) => fmt.format(v as Element));
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

/** The dtypes a non-empty tensor prints without a `dtype=` suffix. */
function hasDefaultDtype(dtype: DType): boolean {
  const dflt = getDefaultDtype();
  // _str_intern's default complex dtype: complex128 under a float64 default, else complex64.
  const complex = dflt === float64 ? complex128 : complex64;
  return dtype === dflt || dtype === complex || dtype === int64 || dtype === bool;
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
    // With no elements to show, only the default dtype goes without saying.
    if (dtype !== getDefaultDtype()) suffixes.push(`dtype=${String(dtype)}`);
  } else {
    if (!hasDefaultDtype(dtype)) suffixes.push(`dtype=${String(dtype)}`);
    const summarize = numel > THRESHOLD;
    // tolist() gives float16, bfloat16 and the float8 types as their exact float values, which is
    // what PyTorch formats. float4_e2m1fn_x2 has no conversions: PyTorch shows its bytes as uint8.
    let shown = t;
    if (dtype === float4_e2m1fn_x2) shown = t.view(uint8);
    try {
      const values = shownValues(shown, shape, summarize);
      const elements = leaves(values);
      const fmt = dtype.isComplex ? new ComplexFormatter(elements as Complex[]) : new Formatter(dtype.isFloatingPoint, elements as Scalar[]);
      body = layout(values, shape, PREFIX.length, summarize, fmt);
    } finally {
      if (shown !== t) shown.dispose();
    }
  }

  // Python prints the node's class name: <CopySlices>, where grad_fn.name() is torch::autograd::CopySlices.
  if (info.gradFn !== null) suffixes.push(`grad_fn=<${info.gradFn.replace(/^.*::/, '')}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(PREFIX + body, suffixes);
}
