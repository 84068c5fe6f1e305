// Recurrent layers: RNN, LSTM, GRU and the cells RNNCell, LSTMCell, GRUCell (torch/nn/modules/rnn.py). The recurrence itself is ATen's
// `aten::lstm.input` / `aten::gru.input` / `aten::rnn_tanh.input` / `aten::rnn_relu.input` (and
// their `.data` overloads for a PackedSequence), called with the flat weight list exactly as
// PyTorch's `_VF.lstm(...)`.
import { empty, gruCell, lstmCell, rnnReluCell, rnnTanhCell, zeros } from '../generated/torch';
import { native } from '../native';
import { op } from '../ops';
import { Tensor, wrapAll } from '../tensor';
import * as init from './init';
import { Module } from './module';
import { Parameter } from './parameter';
import type { FactoryOptions } from './linear';
import { pyFloat } from './repr';
import { PyFloat } from '../scalar';
import { pyTypeName } from '../arg_parser';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';
import { PackedSequence } from './utils/rnn';

const ops = {
  LSTM: op('aten::lstm.input'),
  GRU: op('aten::gru.input'),
  RNN_TANH: op('aten::rnn_tanh.input'),
  RNN_RELU: op('aten::rnn_relu.input'),
};
const packedOps = {
  LSTM: op('aten::lstm.data'),
  GRU: op('aten::gru.data'),
  RNN_TANH: op('aten::rnn_tanh.data'),
  RNN_RELU: op('aten::rnn_relu.data'),
};

/** The rows of the hidden state reordered as the batch was (PyTorch's `_apply_permutation`). */
function applyPermutation(tensor: Tensor, permutation: Tensor): Tensor {
  return tensor.indexSelect(1, permutation);
}

export type RNNMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/** The keyword arguments of RNNBase (Python's snake_case names in camelCase). */
export interface RNNOptions {
  inputSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  projSize?: number;
}
// The Python signatures: RNNBase's parameters after `mode` (RNN, LSTM and GRU take `*args, **kwargs`
// for them; RNN puts `nonlinearity` fourth; GRU has no proj_size), then the cells'.
const RNN_BASE = 'input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False';
const RNN_INIT = pySignature('RNN.__init__', "self, input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False");
const LSTM_INIT = pySignature('LSTM.__init__', `self, ${RNN_BASE}, proj_size=0`);
const GRU_INIT = pySignature('GRU.__init__', `self, ${RNN_BASE}`);
const RNN_CELL_BASE = pySignature('RNNCellBase.__init__', 'self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None');
const RNN_CELL = pySignature('RNNCell.__init__', "self, input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None");
const LSTM_CELL = pySignature('LSTMCell.__init__', 'self, input_size, hidden_size, bias=True, device=None, dtype=None');
const GRU_CELL = pySignature('GRUCell.__init__', 'self, input_size, hidden_size, bias=True, device=None, dtype=None');

type RNNArg = number | boolean | string | RNNOptions | undefined;

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const tuple = (xs: readonly number[]): string => `(${xs.join(', ')})`;

/** The shared base of RNN, LSTM and GRU: flat weights `weight_ih_l{k}{_reverse}`, ... in cuDNN's order. */
export class RNNBase extends Module {
  static override pythonModule = 'torch.nn.modules.rnn';
  static override floatAttributes: readonly string[] = ['dropout'];
  declare mode: RNNMode;
  declare inputSize: number;
  declare hiddenSize: number;
  declare numLayers: number;
  declare bias: boolean;
  declare batchFirst: boolean;
  declare dropout: number;
  declare bidirectional: boolean;
  declare projSize: number;
  /** The parameter names, in the order ATen's kernels take the weights. */
  declare _flatWeightsNames: string[];
  /** The names per layer and direction (PyTorch's `_all_weights`). */
  declare _allWeights: string[][];

