// torch.signal.windows (torch/signal/windows/windows.py): the window functions PyTorch writes in
// Python, step by step as PyTorch writes them. Each takes the window length `M` (positional or
// by name) and keyword-only options in a trailing options object with camelCase keys
// (`sym`, `dtype`, `layout`, `device`, `requiresGrad`, and per window `center`, `tau`, `std`,
// `beta`, `alpha`, `a`):
//   torch.signal.windows.hann(10, { sym: false, dtype: torch.float64 })
// Python's ValueErrors are RangeErrors here, its TypeErrors TypeErrors.
import { type DType, float32, float64, getDefaultDtype } from '../dtype';
import type { DeviceLike } from '../device';
import { type Layout, strided } from '../layout';
import { PyFloat, type FloatLike, type IntLike } from '../scalar';
import { Tensor } from '../tensor';
import { tensor } from '../creation';
import * as T from '../generated/torch';
import { isOptions } from '../nn/modules_utils';
import { pySignature } from '../python_signature';
import { pyFloat as reprFloat } from '../nn/repr';

/** The options every window takes (keyword-only in Python). */
export interface WindowOptions {
  /** The window length, when not given positionally. */
  M?: IntLike;
  /** `false`: a periodic window (spectral analysis); `true` (default): a symmetric one (filter design). */
  sym?: boolean;
  dtype?: DType | null;
  layout?: Layout;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
}
export interface ExponentialOptions extends WindowOptions { center?: FloatLike | null; tau?: FloatLike }
export interface GaussianOptions extends WindowOptions { std?: FloatLike }
export interface KaiserOptions extends WindowOptions { beta?: FloatLike }
export interface GeneralHammingOptions extends WindowOptions { alpha?: FloatLike }
export interface GeneralCosineOptions extends WindowOptions { a: Iterable<FloatLike> }

/** A window function: `f(M, options?)`, or `f({ M, ...options })`. */
export interface WindowFunction<O extends WindowOptions> {
  (M: IntLike, options?: Omit<O, 'M'>): Tensor;
  (options: O & { M: IntLike }): Tensor;
}
/** general_cosine: `a` is a required keyword-only argument. */
export interface GeneralCosineFunction {
  (M: IntLike, options: Omit<GeneralCosineOptions, 'M'>): Tensor;
  (options: GeneralCosineOptions & { M: IntLike }): Tensor;
}

interface Common {
  M: IntLike;
  sym: boolean;
  dtype: DType | null;
  layout: Layout | null;
  device: DeviceLike | null;
  requiresGrad: boolean;
}

const COMMON = 'sym=True, dtype=None, layout=None, device=None, requires_grad=False';

/** A Python number as a JS number (for arithmetic and comparisons). */
function num(x: unknown): number {
  if (x instanceof PyFloat) return x.value;
  if (typeof x === 'bigint') return Number(x);
  if (x instanceof Tensor) return Number(x.item());
  return x as number;
}

/** Python's str() of a number argument, as an f-string prints it. */
function pyStr(x: unknown): string {
  if (x instanceof PyFloat) return reprFloat(x.value);
  if (typeof x === 'number') return Number.isSafeInteger(x) ? String(x) : reprFloat(x);
  if (x === null || x === undefined) return 'None';
  if (x === true) return 'True';
  if (x === false) return 'False';
  return String(x);
}

/** Python's truth value of a plain argument (`if sym:`). */
function truthy(x: unknown): boolean {
  if (x instanceof PyFloat) return x.value !== 0;
  if (x instanceof Tensor) return Boolean(x.item());
  if (Array.isArray(x)) return x.length > 0;
  return Boolean(x);
}

/**
 * Binds a window's arguments: Python's signature `M, *, <extra>, sym=True, dtype=None,
 * layout=torch.strided, ...`. `layout` defaults to torch.strided; an explicit null is Python's None.
 */
function binder<B>(name: string, extra: string): (args: readonly unknown[]) => B & Common {
  const bind = pySignature<B & Common>(name, `M, *, ${extra}${extra === '' ? '' : ', '}${COMMON}`);
  return (args) => {
    const b = bind(args);
    const last = args[args.length - 1];
    const layoutGiven = isOptions(last) && last.layout !== undefined;
    if (!layoutGiven) b.layout = strided;
    return b;
  };
}

function factoryOptions(c: Common, dtype: DType): Record<string, unknown> {
  return { dtype, layout: c.layout, device: c.device, requiresGrad: c.requiresGrad };
}

