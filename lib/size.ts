// torch.Size: an array of ints that prints as `torch.Size([2, 3])`.
import { inspect } from 'util';

export class Size extends Array<number> {
  /** @internal */
  static fromDims(dims: readonly number[]): Size {
    const s = new Size();
    s.push(...dims);
    return s;
  }
  // map/filter/slice give plain arrays, like a tuple's operations in Python.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  numel(): number {
    let n = 1;
    for (const d of this) n *= d;
    return n;
  }
  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}
