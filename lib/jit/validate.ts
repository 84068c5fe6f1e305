// torch.jit.load's pre-check: a TorchScript archive is checked here, without executing anything,
// before libtorch's reader sees it (libtorch trusts its input: a pickle that pops below a MARK, a
// tensor larger than its storage or a debug table index out of range reads out of bounds there).
// PyTorch's own advice stands: load .pt/.pt2 files from trusted sources only. The check refuses
// what real PyTorch does not write:
//  - the zip (lib/serialization/zip.ts's reader): central directory and local headers agree, every
//    record lies inside the file, before the central directory and apart from the others, is
//    stored or deflated (data records stored) and has its CRC-32; names are in one archive folder;
//  - the records libtorch reads: version (1 to 10), byteorder, data.pkl and constants.pkl, the
//    code/ sources (UTF-8) and their .debug_pkl tables;
//  - every pickle (data.pkl, constants.pkl, traced_inputs.pkl, bytecode.pkl, .debug_pkl) runs on a
//    typed model of libtorch's unpickler (torch/csrc/jit/serialization/unpickler.cpp): its
//    opcodes, protocol 2, stack and MARK discipline, the globals TorchScript writes
//    (torch._utils._rebuild_tensor_v2 / _rebuild_qtensor / _rebuild_sparse_tensor, torch.<T>Storage,
//    quantization schemes, torch.jit._pickle.*, collections.OrderedDict, torch.device,
//    builtins.complex and __torch__ classes defined in code/), storages that name existing records
//    of the right size, tensors inside their storages, sparse indices inside their sizes, type tags
//    that match their values, and no cycles.
import { isUtf8 } from 'buffer';
import * as zlib from 'zlib';
import { native } from '../native';
import { safeName } from '../serialization/pickle';
import { BufferSource, ZipReader, type ZipEntry } from '../serialization/zip';

/** A refused archive: what is wrong and where. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Error';
  }
}

// Deflated records (code/ and its debug tables) inflate to at most this much, all together (zip bombs).
const MAX_INFLATED = 256 * 1024 * 1024;
const MAX_DEPTH = 1000;
const MAX_MEMO = 1 << 22;
const MIN_VERSION = 1;
const MAX_VERSION = 10;

const SIG_LOCAL = 0x04034b50;

// torch.<Name>Storage -> element size (c10's scalar types that have storages).
const STORAGE_ITEMSIZE: Record<string, number> = {
  Byte: 1, Char: 1, Short: 2, Int: 4, Long: 8, Half: 2, Float: 4, Double: 8, ComplexHalf: 4, ComplexFloat: 8,
  ComplexDouble: 16, Bool: 1, QInt8: 1, QUInt8: 1, QInt32: 4, BFloat16: 2, QUInt4x2: 1, QUInt2x4: 1,
  Float8_e5m2: 1, Float8_e4m3fn: 1, Float8_e5m2fnuz: 1, Float8_e4m3fnuz: 1, UInt16: 2, UInt32: 4, UInt64: 8,
};
const QUANTIZED = new Set(['QInt8', 'QUInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4']);
const PER_TENSOR = new Set(['per_tensor_affine', 'per_tensor_symmetric']);
const PER_CHANNEL = new Set(['per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams']);

// ---- values of the model ---------------------------------------------------------------------

type Global =
  | { g: 'tensor'; quantized: boolean }
  | { g: 'sparse' }
  | { g: 'orderedDict' }
  | { g: 'device' }
  | { g: 'complex' }
  | { g: 'typeTag' }
  | { g: 'list'; elem: 'int' | 'Tensor' | 'float' | 'bool' }
  | { g: 'class'; name: string };

type V =
  | { k: 'int'; v: bigint; dtype?: string; qscheme?: string }
  | { k: 'float' }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'str'; s: string }
  | { k: 'complex' }
  | { k: 'device' }
  | { k: 'storage'; dtype: string; numel: bigint; key: string }
  | { k: 'tensor'; dtype: string; sizes: bigint[]; strides: bigint[]; offset: bigint; key: string | null }
  | { k: 'object'; cls: string }
  | { k: 'global'; fn: Global }
  | { k: 'tuple'; items: V[] }
  | { k: 'list'; items: V[] }
  | { k: 'dict'; items: [V, V][] };

const NONE: V = { k: 'none' };

function kindOf(v: V): string {
  switch (v.k) {
    case 'global': return `a global (${v.fn.g})`;
    case 'object': return `an object of ${safeName(v.cls)}`;
    default: return v.k;
  }
}

// ---- TorchScript type strings (restore_type_tag) ------------------------------------------------

interface TypeNode {
  name: string;
  args: TypeNode[];
}

function parseType(s: string): TypeNode {
  if (s.length > 4096) throw new Error('the type is too long');
  let p = 0;
  const ws = (): void => {
    while (s[p] === ' ') p++;
  };
  const node = (depth: number): TypeNode => {
    if (depth > 64) throw new Error('the type nests too deeply');
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(s.slice(p));
    if (m === null) throw new Error(`cannot parse the type ${JSON.stringify(safeName(s))}`);
    p += m[0].length;
    const args: TypeNode[] = [];
    ws();
    if (s[p] === '[') {
      p++;
      ws();
      if (s[p] !== ']') {
        for (;;) {
          args.push(node(depth + 1));
          ws();
          if (s[p] === ',') {
            p++;
            continue;
          }
          break;
        }
      }
      if (s[p] !== ']') throw new Error(`cannot parse the type ${JSON.stringify(safeName(s))}`);
      p++;
    }
    return { name: m[0], args };
  };
  const t = node(0);
  ws();
  if (p !== s.length) throw new Error(`cannot parse the type ${JSON.stringify(safeName(s))}`);
  return t;
}

/** Whether `v` can be a value of type `t` (types this model does not know accept anything). */
function matches(v: V, t: TypeNode, seen: Set<V>): boolean {
  const arity = (n: number): boolean => t.args.length === n;
  switch (t.name) {
    case 'Tensor': return v.k === 'tensor';
    case 'int': return v.k === 'int';
    case 'float': return v.k === 'float';
    case 'bool': return v.k === 'bool';
    case 'str': return v.k === 'str';
    case 'complex': return v.k === 'complex';
    case 'NoneType': return v.k === 'none';
    case 'Device': return v.k === 'device';
    case 'Optional': return arity(1) && (v.k === 'none' || matches(v, t.args[0]!, seen));
    case 'List':
      if (!arity(1) || v.k !== 'list') return false;
      if (seen.has(v)) return true;
      seen.add(v);
      return v.items.every((x) => matches(x, t.args[0]!, seen));
    case 'Dict':
      if (!arity(2) || v.k !== 'dict') return false;
      if (seen.has(v)) return true;
      seen.add(v);
      return v.items.every(([k, x]) => matches(k, t.args[0]!, seen) && matches(x, t.args[1]!, seen));
    case 'Tuple':
      if (v.k !== 'tuple') return false;
      if (t.args.length === 0) return true;
      return v.items.length === t.args.length && v.items.every((x, i) => matches(x, t.args[i]!, seen));
    default:
      return true;
  }
}

