// The zip container of torch.save (caffe2/serialize/inline_container.cc, PyTorchStreamReader /
// PyTorchStreamWriter over miniz): stored (uncompressed) records, each record's data aligned to
// 64 bytes by an "FB" extra field of 'Z' padding, data descriptors after the data, ZIP64 end
// records always. The reader also takes ordinary zip files (deflate through zlib, ZIP64).
// Every offset and size read from the file is checked against the file before it is used.
import * as fs from 'fs';
import * as zlib from 'zlib';
import * as dtypes from '../dtype';
import { native, type Handle } from '../native';
import { op } from '../ops';
import { Tensor } from '../tensor';
import { safeName } from './pickle';

const emptyOp = op('aten::empty.memory_format');

/** A fresh uint8 CPU tensor of `nbytes` bytes. */
export function emptyBytes(nbytes: number): Tensor {
  return new Tensor(native.callOp(emptyOp, [nbytes], dtypes.uint8.code, undefined, undefined, undefined, undefined) as Handle);
}

/** Random access to the bytes being loaded: an open file or a Buffer. */
export interface Source {
  readonly size: number;
  /** Bytes [position, position + length); the range must lie inside the source. */
  read(position: number, length: number): Buffer;
  /** Reads [position, position + length) straight into a contiguous CPU tensor of that size. */
  readInto(h: Handle, position: number, length: number): void;
  /**
   * [position, position + length) as a uint8 CPU tensor of its own: mapped from the file when the
   * source maps and `position` is a multiple of `align` (so elements stay aligned), else read.
   */
  bytes(position: number, length: number, align: number): Tensor;
}

function readBytes(source: Source, position: number, length: number): Tensor {
  const t = emptyBytes(length);
  source.readInto(t._h, position, length);
  return t;
}

export class BufferSource implements Source {
  readonly size: number;
  constructor(private readonly buf: Uint8Array) {
    this.size = buf.length;
  }
  read(position: number, length: number): Buffer {
    checkRange(this.size, position, length);
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + position, length);
  }
  readInto(h: Handle, position: number, length: number): void {
    checkRange(this.size, position, length);
    native.copyInto(h, this.buf.subarray(position, position + length));
  }
  bytes(position: number, length: number): Tensor {
    return readBytes(this, position, length);
  }
}

export class FileSource implements Source {
  readonly size: number;
  /** `mmap`: `bytes()` maps the file copy-on-write instead of reading it (torch.load's mmap=True). */
  constructor(readonly fd: number, readonly mmap = false) {
    this.size = fs.fstatSync(fd).size;
  }
  read(position: number, length: number): Buffer {
    checkRange(this.size, position, length);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) throw new Error('unexpected end of file');
      done += n;
    }
    return buf;
  }
  readInto(h: Handle, position: number, length: number): void {
    checkRange(this.size, position, length);
    native.readInto(h, this.fd, position, length);
  }
  bytes(position: number, length: number, align: number): Tensor {
    if (!this.mmap || position % align !== 0) return readBytes(this, position, length);
    checkRange(this.size, position, length);
    return new Tensor(native.mapRegion(this.fd, position, length));
  }
}

function checkRange(size: number, position: number, length: number): void {
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || position + length > size) {
    throw new Error('PytorchStreamReader failed reading file: a record lies outside the file (the file is truncated or corrupt)');
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const U32_MAX = 0xffffffff;
const MAX_ENTRIES = 1 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readU64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('PytorchStreamReader failed reading zip archive: a 64-bit size or offset is too large');
  return Number(v);
}

