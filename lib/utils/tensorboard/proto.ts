// The protocol buffer wire format, written by hand for the few TensorBoard messages the writer
// emits (tensorboard/compat/proto/*.proto, tensorboard/plugins/*/): fields go out in field-number
// order and proto3 defaults are left out, as protobuf's own serializer does; `always` marks a
// field inside a oneof, which is written even when it holds its default.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  private varint(v: bigint): void {
    // int64 fields take negative values as their 64-bit two's complement (ten bytes).
    let n = BigInt.asUintN(64, v);
    const bytes: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      bytes.push(b);
    } while (n !== 0n);
    this.parts.push(Buffer.from(bytes));
  }

  /** int32, int64 and enum fields. */
  int(field: number, v: number | bigint, always = false): this {
    if (v === 0 || v === 0n) {
      if (!always) return this;
    }
    this.key(field, WIRE_VARINT);
    this.varint(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
    return this;
  }

  bool(field: number, v: boolean, always = false): this {
    return this.int(field, v ? 1 : 0, always);
  }

  double(field: number, v: number, always = false): this {
    if (v === 0 && !Object.is(v, -0) && !always) return this;
    this.key(field, WIRE_FIXED64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.parts.push(b);
    return this;
  }

  float(field: number, v: number, always = false): this {
    if (v === 0 && !Object.is(v, -0) && !always) return this;
    this.key(field, WIRE_FIXED32);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, v: Uint8Array, always = false): this {
    if (v.length === 0 && !always) return this;
    this.key(field, WIRE_BYTES);
    this.varint(BigInt(v.length));
    this.parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    return this;
  }

  string(field: number, v: string, always = false): this {
    return this.bytes(field, Buffer.from(v, 'utf8'), always);
  }

  /** A sub-message that is set is written even when it serializes to nothing. */
  message(field: number, v: Buffer | undefined): this {
    return v === undefined ? this : this.bytes(field, v, true);
  }

  packedDoubles(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const b = Buffer.alloc(8 * values.length);
    values.forEach((v, i) => b.writeDoubleLE(v, 8 * i));
    return this.bytes(field, b);
  }

  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeFloatLE(v, 4 * i));
    return this.bytes(field, b);
  }

  /** Packed int32, int64, uint32 and bool values (negative ones as 64-bit two's complement). */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(typeof v === 'bigint' ? v : BigInt(v));
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export const pb = (): ProtoWriter => new ProtoWriter();
