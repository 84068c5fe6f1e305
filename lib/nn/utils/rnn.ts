// torch/nn/utils/rnn.py: PackedSequence and the functions that pack, pad and unpad variable-length
// sequences; the packing itself is ATen's (_pack_padded_sequence, _pad_packed_sequence, pad_sequence).
import { inspect } from 'util';
import { tensor } from '../../creation';
import type { DeviceLike } from '../../device';
import * as dtypes from '../../dtype';
import type { DType } from '../../dtype';
import { arange, emptyLike, sort } from '../../generated/torch';
import { contiguousFormat } from '../../layout';
import { native } from '../../native';
import { op } from '../../ops';
import { pySignature } from '../../python_signature';
import { Tensor, wrap, wrapAll } from '../../tensor';
import { typename } from '../module';

const ops = {
  packPadded: op('aten::_pack_padded_sequence'),
  padPacked: op('aten::_pad_packed_sequence'),
  padSequence: op('aten::pad_sequence'),
};

const PACKED_SEQUENCE = pySignature('PackedSequence.__new__', 'cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None');
const INVERT_PERMUTATION = pySignature('invert_permutation', 'permutation');
const PACK_PADDED = pySignature('pack_padded_sequence', 'input, lengths, batch_first=False, enforce_sorted=True');
const PAD_PACKED = pySignature('pad_packed_sequence', 'sequence, batch_first=False, padding_value=0.0, total_length=None');
const PAD_SEQUENCE = pySignature('pad_sequence', "sequences, batch_first=False, padding_value=0.0, padding_side='right'");
const UNPAD_SEQUENCE = pySignature('unpad_sequence', 'padded_sequences, lengths, batch_first=False');
const PACK_SEQUENCE = pySignature('pack_sequence', 'sequences, enforce_sorted=True');
const UNPACK_SEQUENCE = pySignature('unpack_sequence', 'packed_sequences');

type Maybe<T> = T | null;

/**
 * torch.nn.utils.rnn.PackedSequence: the time steps of a batch of variable-length sequences,
 * packed (`data`), with how many sequences are still running at each step (`batchSizes`, on the
 * CPU) and, when the batch was sorted by length, the permutation and its inverse. Like Python's
 * named tuple it is an array: `const [data, batchSizes] = packed`. Make one with
 * `packPaddedSequence` or `packSequence`, not by hand; RNN, LSTM and GRU take and return them.
 */
