// Python's complex number in JS: what tolist() and item() give for complex tensors, and what a
// pickled builtins.complex loads as. `real` and `imag` are Python's attribute names.
import { inspect } from 'util';

/** Python's `repr(float)` for a component: the shortest round trip, `inf`/`nan`, no `.0`. */
function component(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0';
  // Python switches to exponent form at 1e16 and below 1e-4; JS at 1e21 and below 1e-6.
  const a = Math.abs(x);
  if (a >= 1e16 || a < 1e-4) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(x);
}

export class Complex {
  constructor(readonly real: number, readonly imag: number) {}

  /** Python's repr(): `(1+2j)`, `(1.5-0j)`, `2j` (a real part of +0 is left out, as Python does). */
  toString(): string {
    const im = component(this.imag);
    if (this.real === 0 && !Object.is(this.real, -0)) return `${im}j`;
    const sign = im.startsWith('-') ? '' : '+';
    return `(${component(this.real)}${sign}${im}j)`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