// ---- the pickle model -------------------------------------------------------------------------

/** What a pickle may refer to outside itself. */
interface PickleContext {
  /** The storage record `key` of a pickle, or undefined when it is missing. */
  storage(key: string): Uint8Array | undefined;
  /** Whether code/ defines the class `qualifiedName`. */
  hasClass(qualifiedName: string): boolean;
  /** Whether globals other than torch.jit._pickle.build_intlist are allowed (not in debug tables). */
  allowGlobals: boolean;
  /** Storage records may be empty (traced_inputs.pkl keeps shapes only; libtorch's load does not read it). */
  emptyStorages?: boolean;
}

const OP = {
  MARK: 0x28, STOP: 0x2e, BINFLOAT: 0x47, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, NONE: 0x4e,
  BINPERSID: 0x51, REDUCE: 0x52, BINUNICODE: 0x58, APPENDS: 0x65, BUILD: 0x62, GLOBAL: 0x63, DICT: 0x64,
  BINGET: 0x68, LONG_BINGET: 0x6a, LIST: 0x6c, BINPUT: 0x71, LONG_BINPUT: 0x72, SETITEM: 0x73, TUPLE: 0x74,
  SETITEMS: 0x75, EMPTY_DICT: 0x7d, EMPTY_LIST: 0x5d, EMPTY_TUPLE: 0x29, PROTO: 0x80, NEWOBJ: 0x81, TUPLE1: 0x85,
  TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88, NEWFALSE: 0x89, LONG1: 0x8a,
} as const;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const DEVICE = /^[a-z_]+(:(0|[1-9][0-9]{0,3}))?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isHashable(v: V): boolean {
  return v.k === 'str' || v.k === 'int' || v.k === 'float' || v.k === 'bool' || v.k === 'tensor' || v.k === 'complex' || v.k === 'none';
}

function product(xs: bigint[]): bigint {
  return xs.reduce((a, b) => a * b, 1n);
}