export class PackedSequence extends Array<Maybe<Tensor>> {
  constructor(
    ...args:
      | [data: Tensor | readonly [Tensor, Tensor], batchSizes?: Maybe<Tensor>, sortedIndices?: Maybe<Tensor>, unsortedIndices?: Maybe<Tensor>]
      | [options: { data: Tensor | readonly [Tensor, Tensor]; batchSizes?: Maybe<Tensor>; sortedIndices?: Maybe<Tensor>; unsortedIndices?: Maybe<Tensor> }]
  ) {
    super();
    const o = PACKED_SEQUENCE<{ data: unknown; batchSizes?: Maybe<Tensor>; sortedIndices?: Maybe<Tensor>; unsortedIndices?: Maybe<Tensor> }>(args);
    let data = o.data;
    let batchSizes = o.batchSizes ?? null;
    const sortedIndices = o.sortedIndices ?? null;
    const unsortedIndices = o.unsortedIndices ?? invertPermutation(sortedIndices);
    if (batchSizes !== null) {
      if (batchSizes.device.type !== 'cpu') {
        throw new RangeError(
          'batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. ' +
            'They should be instantiated by functions like pack_sequence and pack_padded_sequences in nn.utils.rnn. ' +
            'https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence',
        );
      }
    } else {
      if (!(Array.isArray(data) && data.length === 2)) throw new Error('Expected data to be a list or tuple of length 2');
      [data, batchSizes] = data as [Tensor, Tensor];
    }
    this.push(data as Tensor, batchSizes, sortedIndices, unsortedIndices);
  }
  // map / filter / slice give plain arrays.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  get data(): Tensor {
    return this[0] as Tensor;
  }
  get batchSizes(): Tensor {
    return this[1] as Tensor;
  }
  get sortedIndices(): Maybe<Tensor> {
    return this[2] ?? null;
  }
  get unsortedIndices(): Maybe<Tensor> {
    return this[3] ?? null;
  }

  /** Converts `data` as Tensor.to does (same arguments); the indices follow it to its device. */
  to(...args: unknown[]): PackedSequence {
    const data = (this.data.to as (...a: unknown[]) => Tensor)(...args);
    if (data === this.data) return this;
    const move = (t: Maybe<Tensor>): Maybe<Tensor> => (t === null ? null : t.to(data.device));
    return new PackedSequence(data, this.batchSizes, move(this.sortedIndices), move(this.unsortedIndices));
  }
  cuda(device?: DeviceLike | number): PackedSequence {
    return this.to(device === undefined ? 'cuda' : typeof device === 'number' ? `cuda:${device}` : device);
  }
  cpu(): PackedSequence {
    return this.to('cpu');
  }
  private cast(dtype: DType): PackedSequence {
    return this.to({ dtype });
  }
  double(): PackedSequence {
    return this.cast(dtypes.float64);
  }
  float(): PackedSequence {
    return this.cast(dtypes.float32);
  }
  half(): PackedSequence {
    return this.cast(dtypes.float16);
  }
  long(): PackedSequence {
    return this.cast(dtypes.int64);
  }
  int(): PackedSequence {
    return this.cast(dtypes.int32);
  }
  short(): PackedSequence {
    return this.cast(dtypes.int16);
  }
  char(): PackedSequence {
    return this.cast(dtypes.int8);
  }
  byte(): PackedSequence {
    return this.cast(dtypes.uint8);
  }
  get isCuda(): boolean {
    return this.data.device.type === 'cuda';
  }

  /** What Python's repr of the named tuple prints. */
  override toString(): string {
    const r = (t: Maybe<Tensor>): string => (t === null ? 'None' : t.toString());
    return `PackedSequence(data=${r(this.data)}, batch_sizes=${r(this.batchSizes)}, sorted_indices=${r(this.sortedIndices)}, unsorted_indices=${r(this.unsortedIndices)})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

function checkTensor(fn: string, name: string, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new TypeError(`${fn}(): argument '${name}' must be Tensor, not ${typename(value)}`);
}

/** The inverse of a permutation (null stays null). */
export function invertPermutation(...args: [permutation: Maybe<Tensor>]): Maybe<Tensor> {
  const { permutation } = INVERT_PERMUTATION<{ permutation?: Maybe<Tensor> }>(args);
  if (permutation === null || permutation === undefined) return null;
  // torch.legacy_contiguous_format is the contiguous format.
  const output = emptyLike(permutation, { memoryFormat: contiguousFormat });
  output.scatter_(0, permutation, arange(0, permutation.numel(), { device: permutation.device }));
  return output;
}

/**
 * Packs a padded batch (`T x B x *`, or `B x T x *` with batchFirst) of sequences of the given
 * lengths. With `enforceSorted` (the default) the lengths must be in decreasing order; otherwise
 * the batch is sorted here and the permutation kept.
 */
export function packPaddedSequence(
  ...args:
    | [input: Tensor, lengths: Tensor | readonly number[], batchFirst?: boolean, enforceSorted?: boolean, options?: { batchFirst?: boolean; enforceSorted?: boolean }]
    | [input: Tensor, lengths: Tensor | readonly number[], options: { batchFirst?: boolean; enforceSorted?: boolean }]
): PackedSequence {
  const o = PACK_PADDED<{ input: unknown; lengths: unknown; batchFirst?: boolean; enforceSorted?: boolean }>(args);
  checkTensor('pack_padded_sequence', 'input', o.input);
  let input = o.input;
  const batchFirst = o.batchFirst ?? false;
  let lengths = o.lengths instanceof Tensor ? o.lengths.to(dtypes.int64) : tensor(o.lengths as number[], { dtype: dtypes.int64, device: 'cpu' });
  let sortedIndices: Maybe<Tensor> = null;
  if (!(o.enforceSorted ?? true)) {
    [lengths, sortedIndices] = sort(lengths, { descending: true }) as unknown as [Tensor, Tensor];
    sortedIndices = sortedIndices.to(input.device);
    input = input.indexSelect(batchFirst ? 0 : 1, sortedIndices);
  }
  const [data, batchSizes] = wrapAll(native.callOp(ops.packPadded, input._h, lengths._h, batchFirst)) as [Tensor, Tensor];
  return new PackedSequence(data, batchSizes, sortedIndices, null);
}

/**
 * Pads a PackedSequence back into a batch: `[padded, lengths]`, in the original batch order,
 * `totalLength` steps long when given (at least the longest sequence).
 */
export function padPackedSequence(
  ...args:
    | [sequence: PackedSequence, batchFirst?: boolean, paddingValue?: number, totalLength?: Maybe<number>, options?: { batchFirst?: boolean; paddingValue?: number; totalLength?: Maybe<number> }]
    | [sequence: PackedSequence, options: { batchFirst?: boolean; paddingValue?: number; totalLength?: Maybe<number> }]
): [Tensor, Tensor] {
  const o = PAD_PACKED<{ sequence: unknown; batchFirst?: boolean; paddingValue?: number; totalLength?: Maybe<number> }>(args);
  if (!(o.sequence instanceof PackedSequence)) throw new TypeError(`pad_packed_sequence(): sequence must be a PackedSequence, not ${typename(o.sequence)}`);
  const sequence = o.sequence;
  const batchFirst = o.batchFirst ?? false;
  let maxSeqLength = sequence.batchSizes.size(0) as number;
  const totalLength = o.totalLength ?? null;
  if (totalLength !== null) {
    if (totalLength < maxSeqLength) {
      throw new RangeError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${maxSeqLength}`,
      );
    }
    maxSeqLength = totalLength;
  }
  const [padded, lengths] = wrapAll(
    native.callOp(ops.padPacked, sequence.data._h, sequence.batchSizes._h, batchFirst, o.paddingValue ?? 0.0, maxSeqLength),
  ) as [Tensor, Tensor];
  const unsorted = sequence.unsortedIndices;
  if (unsorted !== null) return [padded.indexSelect(batchFirst ? 0 : 1, unsorted), lengths.get(unsorted.cpu())];
  return [padded, lengths];
}