function zipError(what: string): Error {
  return new Error(`PytorchStreamReader failed reading zip archive: ${what}`);
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  /** Names in the order of the central directory. */
  readonly names: string[] = [];
  private cdOffset = 0;

  constructor(readonly source: Source) {
    const size = source.size;
    if (size < 22) throw zipError('not a zip archive (too short)');
    // End of central directory: the last 22 bytes plus a comment of up to 65535 bytes.
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = source.read(size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tailLen) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw zipError('failed finding central directory');
    const eocdPos = size - tailLen + eocd;
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    let cdEnd = eocdPos;
    if (eocdPos >= 20 && source.read(eocdPos - 20, 4).readUInt32LE(0) === SIG_ZIP64_LOCATOR) {
      const loc = source.read(eocdPos - 20, 20);
      const z64 = readU64(loc, 8);
      if (z64 + 56 > eocdPos - 20) throw zipError('invalid ZIP64 end of central directory locator');
      const rec = source.read(z64, 56);
      if (rec.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw zipError('invalid ZIP64 end of central directory record');
      count = readU64(rec, 32);
      cdSize = readU64(rec, 40);
      cdOffset = readU64(rec, 48);
      cdEnd = z64;
    } else if (count === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) {
      throw zipError('ZIP64 values without a ZIP64 end of central directory');
    }
    if (cdOffset + cdSize > cdEnd) throw zipError('the central directory lies outside the file');
    if (count > MAX_ENTRIES || count * 46 > cdSize) throw zipError('invalid number of entries');
    this.cdOffset = cdOffset;
    const cd = source.read(cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) throw zipError('invalid central directory entry');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cd.length) throw zipError('invalid central directory entry');
      let name: string;
      try {
        name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
      } catch {
        throw zipError('a record name is not valid UTF-8');
      }
      // ZIP64 extended information: the fields that are 0xFFFFFFFF above, in this order.
      if (uncompressed === U32_MAX || compressedSize === U32_MAX || localHeaderOffset === U32_MAX) {
        let q = p + 46 + nameLen;
        const extraEnd = q + extraLen;
        let found = false;
        while (q + 4 <= extraEnd) {
          const id = cd.readUInt16LE(q);
          const len = cd.readUInt16LE(q + 2);
          if (q + 4 + len > extraEnd) break;
          if (id === 1) {
            let r = q + 4;
            const take = (): number => {
              if (r + 8 > q + 4 + len) throw zipError('invalid ZIP64 extra field');
              const v = readU64(cd, r);
              r += 8;
              return v;
            };
            if (uncompressed === U32_MAX) uncompressed = take();
            if (compressedSize === U32_MAX) compressedSize = take();
            if (localHeaderOffset === U32_MAX) localHeaderOffset = take();
            found = true;
            break;
          }
          q += 4 + len;
        }
        if (!found) throw zipError('missing ZIP64 extra field');
      }
      if (flags & 1) throw zipError(`record ${JSON.stringify(safeName(name))} is encrypted`);
      if (method !== 0 && method !== 8) throw zipError(`record ${JSON.stringify(safeName(name))} uses compression method ${method}; only stored and deflate records can be read`);
      if (method === 0 && compressedSize !== uncompressed) throw zipError('a stored record has different compressed and uncompressed sizes');
      if (localHeaderOffset + 30 + compressedSize > cdOffset) throw zipError('a record lies outside the file');
      if (this.entries.has(name)) throw zipError(`duplicate record ${JSON.stringify(safeName(name))}`);
      const entry = { name, method, flags, crc, compressedSize, size: uncompressed, localHeaderOffset };
      this.entries.set(name, entry);
      this.names.push(name);
      p = next;
    }
  }

  /** Where the record's data starts: after its local header (whose lengths may differ from the central one). */
  dataOffset(e: ZipEntry): number {
    const h = this.source.read(e.localHeaderOffset, 30);
    if (h.readUInt32LE(0) !== SIG_LOCAL) throw zipError(`invalid local header for ${JSON.stringify(safeName(e.name))}`);
    const start = e.localHeaderOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    if (start + e.compressedSize > this.cdOffset) throw zipError(`record ${JSON.stringify(safeName(e.name))} lies outside the file`);
    return start;
  }

  get(name: string): ZipEntry | undefined {
    return this.entries.get(name);
  }

  /** The whole record as a Buffer (for small records: data.pkl, version, byteorder). */
  read(e: ZipEntry, maxSize = this.source.size): Buffer {
    if (e.size > maxSize) throw zipError(`record ${JSON.stringify(safeName(e.name))} is too large`);
    const raw = this.source.read(this.dataOffset(e), e.compressedSize);
    if (e.method === 0) return raw;
    return inflate(raw, e);
  }

  /** The record's bytes as a uint8 CPU tensor (mapped when the source maps; see Source.bytes). */
  bytes(e: ZipEntry, align: number): Tensor {
    if (e.method === 0) return this.source.bytes(this.dataOffset(e), e.size, align);
    const t = emptyBytes(e.size);
    native.copyInto(t._h, this.read(e));
    return t;
  }
}