/** Runs one pickle on the model; returns its value. `fail(message)` throws. */
function checkPickle(data: Uint8Array, ctx: PickleContext, fail: (m: string) => never): V {
  const memo: V[] = [];
  let stack: V[] = [];
  const marks: V[][] = [];
  const storages = new Map<string, { dtype: string; numel: bigint }>();
  let p = 0;
  const need = (n: number): void => {
    if (p + n > data.length) fail('the pickle is truncated');
  };
  const u8 = (): number => {
    need(1);
    return data[p++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = data[p]! | (data[p + 1]! << 8);
    p += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16)) + data[p + 3]! * 0x1000000;
    p += 4;
    return v;
  };
  const pop = (): V => {
    const v = stack.pop();
    if (v === undefined) fail('the pickle pops from an empty stack (or below its MARK)');
    return v;
  };
  const popMark = (): V[] => {
    const items = stack;
    const prev = marks.pop();
    if (prev === undefined) fail('the pickle closes a MARK it never opened');
    stack = prev;
    return items;
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, p);
    if (end < 0 || end - p > 1024) fail('a GLOBAL name is not terminated');
    const s = Buffer.from(data.buffer, data.byteOffset + p, end - p).toString('latin1');
    p = end + 1;
    if (!IDENT.test(s)) fail(`GLOBAL ${JSON.stringify(safeName(s))} is not a qualified Python identifier`);
    return s;
  };
  const str = (n: number): string => {
    need(n);
    const bytes = data.subarray(p, p + n);
    p += n;
    if (!isUtf8(bytes)) fail('a string is not valid UTF-8');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  };
  const intArg = (v: V | undefined, what: string): bigint => {
    if (v === undefined || v.k !== 'int') fail(`${what} must be an int, not ${v === undefined ? 'missing' : kindOf(v)}`);
    return v.v;
  };
  const intTuple = (v: V | undefined, what: string): bigint[] => {
    if (v === undefined || v.k !== 'tuple') fail(`${what} must be a tuple of ints`);
    return v.items.map((x) => intArg(x, what));
  };

  const global = (module: string, name: string): V => {
    const full = `${module}.${name}`;
    if (!ctx.allowGlobals && full !== 'torch.jit._pickle.build_intlist') fail(`GLOBAL ${safeName(full)} is not allowed in a debug table`);
    if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_qtensor')) {
      return { k: 'global', fn: { g: 'tensor', quantized: name === '_rebuild_qtensor' } };
    }
    if (module === 'torch._utils' && name === '_rebuild_sparse_tensor') return { k: 'global', fn: { g: 'sparse' } };
    if (module === 'collections' && name === 'OrderedDict') return { k: 'global', fn: { g: 'orderedDict' } };
    if (module === 'torch' && name === 'device') return { k: 'global', fn: { g: 'device' } };
    if (module === 'builtins' && name === 'complex') return { k: 'global', fn: { g: 'complex' } };
    if (module === 'torch.jit._pickle') {
      if (name === 'restore_type_tag') return { k: 'global', fn: { g: 'typeTag' } };
      const elem = ({ build_intlist: 'int', build_tensorlist: 'Tensor', build_doublelist: 'float', build_boollist: 'bool' } as const)[name as 'build_intlist'];
      if (elem !== undefined) return { k: 'global', fn: { g: 'list', elem } };
      fail(`Unknown pickler class id ${safeName(name)}`);
    }
    if (module === 'torch') {
      if (name.endsWith('Storage') && STORAGE_ITEMSIZE[name.slice(0, -7)] !== undefined) return { k: 'int', v: 0n, dtype: name.slice(0, -7) };
      if (PER_TENSOR.has(name) || PER_CHANNEL.has(name)) return { k: 'int', v: 0n, qscheme: name };
      fail(`Unpickler found unknown torch global, '${safeName(full)}'`);
    }
    if (module === '__torch__' || module.startsWith('__torch__.')) {
      if (!module.startsWith('__torch__.torch.classes.') && !ctx.hasClass(full)) fail(`class ${safeName(full)} is not defined in code/`);
      return { k: 'global', fn: { g: 'class', name: full } };
    }
    fail(`Unpickler found unknown type ${safeName(full)}`);
  };

  const rebuildTensor = (args: V, quantized: boolean): V => {
    if (args.k !== 'tuple') fail('_rebuild_tensor arguments must be a tuple');
    const a = args.items;
    const s = a[0];
    if (s === undefined || s.k !== 'storage') fail('a tensor must be rebuilt from a storage (a persistent id)');
    if (QUANTIZED.has(s.dtype) !== quantized) fail(`a ${quantized ? 'quantized' : 'plain'} tensor cannot be rebuilt from a ${s.dtype} storage`);
    const offset = intArg(a[1], 'a storage offset');
    const sizes = intTuple(a[2], 'a tensor size');
    const strides = intTuple(a[3], 'a tensor stride');
    if (sizes.length !== strides.length) fail('a tensor has different numbers of sizes and strides');
    if (sizes.length > 64) fail('a tensor has too many dimensions');
    if (offset < 0n || sizes.some((x) => x < 0n) || strides.some((x) => x < 0n)) fail('a tensor has a negative size, stride or storage offset');
    const numel = product(sizes);
    if (numel >= 1n << 62n) fail('a tensor is too large');
    if (numel > 0n) {
      let last = offset;
      sizes.forEach((n, i) => (last += (n - 1n) * strides[i]!));
      if (last >= s.numel) fail(`a tensor of size [${sizes.join(', ')}] and stride [${strides.join(', ')}] at offset ${offset} lies outside its storage of ${s.numel} elements`);
    }
    let i = 4;
    if (quantized) {
      const q = a[i++];
      if (q === undefined || q.k !== 'tuple' || q.items.length === 0 || q.items[0]!.k !== 'int' || (q.items[0] as { qscheme?: string }).qscheme === undefined) {
        fail('quantization parameters must be a tuple that starts with a quantization scheme');
      }
      const scheme = (q.items[0] as { qscheme: string }).qscheme;
      if (PER_TENSOR.has(scheme)) {
        if (q.items.length !== 3 || q.items[1]!.k !== 'float' || q.items[2]!.k !== 'int') fail('per-tensor quantization parameters must be (scheme, float scale, int zero point)');
      } else {
        const [, scales, zeros, axisV] = q.items;
        const axis = intArg(axisV, 'a quantization axis');
        if (q.items.length !== 4 || scales?.k !== 'tensor' || zeros?.k !== 'tensor') fail('per-channel quantization parameters must be (scheme, scales, zero points, axis)');
        if (axis < 0n || axis >= BigInt(sizes.length)) fail('a quantization axis is out of range');
        for (const t of [scales, zeros]) {
          if (t.sizes.length !== 1 || t.sizes[0] !== sizes[Number(axis)]) fail('per-channel scales and zero points must have one element per channel');
        }
      }
    }
    const rg = a[i++];
    if (rg?.k !== 'bool') fail('requires_grad must be a bool');
    if (a[i++] === undefined) fail('_rebuild_tensor arguments are missing the backward hooks');
    if (!quantized && a.length === 7) {
      const bits = a[6]!;
      if (bits.k !== 'dict' || !bits.items.every(([k, v]) => k.k === 'str' && (k.s === 'conj' || k.s === 'neg') && v.k === 'bool')) {
        fail("a tensor's math bits must be a dict of 'conj' and 'neg' to bools");
      }
    } else if (a.length !== i) {
      fail(`_rebuild_tensor takes ${i} arguments, not ${a.length}`);
    }
    return { k: 'tensor', dtype: s.dtype, sizes, strides, offset, key: s.key };
  };

  // The elements of an integer tensor (Long or Int), read from its storage record, in order.
  const elements = (t: V & { k: 'tensor' }, what: string): bigint[] => {
    if ((t.dtype !== 'Long' && t.dtype !== 'Int') || t.sizes.length !== 1 && t.sizes.length !== 2) fail(`${what} must be a 1-D or 2-D int64 or int32 tensor`);
    const bytes = t.key === null ? undefined : ctx.storage(t.key);
    const n = product(t.sizes);
    if (n > 0n && (bytes === undefined || bytes.length === 0)) fail(`${what} has no data`);
    const width = t.dtype === 'Long' ? 8 : 4;
    const view = n > 0n ? Buffer.from(bytes!.buffer, bytes!.byteOffset, bytes!.length) : Buffer.alloc(0);
    const out: bigint[] = [];
    const rows = t.sizes.length === 2 ? t.sizes[0]! : 1n;
    const cols = t.sizes[t.sizes.length - 1]!;
    const rowStride = t.sizes.length === 2 ? t.strides[0]! : 0n;
    const colStride = t.strides[t.strides.length - 1]!;
    for (let r = 0n; r < rows; r++) {
      for (let c = 0n; c < cols; c++) {
        const at = Number((t.offset + r * rowStride + c * colStride) * BigInt(width));
        out.push(width === 8 ? view.readBigInt64LE(at) : BigInt(view.readInt32LE(at)));
      }
    }
    return out;
  };

  // torch._utils._rebuild_sparse_tensor as libtorch rebuilds it (COO and CSR), with the invariants
  // libtorch does not check (it makes the tensor "unsafe"): every index inside the size.
  const rebuildSparse = (args: V): V => {
    if (args.k !== 'tuple') fail('_rebuild_sparse_tensor arguments must be a tuple');
    const [layout, sizeV, rg, ...rest] = args.items;
    const parts = rest[rest.length - 1]?.k === 'none' ? rest.slice(0, -1) : rest; // the backward hooks
    const size = intTuple(sizeV, 'a sparse tensor size');
    if (rg?.k !== 'bool') fail('requires_grad must be a bool');
    if (size.some((x) => x < 0n)) fail('a sparse tensor has a negative size');
    const tensors = parts.map((x) => {
      if (x.k !== 'tensor' || x.key === null) fail('sparse indices and values must be tensors');
      return x;
    });
    const coo = layout?.k === 'int' && layout.v === 1n;
    const csr = layout?.k === 'int' && layout.v === 2n;
    if (coo && tensors.length === 2) {
      const [indices, values] = tensors as [V & { k: 'tensor' }, V & { k: 'tensor' }];
      if (indices.sizes.length !== 2) fail('sparse COO indices must be 2-D');
      const [sparseDim, nnz] = indices.sizes as [bigint, bigint];
      if (values.sizes.length === 0 || values.sizes[0] !== nnz) fail('sparse COO values must have one row per index');
      const dense = values.sizes.slice(1);
      if (BigInt(size.length) !== sparseDim + BigInt(dense.length) || dense.some((d, i) => d !== size[Number(sparseDim) + i])) {
        fail('a sparse COO size does not match its indices and values');
      }
      elements(indices, 'sparse COO indices').forEach((v, i) => {
        if (v < 0n || v >= size[Math.floor(i / Number(nnz))]!) fail('a sparse COO index lies outside the size');
      });
    } else if (csr && tensors.length === 3) {
      const [crowT, colT, values] = tensors as [V & { k: 'tensor' }, V & { k: 'tensor' }, V & { k: 'tensor' }];
      if (size.length !== 2 || crowT.sizes.length !== 1 || colT.sizes.length !== 1 || crowT.dtype !== colT.dtype) fail('sparse CSR tensors must be 2-D with 1-D indices of one dtype');
      const crow = elements(crowT, 'sparse CSR row offsets');
      const col = elements(colT, 'sparse CSR column indices');
      const nnz = BigInt(col.length);
      if (BigInt(crow.length) !== size[0]! + 1n || crow[0] !== 0n || crow[crow.length - 1] !== nnz || crow.some((v, i) => i > 0 && v < crow[i - 1]!)) {
        fail('sparse CSR row offsets must rise from 0 to the number of values, one per row and one more');
      }
      if (col.some((v) => v < 0n || v >= size[1]!)) fail('a sparse CSR column index lies outside the size');
      if (values.sizes.length !== 1 || values.sizes[0] !== nnz) fail('sparse CSR values must have one element per column index');
    } else {
      fail('Unsupported sparse tensor layout type in serialization (only COO and CSR tensors are read)');
    }
    return { k: 'tensor', dtype: tensors[tensors.length - 1]!.dtype, sizes: size, strides: [], offset: 0n, key: null };
  };

  const apply = (fn: Global, arg: V): V => {
    switch (fn.g) {
      case 'tensor': return rebuildTensor(arg, fn.quantized);
      case 'sparse': return rebuildSparse(arg);
      case 'orderedDict': return NONE;
      case 'device': {
        const d = arg.k === 'tuple' ? arg.items[0] : undefined;
        if (d?.k !== 'str' || !DEVICE.test(d.s)) fail('torch.device takes a device string');
        return { k: 'device' };
      }
      case 'complex':
        if (arg.k !== 'tuple' || arg.items.length !== 2 || !arg.items.every((x) => x.k === 'float')) fail('complex takes two floats');
        return { k: 'complex' };
      case 'list': {
        const l = arg.k === 'tuple' ? arg.items[0] : undefined;
        if (l?.k !== 'list') fail(`build_${fn.elem === 'Tensor' ? 'tensor' : fn.elem === 'float' ? 'double' : fn.elem}list takes a list`);
        if (!l.items.every((x) => matches(x, { name: fn.elem, args: [] }, new Set()))) fail(`a List[${fn.elem}] holds another type`);
        return l;
      }
      case 'typeTag': {
        if (arg.k !== 'tuple' || arg.items.length !== 2) fail('restore_type_tag takes (value, type)');
        const [value, type] = arg.items as [V, V];
        if (type.k !== 'str') fail('restore_type_tag takes a type string');
        let t: TypeNode;
        try {
          t = parseType(type.s);
        } catch (e) {
          fail(`restore_type_tag: ${(e as Error).message}`);
        }
        if (!((t.name === 'List' && value.k === 'list') || (t.name === 'Dict' && value.k === 'dict'))) fail(`Unknown type for tag restoration: ${safeName(type.s)}`);
        if (!matches(value, t, new Set())) fail(`a value does not match its type tag ${safeName(type.s)}`);
        return value;
      }
      case 'class':
        return { k: 'object', cls: fn.name };
    }
  };

  if (u8() !== OP.PROTO) fail('Expected PROTO opcode at the start of pickle archive');
  if (u8() !== 2) fail('Only Pickle protocol 2 is supported');
  const push = (v: V): void => {
    stack.push(v);
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case OP.EMPTY_LIST: push({ k: 'list', items: [] }); break;
      case OP.EMPTY_TUPLE: push({ k: 'tuple', items: [] }); break;
      case OP.EMPTY_DICT: push({ k: 'dict', items: [] }); break;
      case OP.BINPUT: case OP.LONG_BINPUT: {
        const id = op === OP.BINPUT ? u8() : u32();
        if (id > memo.length || id >= MAX_MEMO) fail(`memo id ${id} skips ahead of the memo`);
        const top = stack[stack.length - 1];
        if (top === undefined) fail('BINPUT on an empty stack');
        memo[id] = top;
        break;
      }
      case OP.BINGET: case OP.LONG_BINGET: {
        const id = op === OP.BINGET ? u8() : u32();
        const v = memo[id];
        if (v === undefined) fail(`memo id ${id} is not defined`);
        push(v);
        break;
      }
      case OP.MARK:
        marks.push(stack);
        stack = [];
        break;
      case OP.NEWTRUE: push({ k: 'bool', v: true }); break;
      case OP.NEWFALSE: push({ k: 'bool', v: false }); break;
      case OP.NONE: push(NONE); break;
      case OP.BININT1: push({ k: 'int', v: BigInt(u8()) }); break;
      case OP.BININT2: push({ k: 'int', v: BigInt(u16()) }); break;
      case OP.BININT: push({ k: 'int', v: BigInt(u32() | 0) }); break;
      case OP.LONG1: {
        if (u8() !== 8) fail('LONG1 must have 8 bytes');
        need(8);
        push({ k: 'int', v: Buffer.from(data.buffer, data.byteOffset + p, 8).readBigInt64LE(0) });
        p += 8;
        break;
      }
      case OP.BINUNICODE: push({ k: 'str', s: str(u32()) }); break;
      case OP.BINFLOAT: need(8); p += 8; push({ k: 'float' }); break;
      case OP.TUPLE: push({ k: 'tuple', items: popMark() }); break;
      case OP.TUPLE1: { const a = pop(); push({ k: 'tuple', items: [a] }); break; }
      case OP.TUPLE2: { const b = pop(); const a = pop(); push({ k: 'tuple', items: [a, b] }); break; }
      case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); push({ k: 'tuple', items: [a, b, c] }); break; }
      case OP.LIST: push({ k: 'list', items: popMark() }); break;
      case OP.APPENDS: {
        const items = popMark();
        const l = stack[stack.length - 1];
        if (l?.k !== 'list') fail(`APPENDS needs a list before its MARK, not ${l === undefined ? 'nothing' : kindOf(l)}`);
        l.items.push(...items);
        break;
      }
      case OP.DICT: case OP.SETITEMS: {
        const items = popMark();
        if (items.length % 2 !== 0) fail(`${op === OP.DICT ? 'DICT' : 'SETITEMS'} has an odd number of items`);
        let d: V | undefined;
        if (op === OP.DICT) {
          d = { k: 'dict', items: [] };
          push(d);
        } else {
          d = stack[stack.length - 1];
          if (d?.k !== 'dict') fail(`SETITEMS needs a dict before its MARK, not ${d === undefined ? 'nothing' : kindOf(d)}`);
        }
        for (let i = 0; i < items.length; i += 2) {
          if (!isHashable(items[i]!)) fail(`a dict key cannot be ${kindOf(items[i]!)}`);
          d.items.push([items[i]!, items[i + 1]!]);
        }
        break;
      }
      case OP.SETITEM: {
        const v = pop();
        const k = pop();
        const d = stack[stack.length - 1];
        if (d?.k !== 'dict') fail('SETITEM needs a dict');
        if (!isHashable(k)) fail(`a dict key cannot be ${kindOf(k)}`);
        d.items.push([k, v]);
        break;
      }
      case OP.GLOBAL: {
        const module = line();
        const name = line();
        push(global(module, name));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop();
        const cls = stack[stack.length - 1];
        if (args.k !== 'tuple' || args.items.length !== 0 || cls?.k !== 'global' || cls.fn.g !== 'class') fail('NEWOBJ must follow a class and an empty tuple');
        break;
      }
      case OP.BUILD: case OP.REDUCE: {
        const arg = pop();
        const fn = pop();
        if (fn.k !== 'global') fail(`${op === OP.BUILD ? 'BUILD' : 'REDUCE'} calls ${kindOf(fn)}, not a global`);
        push(apply(fn.fn, arg));
        break;
      }
      case OP.BINPERSID: {
        const pid = pop();
        if (pid.k !== 'tuple' || pid.items.length !== 5) fail('a persistent id must be a tuple of 5');
        const [tag, type, key, location, numelV] = pid.items as [V, V, V, V, V];
        if (tag.k !== 'str' || tag.s !== 'storage') fail('unknown PERSID key');
        if (type.k !== 'int' || type.dtype === undefined) fail('a persistent id must name a storage type (torch.<T>Storage)');
        if (key.k !== 'str' || !/^[A-Za-z0-9_.]{1,64}$/.test(key.s) || key.s.startsWith('.')) fail('a storage key must be a short name');
        if (location.k !== 'str' || !DEVICE.test(location.s)) fail('a storage location must be a device string');
        const numel = intArg(numelV, 'a storage size');
        if (numel < 0n) fail('a storage size must not be negative');
        const itemsize = STORAGE_ITEMSIZE[type.dtype]!;
        const known = storages.get(key.s);
        if (known !== undefined) {
          if (known.dtype !== type.dtype || known.numel !== numel) fail(`storage ${safeName(key.s)} is used with two types or sizes`);
        } else if (numel > 0n) {
          const size = ctx.storage(key.s)?.length;
          if (size === undefined) fail(`PytorchStreamReader failed locating file ${safeName(key.s)}: file not found`);
          if (BigInt(size) !== numel * BigInt(itemsize) && !(ctx.emptyStorages && size === 0)) fail(`storage ${safeName(key.s)} has ${size} bytes, not ${numel} ${type.dtype} elements`);
        }
        storages.set(key.s, { dtype: type.dtype, numel });
        push({ k: 'storage', dtype: type.dtype, numel, key: key.s });
        break;
      }
      case OP.STOP: {
        if (p !== data.length) fail('bytes follow the pickle\'s STOP');
        if (marks.length !== 0 || stack.length !== 1) fail(`Unpickler expected 1 element on the stack, but found ${stack.length}`);
        const root = stack[0]!;
        checkGraph(root, fail);
        return root;
      }
      default:
        fail(`Unknown opcode for unpickling: ${op}`);
    }
  }
}

