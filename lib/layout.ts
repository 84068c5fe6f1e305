// torch.layout and torch.memory_format: one object per c10 enum value, printed as PyTorch prints
// them (`torch.strided`, `torch.channels_last`); their codes cross into the addon.
import { inspect } from 'util';

export class Layout {
  /** @internal */
  constructor(readonly name: string, readonly code: number) {}
  toString(): string {
    return `torch.${this.name}`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

export class MemoryFormat {
  /** @internal */
  constructor(readonly name: string, readonly code: number) {}
  toString(): string {
    return `torch.${this.name}`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

// c10::Layout and c10::MemoryFormat values.
export const strided = new Layout('strided', 0);
export const sparseCoo = new Layout('sparse_coo', 1);
export const sparseCsr = new Layout('sparse_csr', 2);
export const contiguousFormat = new MemoryFormat('contiguous_format', 0);
export const preserveFormat = new MemoryFormat('preserve_format', 1);
export const channelsLast = new MemoryFormat('channels_last', 2);
export const channelsLast3d = new MemoryFormat('channels_last_3d', 3);