/** torch/signal/windows/windows.py's _window_function_checks. */
function windowFunctionChecks(functionName: string, M: IntLike, dtype: DType, layout: Layout | null): void {
  if (num(M) < 0) throw new RangeError(`${functionName} requires non-negative window length, got M=${pyStr(M)}`);
  if (layout !== strided) throw new RangeError(`${functionName} is implemented for strided tensors only, got: ${pyStr(layout)}`);
  if (dtype !== float32 && dtype !== float64) throw new RangeError(`${functionName} expects float32 or float64 dtypes, got: ${pyStr(dtype)}`);
}

const empty0 = (c: Common, dtype: DType): Tensor => T.empty([0], factoryOptions(c, dtype) as never);
const ones1 = (c: Common, dtype: DType): Tensor => T.ones([1], factoryOptions(c, dtype) as never);
const linspace = (start: unknown, end: unknown, steps: IntLike, c: Common, dtype: DType): Tensor =>
  (T.linspace as unknown as (...a: unknown[]) => Tensor)(start, end, steps, factoryOptions(c, dtype));

// ---- the windows -------------------------------------------------------------------------------

const bindExponential = binder<{ center: FloatLike | null; tau: FloatLike }>('exponential', 'center=None, tau=1.0');
/** A window with an exponential waveform (the Poisson window). */
export const exponential: WindowFunction<ExponentialOptions> = (...args: unknown[]): Tensor => {
  const b = bindExponential(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('exponential', b.M, dtype, b.layout);
  const tau = num(b.tau);
  if (tau <= 0) throw new RangeError(`Tau must be positive, got: ${pyStr(b.tau)} instead.`);
  const sym = truthy(b.sym);
  if (sym && b.center !== null) throw new RangeError('Center must be None for symmetric windows');
  const M = num(b.M);
  if (M === 0) return empty0(b, dtype);
  const center = b.center === null ? (!sym && M > 1 ? M : M - 1) / 2.0 : num(b.center);
  const constant = 1 / tau;
  const k = linspace(-center * constant, (-center + (M - 1)) * constant, b.M, b, dtype);
  return T.exp(T.abs(k).neg());
};

const bindCosine = binder<object>('cosine', '');
/** A window with a simple cosine waveform (the sine window), as SciPy computes it. */
export const cosine: WindowFunction<WindowOptions> = (...args: unknown[]): Tensor => {
  const b = bindCosine(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('cosine', b.M, dtype, b.layout);
  const M = num(b.M);
  if (M === 0) return empty0(b, dtype);
  const start = 0.5;
  const constant = Math.PI / (!truthy(b.sym) && M > 1 ? M + 1 : M);
  const k = linspace(start * constant, (start + (M - 1)) * constant, b.M, b, dtype);
  return T.sin(k);
};

const bindGaussian = binder<{ std: FloatLike }>('gaussian', 'std=1.0');
/** A window with a gaussian waveform. */
export const gaussian: WindowFunction<GaussianOptions> = (...args: unknown[]): Tensor => {
  const b = bindGaussian(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('gaussian', b.M, dtype, b.layout);
  const std = num(b.std);
  if (std <= 0) throw new RangeError(`Standard deviation must be positive, got: ${pyStr(b.std)} instead.`);
  const M = num(b.M);
  if (M === 0) return empty0(b, dtype);
  const start = -(!truthy(b.sym) && M > 1 ? M : M - 1) / 2.0;
  const constant = 1 / (std * Math.sqrt(2));
  const k = linspace(start * constant, (start + (M - 1)) * constant, b.M, b, dtype);
  return T.exp(k.pow(2).neg());
};

const bindKaiser = binder<{ beta: FloatLike }>('kaiser', 'beta=12.0');
/** The Kaiser window. */
export const kaiser: WindowFunction<KaiserOptions> = (...args: unknown[]): Tensor => {
  const b = bindKaiser(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('kaiser', b.M, dtype, b.layout);
  if (num(b.beta) < 0) throw new RangeError(`beta must be non-negative, got: ${pyStr(b.beta)} instead.`);
  const M = num(b.M);
  if (M === 0) return empty0(b, dtype);
  if (M === 1) return ones1(b, dtype);
  // Avoid NaNs by casting `beta` to the appropriate dtype.
  const beta = tensor(num(b.beta), { dtype, device: b.device ?? undefined });
  const start = beta.neg();
  const constant = beta.mul(new PyFloat(2.0)).div(truthy(b.sym) ? M - 1 : M);
  const end = T.minimum(beta, start.add(constant.mul(M - 1)));
  const k = linspace(start, end, b.M, b, dtype);
  return T.i0(T.sqrt(beta.mul(beta).sub(T.pow(k, 2)))).div(T.i0(beta));
};

const bindHamming = binder<object>('hamming', '');
/** The Hamming window. */
export const hamming: WindowFunction<WindowOptions> = (...args: unknown[]): Tensor => {
  const b = bindHamming(args);
  return generalHamming(b.M, { sym: b.sym, dtype: b.dtype, layout: b.layout as Layout, device: b.device, requiresGrad: b.requiresGrad });
};

const bindHann = binder<object>('hann', '');
/** The Hann window. */
export const hann: WindowFunction<WindowOptions> = (...args: unknown[]): Tensor => {
  const b = bindHann(args);
  return generalHamming(b.M, { alpha: 0.5, sym: b.sym, dtype: b.dtype, layout: b.layout as Layout, device: b.device, requiresGrad: b.requiresGrad });
};

const bindBlackman = binder<object>('blackman', '');
/** The Blackman window. */
export const blackman: WindowFunction<WindowOptions> = (...args: unknown[]): Tensor => {
  const b = bindBlackman(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('blackman', b.M, dtype, b.layout);
  return generalCosine(b.M, { a: [0.42, 0.5, 0.08], sym: b.sym, dtype, layout: b.layout as Layout, device: b.device, requiresGrad: b.requiresGrad });
};

const bindBartlett = binder<object>('bartlett', '');
/** The Bartlett window. */
export const bartlett: WindowFunction<WindowOptions> = (...args: unknown[]): Tensor => {
  const b = bindBartlett(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('bartlett', b.M, dtype, b.layout);
  const M = num(b.M);
  if (M === 0) return empty0(b, dtype);
  if (M === 1) return ones1(b, dtype);
  const start = -1;
  const constant = 2 / (truthy(b.sym) ? M - 1 : M);
  const k = linspace(start, start + (M - 1) * constant, b.M, b, dtype);
  return T.rsub(T.abs(k), 1);
};

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && x !== undefined && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

const bindGeneralCosine = binder<{ a: unknown }>('general_cosine', 'a');
/** The general cosine window: `w_n = sum_i (-1)^i a_i cos(2 pi i n / (M - 1))`. */
export const generalCosine: GeneralCosineFunction = (...args: unknown[]): Tensor => {
  const b = bindGeneralCosine(args);
  const dtype = b.dtype ?? getDefaultDtype();
  windowFunctionChecks('general_cosine', b.M, dtype, b.layout);
  const M = num(b.M);
  if (M === 0) return empty0(b, dtype);
  if (M === 1) return ones1(b, dtype);
  if (!isIterable(b.a) || typeof b.a === 'string') throw new TypeError('Coefficients must be a list/tuple');
  const a = b.a instanceof Tensor ? (b.a.tolist() as unknown[]) : [...b.a];
  if (a.length === 0) throw new RangeError('Coefficients cannot be empty');
  const constant = (2 * Math.PI) / (truthy(b.sym) ? M - 1 : M);
  const k = linspace(0, (M - 1) * constant, b.M, b, dtype);
  const ai = tensor(a.map((w, i) => (-1) ** i * num(w)), { dtype, device: b.device ?? undefined, requiresGrad: b.requiresGrad });
  const i = T.arange(ai.shape[0]!, { dtype: ai.dtype, device: ai.device, requiresGrad: ai.requiresGrad });
  return ai.unsqueeze(-1).mul(T.cos(i.unsqueeze(-1).mul(k))).sum(0);
};

const bindGeneralHamming = binder<{ alpha: FloatLike }>('general_hamming', 'alpha=0.54');
/** The generalized Hamming window: `w_n = alpha - (1 - alpha) cos(2 pi n / (M - 1))`. */
export const generalHamming: WindowFunction<GeneralHammingOptions> = (...args: unknown[]): Tensor => {
  const b = bindGeneralHamming(args);
  const alpha = num(b.alpha);
  return generalCosine(b.M, { a: [alpha, 1.0 - alpha], sym: b.sym, dtype: b.dtype, layout: b.layout as Layout, device: b.device, requiresGrad: b.requiresGrad });
};

const bindNuttall = binder<object>('nuttall', '');
/** The minimum 4-term Blackman-Harris window according to Nuttall. */
export const nuttall: WindowFunction<WindowOptions> = (...args: unknown[]): Tensor => {
  const b = bindNuttall(args);
  return generalCosine(b.M, { a: [0.3635819, 0.4891775, 0.1365995, 0.0106411], sym: b.sym, dtype: b.dtype, layout: b.layout as Layout, device: b.device, requiresGrad: b.requiresGrad });
};