/** No container contains itself; nesting stays under MAX_DEPTH (each container visited once). */
function checkGraph(root: V, fail: (m: string) => never): void {
  const kids = (v: V): V[] | null => {
    if (v.k === 'tuple' || v.k === 'list') return v.items;
    if (v.k === 'dict') return v.items.flat();
    return null;
  };
  const depth = new Map<V, number>();
  const onPath = new Set<V>();
  const frames: { v: V; kids: V[]; i: number; d: number }[] = [];
  const enter = (v: V): void => {
    onPath.add(v);
    frames.push({ v, kids: kids(v)!, i: 0, d: 1 });
    if (frames.length > MAX_DEPTH) fail(`the pickle nests containers deeper than ${MAX_DEPTH} levels`);
  };
  if (kids(root) === null) return;
  enter(root);
  while (frames.length > 0) {
    const f = frames[frames.length - 1]!;
    if (f.i < f.kids.length) {
      const c = f.kids[f.i++]!;
      if (kids(c) === null) continue;
      if (onPath.has(c)) fail('the pickle has a container that contains itself');
      const known = depth.get(c);
      if (known !== undefined) {
        f.d = Math.max(f.d, known + 1);
        if (frames.length - 1 + f.d > MAX_DEPTH) fail(`the pickle nests containers deeper than ${MAX_DEPTH} levels`);
        continue;
      }
      enter(c);
      continue;
    }
    frames.pop();
    onPath.delete(f.v);
    depth.set(f.v, f.d);
    const parent = frames[frames.length - 1];
    if (parent !== undefined) parent.d = Math.max(parent.d, f.d + 1);
    if (frames.length + f.d > MAX_DEPTH) fail(`the pickle nests containers deeper than ${MAX_DEPTH} levels`);
  }
}