function inflate(raw: Buffer, e: ZipEntry): Buffer {
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch {
    throw zipError(`record ${JSON.stringify(safeName(e.name))} does not inflate to its declared size`);
  }
  if (out.length !== e.size) throw zipError(`record ${JSON.stringify(safeName(e.name))} does not inflate to its declared size`);
  return out;
}

// ---- writer ---------------------------------------------------------------------------------

/** c10::hash_combine over 64-bit values. */
function hashCombine(seed: bigint, value: bigint): bigint {
  const M = (1n << 64n) - 1n;
  return (seed ^ ((value + 0x9e3779b9n + ((seed << 6n) & M) + (seed >> 2n)) & M)) & M;
}

function fnv1a64(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & ((1n << 64n) - 1n);
  return h;
}

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
}

/** Data written as a record: bytes in JS memory, or a contiguous CPU tensor (written natively). */
export type RecordData = Uint8Array | { tensor: Handle; nbytes: number };

/**
 * Writes a PyTorch zip archive to an open file, laid out as PyTorchStreamWriter lays it out:
 * `archive/name` records in the order given, data 64-byte aligned, data descriptors, ZIP64 end
 * records, then `.data/serialization_id` (PyTorch's 20 + 20 digit form: a combined hash of the
 * record names, then the hash_combine of the records' CRC-32s in write order).
 */
export class ZipWriter {
  private pos = 0;
  private readonly written: Written[] = [];
  private combinedCrc = 0n;
  private readonly recordNames: string[] = [];
  static readonly ALIGNMENT = 64;

  /** `out`: an open file, or a function that keeps the bytes in order (torch.saveAsync's snapshot). */
  constructor(private readonly out: number | ((bytes: Uint8Array) => void), private readonly archiveName: string) {}

  private write(buf: Uint8Array): void {
    if (typeof this.out === 'function') {
      this.out(buf);
    } else {
      let done = 0;
      while (done < buf.length) done += fs.writeSync(this.out, buf, done, buf.length - done, this.pos + done);
    }
    this.pos += buf.length;
  }

  writeRecord(name: string, data: RecordData | string): void {
    if (typeof data === 'string') data = Buffer.from(data, 'utf8');
    const fullName = Buffer.from(`${this.archiveName}/${name}`, 'utf8');
    const size = data instanceof Uint8Array ? data.length : data.nbytes;
    const cursor = this.pos;
    const bigSize = size >= U32_MAX;
    const bigOffset = cursor >= U32_MAX;
    // ZIP64 extra in the local header when the size or the offset needs it (miniz's layout).
    const z64: number[] = [];
    if (bigSize) z64.push(size, size);
    if (bigOffset) z64.push(cursor);
    const z64Len = z64.length > 0 ? 4 + 8 * z64.length : 0;
    // inline_container.cc getPadding: the data after header, name, ZIP64 extra and the 4-byte
    // "FB" field header starts on a multiple of 64.
    const start = cursor + 30 + fullName.length + 4 + z64Len;
    const padding = (ZipWriter.ALIGNMENT - (start % ZipWriter.ALIGNMENT)) % ZipWriter.ALIGNMENT;
    const header = Buffer.alloc(30 + fullName.length + z64Len + 4 + padding, 0x5a /* 'Z' */);
    header.writeUInt32LE(SIG_LOCAL, 0);
    header.writeUInt16LE(0, 4); // version needed (miniz: 0 for stored)
    header.writeUInt16LE(0x0808, 6); // data descriptor follows; UTF-8 names
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt32LE(0, 10); // time, date
    header.writeUInt32LE(0, 14); // crc (in the descriptor)
    header.writeUInt32LE(bigSize ? U32_MAX : 0, 18);
    header.writeUInt32LE(bigSize ? U32_MAX : 0, 22);
    header.writeUInt16LE(fullName.length, 26);
    header.writeUInt16LE(z64Len + 4 + padding, 28);
    fullName.copy(header, 30);
    let q = 30 + fullName.length;
    if (z64Len > 0) {
      header.writeUInt16LE(1, q);
      header.writeUInt16LE(8 * z64.length, q + 2);
      z64.forEach((v, i) => header.writeBigUInt64LE(BigInt(v), q + 4 + 8 * i));
      q += z64Len;
    }
    header.write('FB', q, 'latin1');
    header.writeUInt16LE(padding, q + 2);
    this.write(header);
    let crc: number;
    if (data instanceof Uint8Array) {
      crc = native.crc32(data);
      this.write(data);
    } else {
      crc = size === 0 ? 0 : native.crc32(data.tensor);
      if (typeof this.out === 'function') {
        if (size > 0) this.write(new Uint8Array(native.toBytes(data.tensor)));
      } else {
        if (size > 0) native.writeFrom(data.tensor, this.out, this.pos);
        this.pos += size;
      }
    }
    const desc = Buffer.alloc(z64Len > 0 ? 24 : 16);
    desc.writeUInt32LE(SIG_DESCRIPTOR, 0);
    desc.writeUInt32LE(crc, 4);
    if (z64Len > 0) {
      desc.writeBigUInt64LE(BigInt(size), 8);
      desc.writeBigUInt64LE(BigInt(size), 16);
    } else {
      desc.writeUInt32LE(size, 8);
      desc.writeUInt32LE(size, 12);
    }
    this.write(desc);
    this.written.push({ name: fullName, crc, size, offset: cursor });
    this.recordNames.push(name);
    this.combinedCrc = hashCombine(this.combinedCrc, BigInt(crc));
  }

