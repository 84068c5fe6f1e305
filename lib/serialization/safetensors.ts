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

// The format's dtypes that have a torch dtype, in the reference implementation's order
// (safetensors' `Dtype` enum, "increasing alignment order"): saving sorts by it, largest first.
// F4 is float4_e2m1fn_x2, two values a byte: a header's shape counts the 4-bit values, so its
// last dimension is twice the torch tensor's. C64 is complex64; the format has no other complex.
const DTYPE_ORDER: [string, DType][] = [
  ['BOOL', dtypes.bool], ['F4', dtypes.float4_e2m1fn_x2], ['U8', dtypes.uint8], ['I8', dtypes.int8],
  ['F8_E5M2', dtypes.float8_e5m2], ['F8_E4M3', dtypes.float8_e4m3fn], ['F8_E8M0', dtypes.float8_e8m0fnu],
  ['F8_E4M3FNUZ', dtypes.float8_e4m3fnuz], ['F8_E5M2FNUZ', dtypes.float8_e5m2fnuz],
  ['I16', dtypes.int16], ['U16', dtypes.uint16], ['F16', dtypes.float16], ['BF16', dtypes.bfloat16],
  ['I32', dtypes.int32], ['U32', dtypes.uint32], ['F32', dtypes.float32], ['C64', dtypes.complex64],
  ['F64', dtypes.float64], ['I64', dtypes.int64], ['U64', dtypes.uint64],
];
const DTYPES: Record<string, DType> = Object.fromEntries(DTYPE_ORDER);
const NAMES = new Map<DType, string>(DTYPE_ORDER.map(([k, v]) => [v, k]));
const RANK = new Map<DType, number>(DTYPE_ORDER.map(([, v], i) => [v, i]));
// In the format, without a torch dtype.
const KNOWN_UNSUPPORTED = new Set(['F6_E2M3', 'F6_E3M2']);
const F4 = dtypes.float4_e2m1fn_x2;

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
      fail(KNOWN_UNSUPPORTED.has(dtype) ? `tensor ${shown} has dtype ${dtype}, which has no torch dtype` : `InvalidHeaderDeserialization: tensor ${shown} has an unknown dtype`);
    }
    if (!Array.isArray(shape) || shape.length > 64 || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
      fail(`InvalidHeaderDeserialization: tensor ${shown} has an invalid shape`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
      fail(`InvalidOffset: tensor ${shown} has invalid data_offsets`);
    }
    const numel = shape.reduce((a: bigint, d: number) => a * BigInt(d), 1n);
    let torchShape = shape as number[];
    let nbytes = numel * BigInt(dt.itemsize);
    if (dt === F4) {
      // 4-bit values, two a byte: a whole number of bytes, and a torch shape with the last
      // dimension halved (the safetensors package's rule).
      if (numel % 2n !== 0n) fail(`MisalignedSlice: tensor ${shown} has an odd number of F4 values`);
      if (shape.length === 0 || (shape[shape.length - 1] as number) % 2 !== 0) fail(`tensor ${shown}: F4 needs a last dimension divisible by 2, got ${JSON.stringify(shape)}`);
      torchShape = [...(shape as number[]).slice(0, -1), (shape[shape.length - 1] as number) / 2];
      nbytes = numel / 2n;
    }
    if (nbytes !== BigInt(offsets[1] - offsets[0])) {
      fail(`TensorInvalidInfo: tensor ${shown}: its shape and dtype need ${nbytes} bytes, its data_offsets give ${offsets[1] - offsets[0]}`);
    }
    entries.push({ name, dtype: dt, shape: torchShape, begin: offsets[0], end: offsets[1] });
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
    if (!NAMES.has(t.dtype)) throw new Error(`saveSafetensors: cannot save ${t.dtype} tensors (the format has no such dtype)`);
    if (t.dtype === F4 && t.dim() === 0) throw new Error(`saveSafetensors: ${JSON.stringify(name)}: a 0-dim ${t.dtype} tensor has no F4 shape`);
  }
  // The reference implementation's order: by dtype (its enum, largest first), then by name.
  list.sort(([an, a], [bn, b]) => RANK.get(b.dtype)! - RANK.get(a.dtype)! || (an < bn ? -1 : an > bn ? 1 : 0));
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
      const shape = [...t.shape];
      if (t.dtype === F4) shape[shape.length - 1] = shape[shape.length - 1]! * 2; // the header counts 4-bit values
      header[name] = { dtype: NAMES.get(t.dtype), shape, data_offsets: [offset, offset + nbytes] };
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