// ---- debug tables (torch/csrc/jit/serialization/source_range_serialization.cpp) -----------------

function checkDebugTable(v: V, codeBytes: number, fail: (m: string) => never): void {
  const tuple = (x: V | undefined, n: number, what: string): V[] => {
    if (x?.k !== 'tuple' || x.items.length !== n) fail(`${what} must be a tuple of ${n}`);
    return x.items;
  };
  const int = (x: V | undefined, what: string): bigint => {
    if (x?.k !== 'int') fail(`${what} must be an int`);
    return x.v;
  };
  let rows: V[];
  let texts: string[] | null = null;
  if (v.k === 'tuple' && v.items.length === 3 && v.items[0]!.k === 'str' && v.items[0]!.s === 'FORMAT_WITH_STRING_TABLE') {
    const table = v.items[1]!;
    if (table.k !== 'tuple' || !table.items.every((x) => x.k === 'str')) fail('the string table must be a tuple of str');
    texts = table.items.map((x) => (x as { s: string }).s);
    const r = v.items[2]!;
    if (r.k !== 'tuple') fail('the source ranges must be a tuple');
    rows = r.items;
  } else {
    if (v.k !== 'tuple') fail('a debug table must be a tuple');
    rows = v.items;
  }
  let last = 0n;
  const sourceLength = new Map<V, number>();
  for (const row of rows) {
    if (row.k !== 'tuple' || (row.items.length !== 2 && row.items.length !== 3)) fail('a source range record must be a tuple of 2 or 3');
    const offset = int(row.items[0], 'a source range offset');
    if (offset < last || offset > BigInt(codeBytes)) fail('source range offsets must increase and lie inside the code');
    last = offset;
    if (row.items.length === 3) int(row.items[2], 'a source range tag');
    const [source, start, end] = tuple(row.items[1], 3, 'a source range');
    let length = sourceLength.get(source!);
    if (length === undefined) {
      const [text, file, lineNo] = tuple(source, 3, 'a source');
      int(lineNo, 'a starting line number');
      if (texts !== null) {
        if (text?.k !== 'list') fail('a source text must be a list of string table indices');
        length = 0;
        for (const i of text.items) length += Buffer.byteLength(texts[Number(tableIndex(i, texts.length, fail))]!, 'utf8');
        tableIndex(file!, texts.length, fail);
      } else {
        if (text?.k !== 'str') fail('a source text must be a str');
        if (file?.k !== 'str' && file?.k !== 'none') fail('a source file name must be a str or None');
        length = Buffer.byteLength(text.s, 'utf8');
      }
      sourceLength.set(source!, length);
    }
    const s = int(start, 'a source range start');
    const e = int(end, 'a source range end');
    // PyTorch writes (0, 1) over an empty source; nothing starts past the end.
    if (s < 0n || e < s || s > BigInt(length) || e > BigInt(length) + 1n) fail('a source range lies outside its source');
  }
}

