// safetensors (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON header ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}),
// then the tensors' bytes. A valid file's offsets, sorted, are contiguous, start at 0, and cover
// the byte buffer exactly, and each tensor's extent is numel x element size. Every rule is
// checked before a byte of tensor data is read.
import * as fs from 'fs';
import * as dtypes from '../dtype';
import { DType } from '../dtype';
import { native, type Handle } from '../native';
import { op } from '../ops';
import { Tensor } from '../tensor';
import { atomicWrite } from './atomic';
import { safeName } from './pickle';
import { BufferSource, FileSource, type Source } from './zip';

const ops = {
  empty: op('aten::empty.memory_format'),
  contiguous: op('aten::contiguous'),
  toDevice: op('aten::to.device'),
};

/** The header size cap of the reference implementation (100 MB). */
const MAX_HEADER_SIZE = 100_000_000;

const DTYPES: Record<string, DType> = {
  BOOL: dtypes.bool, U8: dtypes.uint8, I8: dtypes.int8, I16: dtypes.int16, I32: dtypes.int32, I64: dtypes.int64,
  F16: dtypes.float16, BF16: dtypes.bfloat16, F32: dtypes.float32, F64: dtypes.float64,
};
const NAMES = new Map<DType, string>(Object.entries(DTYPES).map(([k, v]) => [v, k]));
const KNOWN_UNSUPPORTED = new Set(['U16', 'U32', 'U64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64', 'C128']);

/** What loadSafetensors returns: the tensors by name, in file order, and the `__metadata__`. */
export type SafetensorsDict = Map<string, Tensor> & { metadata: Record<string, string> | null };

function fail(what: string): never {
  throw new Error(`safetensors: ${what}`);
}

