// torch.device: `cpu`, `cuda:0`. Crosses into the addon as its string form.
import { inspect } from 'util';

export class Device {
  readonly type: string;
  readonly index: number | null;
  constructor(spec: string | Device, index?: number) {
    if (spec instanceof Device) {
      this.type = spec.type;
      this.index = spec.index;
      return;
    }
    if (typeof spec !== 'string') throw new TypeError(`device(): expected a string like 'cpu' or 'cuda:0', got ${typeof spec}`);
    const m = /^([a-z_]+)(?::(\d+))?$/.exec(spec);
    if (m === null) throw new Error(`Invalid device string: '${spec}'`);
    if (m[2] !== undefined && index !== undefined) throw new Error(`device(): type (string) must not include an index because index was passed explicitly: ${spec}`);
    this.type = m[1]!;
    this.index = m[2] !== undefined ? Number(m[2]) : (index ?? null);
  }
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [inspect.custom](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
}

export type DeviceLike = string | Device;