function tableIndex(v: V, size: number, fail: (m: string) => never): bigint {
  if (v.k !== 'int' || v.v < 0n || v.v >= BigInt(size)) fail('a string table index is out of range');
  return v.v;
}

// ---- the archive ------------------------------------------------------------------------------

/**
 * Checks a TorchScript archive (the bytes of a .pt file) as described above; throws an Error that
 * names `label` (the path, or 'buffer') and what is wrong. Returns when libtorch may read it.
 */
export function validateArchive(bytes: Uint8Array, label: string): void {
  const fail: (m: string) => never = (m) => {
    throw new ArchiveError(`torch.jit.load: ${label}: ${m}`);
  };
  let zip: ZipReader;
  try {
    zip = new ZipReader(new BufferSource(bytes));
  } catch (e) {
    fail((e as Error).message);
  }
  if (zip!.names.length === 0) fail('PytorchStreamReader failed reading zip archive: archive does not contain any files');
  const z = zip!;
  const first = z.names[0]!;
  const slash = first.indexOf('/');
  if (slash <= 0) fail(`PytorchStreamReader failed reading zip archive: file in archive is not in a subdirectory: ${safeName(first)}`);
  const prefix = first.slice(0, slash + 1);
  for (const name of z.names) {
    if (!name.startsWith(prefix)) fail(`entry '${safeName(name)}' is not in the archive folder '${safeName(prefix)}'`);
    const rest = name.slice(prefix.length);
    if (rest === '' || rest.endsWith('/') || rest.includes('\\') || /[\x00-\x1f\x7f]/.test(rest) || rest.split('/').some((c) => c === '' || c === '.' || c === '..')) {
      fail(`entry '${safeName(name)}' has an invalid name`);
    }
  }

  // Local headers agree with the central directory; records lie apart; CRC-32s match.
  const contents = new Map<string, Uint8Array>();
  const spans: [number, number, string][] = [];
  let inflated = 0;
  for (const name of z.names) {
    const e = z.get(name)!;
    const where = `entry '${safeName(name)}'`;
    if (e.localHeaderOffset + 30 > bytes.length) fail(`${where} has no local header`);
    const h = Buffer.from(bytes.buffer, bytes.byteOffset + e.localHeaderOffset, 30);
    if (h.readUInt32LE(0) !== SIG_LOCAL) fail(`PytorchStreamReader failed reading zip archive: invalid local header for ${where}`);
    const flags = h.readUInt16LE(6);
    const nameLen = h.readUInt16LE(26);
    if (h.readUInt16LE(8) !== e.method || (flags & 1) !== 0 || (flags & 8) !== (e.flags & 8)) fail(`${where}: the local header differs from the central directory`);
    if (e.localHeaderOffset + 30 + nameLen > bytes.length || Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset + e.localHeaderOffset + 30, nameLen), Buffer.from(name, 'utf8')) !== 0) {
      fail(`${where}: the local header names another file`);
    }
    if ((flags & 8) === 0) {
      const crc = h.readUInt32LE(14);
      const csize = h.readUInt32LE(18);
      const usize = h.readUInt32LE(22);
      if (crc !== e.crc || (csize !== 0xffffffff && csize !== e.compressedSize) || (usize !== 0xffffffff && usize !== e.size)) {
        fail(`${where}: the local header differs from the central directory`);
      }
    }
    let dataStart = 0;
    try {
      dataStart = z.dataOffset(e);
    } catch (err) {
      fail((err as Error).message);
    }
    spans.push([e.localHeaderOffset, dataStart + e.compressedSize, name]);
    const rest = name.slice(prefix.length);
    if (e.method !== 0 && (rest.startsWith('data/') || rest.startsWith('constants/') || rest.endsWith('.pkl') && !rest.startsWith('code/'))) {
      fail(`${where} is compressed; PyTorch stores it uncompressed`);
    }
    let data: Uint8Array = bytes.subarray(dataStart, dataStart + e.compressedSize);
    if (e.method === 8) {
      inflated += e.size;
      if (inflated > MAX_INFLATED) fail(`${where} inflates past ${MAX_INFLATED} bytes of compressed records`);
      try {
        data = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
      } catch {
        fail(`${where} does not inflate`);
      }
      if (data.length !== e.size) fail(`${where} does not inflate to its declared size`);
    }
    if (native.crc32(data) >>> 0 !== e.crc >>> 0) fail(`${where} CRC-32 mismatch`);
    contents.set(rest, data);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) fail(`entries '${safeName(spans[i - 1]![2])}' and '${safeName(spans[i]![2])}' overlap`);
  }

  // The records libtorch reads.
  const versionBytes = contents.get('.data/version') ?? contents.get('version');
  if (versionBytes === undefined) fail('PytorchStreamReader failed locating file version: file not found');
  const versionText = Buffer.from(versionBytes!).toString('latin1');
  if (!/^[0-9]{1,3}\n?$/.test(versionText)) fail(`PytorchStreamReader failed reading file version: Couldn't parse the version ${JSON.stringify(safeName(versionText))} as Long Long.`);
  const version = Number(versionText.trim());
  if (version < MIN_VERSION) fail(`Attempted to read a PyTorch file with version ${version}, but the minimum supported version for reading is ${MIN_VERSION}. Your PyTorch script module file is too old. Please regenerate it with latest version of PyTorch to mitigate this issue.`);
  if (version > MAX_VERSION) fail(`Attempted to read a PyTorch file with version ${version}, but the maximum supported version for reading is ${MAX_VERSION}. The version of your PyTorch installation may be too old, please upgrade PyTorch to latest version to mitigate this issue.`);
  const byteorder = contents.get('byteorder');
  if (byteorder !== undefined) {
    const text = Buffer.from(byteorder).toString('latin1');
    if (text !== 'little' && text !== 'big') fail(`Unknown endianness type: ${JSON.stringify(safeName(text))}`);
  }
  for (const required of ['data.pkl', 'constants.pkl']) {
    if (!contents.has(required)) fail(`PytorchStreamReader failed locating file ${required}: file not found`);
  }
  const code = new Map<string, Uint8Array>();
  for (const [rest, data] of contents) {
    if (!rest.startsWith('code/') || !rest.endsWith('.py')) continue;
    let text: string;
    try {
      text = utf8.decode(data);
    } catch {
      fail(`entry '${safeName(prefix + rest)}' is not UTF-8 text`);
    }
    if (text!.includes('\0')) fail(`entry '${safeName(prefix + rest)}' contains a NUL character`);
    code.set(rest, data);
  }
  const hasClass = (qualified: string): boolean => {
    const dot = qualified.lastIndexOf('.');
    const source = code.get(`code/${qualified.slice(0, dot).replace(/\./g, '/')}.py`);
    return source !== undefined && new RegExp(`^class ${qualified.slice(dot + 1)}\\b`, 'm').test(Buffer.from(source).toString('utf8'));
  };
  for (const [rest, data] of contents) {
    const where = `entry '${safeName(prefix + rest)}'`;
    const check = (ctx: PickleContext): V => checkPickle(data, ctx, (m) => fail(`${where}: ${m}`));
    if (rest.startsWith('code/') && rest.endsWith('.py.debug_pkl')) {
      const source = code.get(rest.slice(0, -'.debug_pkl'.length));
      if (source === undefined) fail(`${where} has no source file`);
      const table = check({ storage: () => undefined, hasClass: () => false, allowGlobals: false });
      checkDebugTable(table, source!.length, (m) => fail(`${where}: ${m}`));
    } else if (!rest.includes('/') && rest.endsWith('.pkl')) {
      const dir = rest.slice(0, -'.pkl'.length);
      const storage = (key: string): Uint8Array | undefined => contents.get(`${dir}/${key}`) ?? (dir === 'bytecode' ? contents.get(`constants/${key}`) : undefined);
      const root = check({ storage, hasClass, allowGlobals: true, emptyStorages: rest === 'traced_inputs.pkl' });
      if (rest === 'data.pkl' && root.k !== 'object') fail(`${where}: the module must be an object, not ${kindOf(root)}`);
      if (rest === 'constants.pkl' && root.k !== 'tuple') fail(`${where}: the constants must be a tuple, not ${kindOf(root)}`);
    }
  }
}