  constructor(mode: RNNMode, o: RNNOptions) {
    super();
    const inputSize = o.inputSize as number;
    const hiddenSize = o.hiddenSize as number;
    const numLayers = o.numLayers ?? 1;
    const bias = o.bias ?? true;
    const batchFirst = o.batchFirst ?? false;
    const given = o.dropout as number | PyFloat | undefined;
    const dropout = given instanceof PyFloat ? given.value : (given ?? 0.0);
    const bidirectional = o.bidirectional ?? false;
    const projSize = o.projSize ?? 0;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = Number(dropout);
    this.bidirectional = bidirectional;
    this.projSize = projSize;
    const numDirections = bidirectional ? 2 : 1;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new Error('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    }
    if (dropout > 0 && numLayers === 1) {
      process.emitWarning(
        'dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ' +
          `num_layers greater than 1, but got dropout=${pyFloat(dropout)} and num_layers=${numLayers}`,
        'UserWarning',
      );
    }
    if (typeof bias !== 'boolean') throw new TypeError(`bias should be of type bool, got: ${pyTypeName(bias)}`);
    if (typeof batchFirst !== 'boolean') throw new TypeError(`batch_first should be of type bool, got: ${pyTypeName(batchFirst)}`);
    if (!isInt(inputSize)) throw new TypeError(`input_size should be of type int, got: ${pyTypeName(inputSize)}`);
    if (inputSize <= 0) throw new Error('input_size must be greater than zero');
    if (!isInt(hiddenSize)) throw new TypeError(`hidden_size should be of type int, got: ${pyTypeName(hiddenSize)}`);
    if (hiddenSize <= 0) throw new Error('hidden_size must be greater than zero');
    if (numLayers <= 0) throw new Error('num_layers must be greater than zero');
    if (projSize < 0) throw new Error('proj_size should be a positive integer or zero to disable projections');
    if (projSize >= hiddenSize) throw new Error('proj_size has to be smaller than hidden_size');
    const gateSize = { LSTM: 4 * hiddenSize, GRU: 3 * hiddenSize, RNN_TANH: hiddenSize, RNN_RELU: hiddenSize }[mode];
    if (gateSize === undefined) throw new Error(`Unrecognized RNN mode: ${String(mode)}`);

    this._flatWeightsNames = [];
    this._allWeights = [];
    const self = this as unknown as Record<string, unknown>;
    for (let layer = 0; layer < numLayers; ++layer) {
      for (let direction = 0; direction < numDirections; ++direction) {
        const realHiddenSize = projSize > 0 ? projSize : hiddenSize;
        const layerInputSize = layer === 0 ? inputSize : realHiddenSize * numDirections;
        const wIh = new Parameter(zeros([gateSize, layerInputSize]));
        const wHh = new Parameter(zeros([gateSize, realHiddenSize]));
        const params: Parameter[] = [wIh, wHh];
        if (bias) params.push(new Parameter(zeros([gateSize])), new Parameter(zeros([gateSize])));
        if (projSize > 0) params.push(new Parameter(zeros([projSize, hiddenSize])));
        const suffix = direction === 1 ? '_reverse' : '';
        const names = ['weight_ih_l', 'weight_hh_l'];
        if (bias) names.push('bias_ih_l', 'bias_hh_l');
        if (projSize > 0) names.push('weight_hr_l');
        const full = names.map((n) => `${n}${layer}${suffix}`);
        full.forEach((name, i) => {
          self[name] = params[i];
        });
        this._flatWeightsNames.push(...full);
        this._allWeights.push(full);
      }
    }
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1.0 / Math.sqrt(this.hiddenSize) : 0;
    for (const weight of this.parameters()) init.uniform_(weight, -stdv, stdv);
  }

  /** The weights as ATen's kernels take them (PyTorch's `_flat_weights`). */
  get _flatWeights(): (Parameter | null)[] {
    return this._flatWeightsNames.map((n) => this._parameters.get(n) ?? null);
  }
  /** The parameters per layer and direction. */
  get allWeights(): Parameter[][] {
    return this._allWeights.map((names) => names.map((n) => this._parameters.get(n) as Parameter));
  }
  /** A no-op off cuDNN, as in PyTorch on the CPU. */
  flattenParameters(): void {}

  checkInput(input: Tensor, batchSizes: Tensor | null = null): void {
    const w = this._flatWeights[0];
    if (w != null && input.dtype.name !== w.dtype.name) {
      throw new RangeError(
        `RNN input dtype (${input.dtype}) does not match weight dtype (${w.dtype}). ` +
          `Convert input: input.to(${w.dtype}), or convert model: model.to(${input.dtype})`,
      );
    }
    const expectedInputDim = batchSizes !== null ? 2 : 3;
    if (input.ndim !== expectedInputDim) throw new Error(`input must have ${expectedInputDim} dimensions, got ${input.ndim}`);
    if (this.inputSize !== input.size(-1)) {
      throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.size(-1)}`);
    }
  }
  /** The batch size of `input`: the first of `batchSizes` for a packed one. @internal */
  protected _miniBatch(input: Tensor, batchSizes: Tensor | null): number {
    if (batchSizes !== null) return Number(batchSizes.get(0).item());
    return (this.batchFirst ? input.size(0) : input.size(1)) as number;
  }
  getExpectedHiddenSize(input: Tensor, batchSizes: Tensor | null = null): [number, number, number] {
    const miniBatch = this._miniBatch(input, batchSizes);
    const numDirections = this.bidirectional ? 2 : 1;
    return [this.numLayers * numDirections, miniBatch, this.projSize > 0 ? this.projSize : this.hiddenSize];
  }
  checkHiddenSize(hx: Tensor, expected: readonly number[], msg = 'Expected hidden size {}, got {}'): void {
    const got = [...hx.shape];
    if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
      throw new Error(msg.replace('{}', tuple(expected)).replace('{}', `[${got.join(', ')}]`));
    }
  }
  checkForwardArgs(input: Tensor, hidden: Tensor, batchSizes: Tensor | null = null): void {
    this.checkInput(input, batchSizes);
    this.checkHiddenSize(hidden, this.getExpectedHiddenSize(input, batchSizes));
  }
  /** The hidden state's batch rows in the order of `permutation` (unchanged without one). */
  permuteHidden(hx: Tensor, permutation: Tensor | null): Tensor {
    return permutation === null ? hx : applyPermutation(hx, permutation);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.bias !== true) s += `, bias=${this.bias ? 'True' : 'False'}`;
    if (this.batchFirst !== false) s += `, batch_first=${this.batchFirst ? 'True' : 'False'}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=${this.bidirectional ? 'True' : 'False'}`;
    return s;
  }

  /** Calls the ATen kernel with PyTorch's argument list (the packed overload given batchSizes). @internal */
  protected _run(hx: Tensor | Tensor[], input: Tensor, batchSizes: Tensor | null = null): Tensor[] {
    const weights = this._flatWeights.map((w) => (w as Parameter)._h);
    const hArg = Array.isArray(hx) ? hx.map((t) => t._h) : hx._h;
    if (batchSizes !== null) {
      return wrapAll(
        native.callOp(packedOps[this.mode], input._h, batchSizes._h, hArg, weights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional),
      );
    }
    return wrapAll(
      native.callOp(ops[this.mode], input._h, hArg, weights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional, this.batchFirst),
    );
  }

  /** The single-hidden-state forward of RNN and GRU. @internal */
  protected _forwardHidden(name: string, input: Tensor | PackedSequence, hx: Tensor | null | undefined): [Tensor | PackedSequence, Tensor] {
    if (input instanceof PackedSequence) {
      const { data, batchSizes, sortedIndices, unsortedIndices } = input;
      let h: Tensor;
      if (hx === null || hx === undefined) {
        const numDirections = this.bidirectional ? 2 : 1;
        h = zeros([this.numLayers * numDirections, this._miniBatch(data, batchSizes), this.hiddenSize], { dtype: data.dtype, device: data.device });
      } else h = this.permuteHidden(hx, sortedIndices);
      this.checkForwardArgs(data, h, batchSizes);
      const [output, hidden] = this._run(h, data, batchSizes) as [Tensor, Tensor];
      return [new PackedSequence(output, batchSizes, sortedIndices, unsortedIndices), this.permuteHidden(hidden, unsortedIndices)];
    }
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new RangeError(`${name}: Expected input to be 2D or 3D, got ${input.ndim}D ${name === 'RNN' ? 'tensor ' : ''}instead`);
    }
    const isBatched = input.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    let h = hx ?? null;
    if (!isBatched) {
      input = input.unsqueeze(batchDim);
      if (h !== null) {
        if (h.ndim !== 2) throw new Error(`For unbatched 2-D input, hx should also be 2-D but got ${h.ndim}-D tensor`);
        h = h.unsqueeze(1);
      }
    } else if (h !== null && h.ndim !== 3) {
      throw new Error(`For batched 3-D input, hx should also be 3-D but got ${h.ndim}-D tensor`);
    }
    const maxBatchSize = this.batchFirst ? input.size(0) : input.size(1);
    if (h === null) {
      const numDirections = this.bidirectional ? 2 : 1;
      h = zeros([this.numLayers * numDirections, maxBatchSize, this.hiddenSize], { dtype: input.dtype, device: input.device });
    }
    this.checkForwardArgs(input, h);
    let [output, hidden] = this._run(h, input) as [Tensor, Tensor];
    if (!isBatched) {
      output = output.squeeze(batchDim);
      hidden = hidden.squeeze(1);
    }
    return [output, hidden];
  }
}

type RNNArgs = [inputSize: number | RNNOptions, ...rest: RNNArg[]];

/** Elman RNN with tanh or ReLU. `new nn.RNN(10, 20, 2, 'relu')` or `new nn.RNN(10, 20, { nonlinearity: 'relu' })`. */
export class RNN extends RNNBase {
  static override pythonModule = 'torch.nn.modules.rnn';
  declare nonlinearity: 'tanh' | 'relu';
  constructor(...args: RNNArgs) {
    const last = args[args.length - 1];
    if (typeof last === 'object' && last !== null && 'projSize' in last) {
      throw new Error('proj_size argument is only supported for LSTM, not RNN or GRU');
    }
    const o = RNN_INIT<RNNOptions & { nonlinearity?: string }>(args);
    const nonlinearity = o.nonlinearity ?? 'tanh';
    let mode: RNNMode;
    if (nonlinearity === 'tanh') mode = 'RNN_TANH';
    else if (nonlinearity === 'relu') mode = 'RNN_RELU';
    else throw new Error(`Unknown nonlinearity '${nonlinearity}'. Select from 'tanh' or 'relu'.`);
    super(mode, o);
    this.nonlinearity = nonlinearity;
  }
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    return this._forwardHidden('RNN', input, hx);
  }
}

/** Long short-term memory. `forward(input, [h0, c0]?)` returns `[output, [h_n, c_n]]`. */
export class LSTM extends RNNBase {
  static override pythonModule = 'torch.nn.modules.rnn';
  constructor(...args: RNNArgs) {
    super('LSTM', LSTM_INIT<RNNOptions>(args));
  }

  getExpectedCellSize(input: Tensor, batchSizes: Tensor | null = null): [number, number, number] {
    return [this.numLayers * (this.bidirectional ? 2 : 1), this._miniBatch(input, batchSizes), this.hiddenSize];
  }
  override checkForwardArgs(input: Tensor, hidden: Tensor | readonly Tensor[], batchSizes: Tensor | null = null): void {
    const [h, c] = hidden as readonly Tensor[];
    this.checkInput(input, batchSizes);
    this.checkHiddenSize(h!, this.getExpectedHiddenSize(input, batchSizes), 'Expected hidden[0] size {}, got {}');
    this.checkHiddenSize(c!, this.getExpectedCellSize(input, batchSizes), 'Expected hidden[1] size {}, got {}');
  }
  override permuteHidden(hx: Tensor, permutation: Tensor | null): Tensor;
  override permuteHidden(hx: readonly [Tensor, Tensor], permutation: Tensor | null): [Tensor, Tensor];
  override permuteHidden(hx: Tensor | readonly [Tensor, Tensor], permutation: Tensor | null): Tensor | [Tensor, Tensor] {
    if (hx instanceof Tensor) return super.permuteHidden(hx, permutation);
    if (permutation === null) return [hx[0], hx[1]];
    return [applyPermutation(hx[0], permutation), applyPermutation(hx[1], permutation)];
  }

  override forward(input: PackedSequence, hx?: readonly [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx: readonly [Tensor, Tensor] | null = null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const numDirections = this.bidirectional ? 2 : 1;
    const realHiddenSize = this.projSize > 0 ? this.projSize : this.hiddenSize;
    if (input instanceof PackedSequence) {
      const { data, batchSizes, sortedIndices, unsortedIndices } = input;
      let state: [Tensor, Tensor];
      if (hx === null || hx === undefined) {
        const maxBatchSize = this._miniBatch(data, batchSizes);
        const like = { dtype: data.dtype, device: data.device };
        state = [zeros([this.numLayers * numDirections, maxBatchSize, realHiddenSize], like), zeros([this.numLayers * numDirections, maxBatchSize, this.hiddenSize], like)];
      } else state = this.permuteHidden(hx, sortedIndices);
      this.checkForwardArgs(data, state, batchSizes);
      const [output, hN, cN] = this._run(state, data, batchSizes) as [Tensor, Tensor, Tensor];
      return [new PackedSequence(output, batchSizes, sortedIndices, unsortedIndices), this.permuteHidden([hN, cN], unsortedIndices)];
    }
    if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`LSTM: Expected input to be 2D or 3D, got ${input.ndim}D instead`);
    const isBatched = input.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    if (!isBatched) input = input.unsqueeze(batchDim);
    const maxBatchSize = this.batchFirst ? input.size(0) : input.size(1);
    let state: [Tensor, Tensor];
    if (hx === null || hx === undefined) {
      const like = { dtype: input.dtype, device: input.device };
      state = [zeros([this.numLayers * numDirections, maxBatchSize, realHiddenSize], like), zeros([this.numLayers * numDirections, maxBatchSize, this.hiddenSize], like)];
      this.checkForwardArgs(input, state);
    } else {
      const [h, c] = hx;
      if (isBatched) {
        if (h.ndim !== 3 || c.ndim !== 3) throw new Error(`For batched 3-D input, hx and cx should also be 3-D but got (${h.ndim}-D, ${c.ndim}-D) tensors`);
        state = [h, c];
      } else {
        if (h.ndim !== 2 || c.ndim !== 2) throw new Error(`For unbatched 2-D input, hx and cx should also be 2-D but got (${h.ndim}-D, ${c.ndim}-D) tensors`);
        state = [h.unsqueeze(1), c.unsqueeze(1)];
      }
      this.checkForwardArgs(input, state);
    }
    let [output, hN, cN] = this._run(state, input) as [Tensor, Tensor, Tensor];
    if (!isBatched) {
      output = output.squeeze(batchDim);
      hN = hN.squeeze(1);
      cN = cN.squeeze(1);
    }
    return [output, [hN, cN]];
  }
}

/** Gated recurrent unit. `forward(input, h0?)` returns `[output, h_n]`. */
export class GRU extends RNNBase {
  static override pythonModule = 'torch.nn.modules.rnn';
  constructor(...args: RNNArgs) {
    const last = args[args.length - 1];
    if (typeof last === 'object' && last !== null && 'projSize' in last) {
      throw new Error('proj_size argument is only supported for LSTM, not RNN or GRU');
    }
    super('GRU', GRU_INIT<RNNOptions>(args));
  }
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    return this._forwardHidden('GRU', input, hx);
  }
}

// ---- cells -------------------------------------------------------------------------------------

type Device = FactoryOptions['device'];
type DTypeArg = FactoryOptions['dtype'];

/** The shared base of RNNCell, LSTMCell and GRUCell: `weight_ih`, `weight_hh` and (with bias) `bias_ih`, `bias_hh`. */
export class RNNCellBase extends Module {
  static override pythonModule = 'torch.nn.modules.rnn';
  declare inputSize: number;
  declare hiddenSize: number;
  declare bias: boolean;
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;

  constructor(
    ...args: Args<[inputSize: number, hiddenSize: number, bias: boolean, numChunks: number], [device: Device, dtype: DTypeArg], FactoryOptions & { inputSize?: number; hiddenSize?: number; bias?: boolean; numChunks?: number }>
  ) {
    super();
    type Bound = FactoryOptions & { inputSize: number; hiddenSize: number; bias: boolean; numChunks: number };
    const o = RNN_CELL_BASE<Bound>(args);
    const factory = { device: o.device, dtype: o.dtype };
    const { inputSize, hiddenSize, bias, numChunks } = o;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    this.weight_ih = new Parameter(empty([numChunks * hiddenSize, inputSize], factory));
    this.weight_hh = new Parameter(empty([numChunks * hiddenSize, hiddenSize], factory));
    if (bias) {
      this.bias_ih = new Parameter(empty([numChunks * hiddenSize], factory));
      this.bias_hh = new Parameter(empty([numChunks * hiddenSize], factory));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.bias !== true) s += `, bias=${this.bias === false ? 'False' : String(this.bias)}`;
    // Python looks in the instance __dict__: only RNNCell has a nonlinearity.
    if (Object.prototype.hasOwnProperty.call(this._target, 'nonlinearity')) {
      const nonlinearity = (this as { nonlinearity?: string }).nonlinearity;
      if (nonlinearity !== 'tanh') s += `, nonlinearity=${nonlinearity}`;
    }
    return s;
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1.0 / Math.sqrt(this.hiddenSize) : 0;
    for (const weight of this.parameters()) init.uniform_(weight, -stdv, stdv);
  }
}

/** PyTorch's checks of a cell's input and hidden state (1-D: one unbatched sample, 2-D: a batch). */
function checkCellDims(cls: string, input: Tensor, hidden: readonly (Tensor | null)[], what: (i: number) => string): void {
  if (input.dim() !== 1 && input.dim() !== 2) throw new RangeError(`${cls}: Expected input to be 1D or 2D, got ${input.dim()}D instead`);
  hidden.forEach((h, i) => {
    if (h !== null && h.dim() !== 1 && h.dim() !== 2) throw new RangeError(`${cls}: Expected ${what(i)} to be 1D or 2D, got ${h.dim()}D instead`);
  });
}

export interface CellOptions extends FactoryOptions {
  inputSize?: number;
  hiddenSize?: number;
  bias?: boolean;
}

/** One step of an Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). */
export class RNNCell extends RNNCellBase {
  static override pythonModule = 'torch.nn.modules.rnn';
  declare nonlinearity: string;

  constructor(
    ...args: Args<[inputSize: number, hiddenSize: number], [bias: boolean, nonlinearity: 'tanh' | 'relu', device: Device, dtype: DTypeArg], CellOptions & { nonlinearity?: 'tanh' | 'relu' }>
  ) {
    type Bound = CellOptions & { inputSize: number; hiddenSize: number; nonlinearity?: string };
    const o = RNN_CELL<Bound>(args);
    super(o.inputSize, o.hiddenSize, o.bias ?? true, 1, { device: o.device, dtype: o.dtype });
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    checkCellDims('RNNCell', input, [hx], () => 'hidden');
    const isBatched = input.dim() === 2;
    if (!isBatched) input = input.unsqueeze(0);
    const h = hx === null ? zeros([input.size(0), this.hiddenSize], { dtype: input.dtype, device: input.device }) : isBatched ? hx : hx.unsqueeze(0);
    let ret: Tensor;
    if (this.nonlinearity === 'tanh') ret = rnnTanhCell(input, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    else if (this.nonlinearity === 'relu') ret = rnnReluCell(input, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    else throw new Error(`Unknown nonlinearity: ${this.nonlinearity}`);
    return isBatched ? ret : ret.squeeze(0);
  }
}

/** One step of an LSTM: `forward(input, [h, c]?)` returns `[h', c']`. */
export class LSTMCell extends RNNCellBase {
  static override pythonModule = 'torch.nn.modules.rnn';

  constructor(...args: Args<[inputSize: number, hiddenSize: number], [bias: boolean, device: Device, dtype: DTypeArg], CellOptions>) {
    const o = LSTM_CELL<CellOptions & { inputSize: number; hiddenSize: number }>(args);
    super(o.inputSize, o.hiddenSize, o.bias ?? true, 4, { device: o.device, dtype: o.dtype });
  }

  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    checkCellDims('LSTMCell', input, hx ?? [], (i) => `hx[${i}]`);
    const isBatched = input.dim() === 2;
    if (!isBatched) input = input.unsqueeze(0);
    let state: [Tensor, Tensor];
    if (hx === null || hx === undefined) {
      const z = zeros([input.size(0), this.hiddenSize], { dtype: input.dtype, device: input.device });
      state = [z, z];
    } else state = isBatched ? [hx[0], hx[1]] : [hx[0].unsqueeze(0), hx[1].unsqueeze(0)];
    const [h, c] = lstmCell(input, state, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
  }
}

/** One step of a GRU: `forward(input, h?)` returns h'. */
export class GRUCell extends RNNCellBase {
  static override pythonModule = 'torch.nn.modules.rnn';

  constructor(...args: Args<[inputSize: number, hiddenSize: number], [bias: boolean, device: Device, dtype: DTypeArg], CellOptions>) {
    const o = GRU_CELL<CellOptions & { inputSize: number; hiddenSize: number }>(args);
    super(o.inputSize, o.hiddenSize, o.bias ?? true, 3, { device: o.device, dtype: o.dtype });
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    checkCellDims('GRUCell', input, [hx], () => 'hidden');
    const isBatched = input.dim() === 2;
    if (!isBatched) input = input.unsqueeze(0);
    const h = hx === null ? zeros([input.size(0), this.hiddenSize], { dtype: input.dtype, device: input.device }) : isBatched ? hx : hx.unsqueeze(0);
    const ret = gruCell(input, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? ret : ret.squeeze(0);
  }
}