/** Whether the first bytes look like a safetensors header (for torch.load of a Buffer). */
export function looksLikeSafetensors(head: Buffer, size: number): boolean {
  if (head.length < 10) return false;
  const n = head.readBigUInt64LE(0);
  return n >= 2n && n <= BigInt(Math.min(MAX_HEADER_SIZE, size - 8)) && head[8] === 0x7b /* { */;
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(source: Source): { entries: Entry[]; metadata: Record<string, string> | null; dataStart: number } {
  if (source.size < 8) fail('HeaderTooSmall: the file is shorter than its 8-byte header length');
  const n64 = source.read(0, 8).readBigUInt64LE(0);
  if (n64 > BigInt(MAX_HEADER_SIZE)) fail('HeaderTooLarge: the header is larger than 100 MB');
  const n = Number(n64);
  if (8 + n > source.size) fail('InvalidHeaderLength: the header is longer than the file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(source.read(8, n));
  } catch {
    fail('InvalidHeader: the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('InvalidHeaderStart: the header does not start with {');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    fail('InvalidHeaderDeserialization: the header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('InvalidHeaderDeserialization: the header is not a JSON object');
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('InvalidHeaderDeserialization: __metadata__ must map strings to strings');
      metadata = Object.create(null) as Record<string, string>;
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail('InvalidHeaderDeserialization: __metadata__ must map strings to strings');
        metadata[k] = v;
      }
      continue;
    }
    const shown = JSON.stringify(safeName(name));
    if (typeof info !== 'object' || info === null) fail(`InvalidHeaderDeserialization: tensor ${shown} has no description`);
    const { dtype, shape, data_offsets: offsets } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string') fail(`InvalidHeaderDeserialization: tensor ${shown} has no dtype`);
    const dt = DTYPES[dtype];
    if (dt === undefined) {
      fail(KNOWN_UNSUPPORTED.has(dtype) ? `tensor ${shown} has dtype ${dtype}, which torchnode does not support yet` : `InvalidHeaderDeserialization: tensor ${shown} has an unknown dtype`);
    }
    if (!Array.isArray(shape) || shape.length > 64 || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
      fail(`InvalidHeaderDeserialization: tensor ${shown} has an invalid shape`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
      fail(`InvalidOffset: tensor ${shown} has invalid data_offsets`);
    }
    const numel = shape.reduce((a: bigint, d: number) => a * BigInt(d), 1n);
    if (numel * BigInt(dt.itemsize) !== BigInt(offsets[1] - offsets[0])) {
      fail(`TensorInvalidInfo: tensor ${shown}: its shape and dtype need ${numel * BigInt(dt.itemsize)} bytes, its data_offsets give ${offsets[1] - offsets[0]}`);
    }
    entries.push({ name, dtype: dt, shape: shape as number[], begin: offsets[0], end: offsets[1] });
  }
  // Sorted by offset, the tensors must tile the byte buffer exactly.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) fail(`InvalidOffset: tensor ${JSON.stringify(safeName(e.name))} does not start where the previous one ends`);
    at = e.end;
  }
  const dataStart = 8 + n;
  if (dataStart + at !== source.size) fail('MetadataIncompleteBuffer: the tensors do not cover the data exactly');
  return { entries: sorted, metadata, dataStart };
}

/** Reads a safetensors file from an open source; each tensor gets its own storage (mapped when the source maps). */
export function loadSafetensorsFrom(source: Source): SafetensorsDict {
  const { entries, metadata, dataStart } = parseHeader(source);
  const out = new Map<string, Tensor>() as SafetensorsDict;
  for (const e of entries) {
    const bytes = source.bytes(dataStart + e.begin, e.end - e.begin, e.dtype.itemsize);
    const strides = e.shape.map((_, i) => e.shape.slice(i + 1).reduce((a, d) => a * d, 1));
    const t = new Tensor(native.fromStorage(bytes._h, e.dtype.code, 0, e.shape, strides));
    native.transferCharge(bytes._h, t._h);
    bytes.dispose();
    out.set(e.name, t);
  }
  Object.defineProperty(out, 'metadata', { value: metadata, enumerable: false, writable: true, configurable: true });
  return out;
}

/**
 * Loads a .safetensors file (path or bytes): a Map of name to tensor, with `.metadata`. With
 * `mmap` (a path only), tensors are mapped from the file copy-on-write instead of read.
 */
export function loadSafetensors(f: string | Uint8Array, options: { mmap?: boolean } = {}): SafetensorsDict {
  if (typeof f === 'string') {
    const fd = fs.openSync(f, 'r');
    try {
      return loadSafetensorsFrom(new FileSource(fd, options.mmap ?? false));
    } finally {
      fs.closeSync(fd);
    }
  }
  if (!(f instanceof Uint8Array)) throw new TypeError('loadSafetensors expects a path or a Buffer');
  if (options.mmap) throw new Error('f must be a file path in order to use the mmap argument');
  return loadSafetensorsFrom(new BufferSource(f));
}

/**
 * Saves tensors as a .safetensors file (atomically, like torch.save). Tensors are written
 * contiguous and each on its own (shared storage is not kept, as in the format). Order: by
 * element size, largest first, then by name, as the reference implementation sorts them.
 */
export function saveSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  f: string,
  metadata?: Record<string, string> | Map<string, string> | null,
): void {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const md: Record<string, string> = {};
  if (metadata !== undefined && metadata !== null) {
    for (const [k, v] of metadata instanceof Map ? metadata : Object.entries(metadata)) {
      if (typeof k !== 'string' || typeof v !== 'string') throw new TypeError('saveSafetensors: metadata must map strings to strings');
      md[k] = v;
    }
  }
  const seen = new Set<string>();
  for (const [name, t] of list) {
    if (typeof name !== 'string' || name === '__metadata__') throw new TypeError(`saveSafetensors: invalid tensor name ${JSON.stringify(String(name))}`);
    if (seen.has(name)) throw new Error(`saveSafetensors: duplicate tensor name ${JSON.stringify(name)}`);
    seen.add(name);
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: ${JSON.stringify(name)} is not a Tensor`);
    if (!NAMES.has(t.dtype)) throw new Error(`saveSafetensors: cannot save ${t.dtype} tensors`);
  }
  list.sort(([an, a], [bn, b]) => b.dtype.itemsize - a.dtype.itemsize || (an < bn ? -1 : an > bn ? 1 : 0));
  const temporaries: Tensor[] = [];
  try {
    const header: Record<string, unknown> = {};
    if (metadata !== undefined && metadata !== null) header.__metadata__ = md;
    const parts: { t: Tensor; nbytes: number }[] = [];
    let offset = 0;
    for (const [name, t0] of list) {
      let t = t0;
      if (native.device(t._h) !== 'cpu') {
        t = new Tensor(native.callOp(ops.toDevice, t._h, 'cpu', t.dtype.code, false, false) as Handle);
        temporaries.push(t);
      }
      if (!t.isContiguous()) {
        t = new Tensor(native.callOp(ops.contiguous, t._h, undefined) as Handle);
        temporaries.push(t);
      }
      const nbytes = t.numel() * t.dtype.itemsize;
      header[name] = { dtype: NAMES.get(t.dtype), shape: [...t.shape], data_offsets: [offset, offset + nbytes] };
      parts.push({ t, nbytes });
      offset += nbytes;
    }
    let json = Buffer.from(JSON.stringify(header), 'utf8');
    const pad = (8 - (json.length % 8)) % 8;
    if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
    if (json.length > MAX_HEADER_SIZE) throw new Error('saveSafetensors: the header would be larger than 100 MB');
    atomicWrite(f, (fd) => {
      const head = Buffer.alloc(8);
      head.writeBigUInt64LE(BigInt(json.length), 0);
      let pos = 0;
      const write = (b: Buffer): void => {
        let done = 0;
        while (done < b.length) done += fs.writeSync(fd, b, done, b.length - done, pos + done);
        pos += b.length;
      };
      write(head);
      write(json);
      for (const { t, nbytes } of parts) {
        if (nbytes > 0) native.writeFrom(t._h, fd, pos);
        pos += nbytes;
      }
    });
  } finally {
    for (const t of temporaries) t.dispose();
  }
}