/** Stacks sequences of different lengths into one padded batch (`T x B x *`, or `B x T x *` with batchFirst). */
export function padSequence(
  ...args:
    | [sequences: Iterable<Tensor>, batchFirst?: boolean, paddingValue?: number, paddingSide?: 'right' | 'left', options?: { batchFirst?: boolean; paddingValue?: number; paddingSide?: 'right' | 'left' }]
    | [sequences: Iterable<Tensor>, options: { batchFirst?: boolean; paddingValue?: number; paddingSide?: 'right' | 'left' }]
): Tensor {
  const o = PAD_SEQUENCE<{ sequences: unknown; batchFirst?: boolean; paddingValue?: number; paddingSide?: string }>(args);
  const sequences = o.sequences;
  if (sequences === null || typeof sequences !== 'object' || !(Symbol.iterator in sequences)) {
    throw new Error(`pad_sequence: Expected iterable for input sequences, but got arg of type: <class '${typename(sequences)}'>`);
  }
  const list = [...(sequences as Iterable<unknown>)];
  list.forEach((s, i) => {
    if (!(s instanceof Tensor)) throw new TypeError(`pad_sequence(): argument 'sequences' must be tuple of Tensors, but found element of type ${typename(s)} at pos ${i}`);
  });
  const handles = (list as Tensor[]).map((t) => t._h);
  return wrap(native.callOp(ops.padSequence, handles, o.batchFirst ?? false, o.paddingValue ?? 0.0, o.paddingSide ?? 'right'));
}

/**
 * Splits a padded batch into its sequences, each cut to its length. As in PyTorch, a batch that
 * is not batchFirst is transposed in place.
 */
export function unpadSequence(
  ...args:
    | [paddedSequences: Tensor, lengths: Tensor, batchFirst?: boolean, options?: { batchFirst?: boolean }]
    | [paddedSequences: Tensor, lengths: Tensor, options: { batchFirst?: boolean }]
): Tensor[] {
  const o = UNPAD_SEQUENCE<{ paddedSequences: unknown; lengths: unknown; batchFirst?: boolean }>(args);
  checkTensor('unpad_sequence', 'padded_sequences', o.paddedSequences);
  checkTensor('unpad_sequence', 'lengths', o.lengths);
  const padded = o.paddedSequences;
  const lengths = o.lengths;
  if (!(o.batchFirst ?? false)) padded.transpose_(0, 1);
  const maxLength = padded.shape[1]!;
  const idx = arange(maxLength, { device: lengths.device });
  const count = lengths.size(0) as number;
  if (count !== padded.shape[0]) {
    throw new RangeError(`zip() argument 2 is ${count < padded.shape[0]! ? 'shorter' : 'longer'} than argument 1`);
  }
  const out: Tensor[] = [];
  for (let i = 0; i < count; i++) out.push(padded.get(i).get(idx.lt(lengths.get(i))));
  return out;
}

/** Packs a list of sequences (each `L x *`) of different lengths: `packPaddedSequence(padSequence(sequences), lengths)`. */
export function packSequence(
  ...args: [sequences: readonly Tensor[], enforceSorted?: boolean, options?: { enforceSorted?: boolean }] | [sequences: readonly Tensor[], options: { enforceSorted?: boolean }]
): PackedSequence {
  const o = PACK_SEQUENCE<{ sequences: unknown; enforceSorted?: boolean }>(args);
  if (!Array.isArray(o.sequences)) throw new TypeError(`pack_sequence(): sequences must be a list of Tensors, not ${typename(o.sequences)}`);
  const sequences = o.sequences as Tensor[];
  const lengths = tensor(sequences.map((v) => v.size(0) as number));
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: o.enforceSorted ?? true });
}

/** The list of sequences a PackedSequence holds, in the original order. */
export function unpackSequence(...args: [packedSequences: PackedSequence]): Tensor[] {
  const { packedSequences } = UNPACK_SEQUENCE<{ packedSequences: unknown }>(args);
  if (!(packedSequences instanceof PackedSequence)) {
    throw new TypeError(`unpack_sequence(): packed_sequences must be a PackedSequence, not ${typename(packedSequences)}`);
  }
  const [padded, lengths] = padPackedSequence(packedSequences, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