  /** Writes `.data/serialization_id` and the central directory. */
  finish(): void {
    let names = 0n;
    for (const n of this.recordNames) names = hashCombine(names, fnv1a64(n));
    const id = names.toString().padStart(20, '0') + this.combinedCrc.toString().padStart(20, '0');
    this.writeRecord('.data/serialization_id', id);

    const cdStart = this.pos;
    for (const w of this.written) {
      const bigSize = w.size >= U32_MAX;
      const bigOffset = w.offset >= U32_MAX;
      const z64: number[] = [];
      if (bigSize) z64.push(w.size, w.size);
      if (bigOffset) z64.push(w.offset);
      const z64Len = z64.length > 0 ? 4 + 8 * z64.length : 0;
      const e = Buffer.alloc(46 + w.name.length + z64Len);
      e.writeUInt32LE(SIG_CENTRAL, 0);
      e.writeUInt16LE(z64Len > 0 ? 0x031e : 0, 4); // version made by
      e.writeUInt16LE(z64Len > 0 ? 45 : 0, 6); // version needed
      e.writeUInt16LE(0x0808, 8);
      e.writeUInt16LE(0, 10);
      e.writeUInt32LE(0, 12);
      e.writeUInt32LE(w.crc, 16);
      e.writeUInt32LE(bigSize ? U32_MAX : w.size, 20);
      e.writeUInt32LE(bigSize ? U32_MAX : w.size, 24);
      e.writeUInt16LE(w.name.length, 28);
      e.writeUInt16LE(z64Len, 30);
      e.writeUInt32LE(bigOffset ? U32_MAX : w.offset, 42);
      w.name.copy(e, 46);
      if (z64Len > 0) {
        const q = 46 + w.name.length;
        e.writeUInt16LE(1, q);
        e.writeUInt16LE(8 * z64.length, q + 2);
        z64.forEach((v, i) => e.writeBigUInt64LE(BigInt(v), q + 4 + 8 * i));
      }
      this.write(e);
    }
    const cdSize = this.pos - cdStart;
    const n = this.written.length;
    const z64Pos = this.pos;
    const end = Buffer.alloc(56 + 20 + 22);
    end.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    end.writeBigUInt64LE(44n, 4);
    end.writeUInt16LE(0x031e, 12);
    end.writeUInt16LE(0x2d, 14);
    end.writeUInt32LE(0, 16);
    end.writeUInt32LE(0, 20);
    end.writeBigUInt64LE(BigInt(n), 24);
    end.writeBigUInt64LE(BigInt(n), 32);
    end.writeBigUInt64LE(BigInt(cdSize), 40);
    end.writeBigUInt64LE(BigInt(cdStart), 48);
    end.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
    end.writeUInt32LE(0, 60);
    end.writeBigUInt64LE(BigInt(z64Pos), 64);
    end.writeUInt32LE(1, 72);
    end.writeUInt32LE(SIG_EOCD, 76);
    end.writeUInt16LE(0, 80);
    end.writeUInt16LE(0, 82);
    end.writeUInt16LE(Math.min(n, 0xffff), 84);
    end.writeUInt16LE(Math.min(n, 0xffff), 86);
    end.writeUInt32LE(Math.min(cdSize, U32_MAX), 88);
    end.writeUInt32LE(Math.min(cdStart, U32_MAX), 92);
    end.writeUInt16LE(0, 96);
    this.write(end);
  }
}
