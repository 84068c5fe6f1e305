// torch/nn/modules/adaptive.py: AdaptiveLogSoftmaxWithLoss.
import { argmax } from '../generated/torch';
import { slice } from '../indexing';
import type { Tensor } from '../tensor';
import { ModuleList, Sequential } from './container';
import * as F from './functional';
import { Linear, type FactoryOptions } from './linear';
import { Module } from './module';
import { pyRepr } from './repr';
import { pySignature } from '../python_signature';
import { type Args } from './modules_utils';

const INIT = pySignature(
  'AdaptiveLogSoftmaxWithLoss.__init__',
  'self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None',
);

/** PyTorch's named tuple `_ASMoutput(output, loss)`: a pair that also has `.output` and `.loss`. */
export type _ASMoutput = [output: Tensor, loss: Tensor] & { readonly output: Tensor; readonly loss: Tensor };
function asmOutput(output: Tensor, loss: Tensor): _ASMoutput {
  return Object.assign([output, loss] as [Tensor, Tensor], { output, loss });
}

export interface AdaptiveLogSoftmaxWithLossOptions extends FactoryOptions {
  divValue?: number;
  headBias?: boolean;
}

/**
 * Efficient softmax approximation for large output spaces (Grave et al.): frequent classes in a
 * head, rarer ones in clusters of tail classes reached through the head's cluster logits.
 * `forward(input, target)` gives `[output, loss]` (the target log-probabilities and their mean NLL).
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  static override pythonModule = 'torch.nn.modules.adaptive';
  static override floatAttributes: readonly string[] = ['div_value'];
  static override listAttributes: readonly string[] = ['cutoffs'];
  declare inFeatures: number;
  declare nClasses: number;
  declare cutoffs: number[];
  declare divValue: number;
  declare headBias: boolean;
  declare shortlistSize: number;
  declare nClusters: number;
  declare headSize: number;
  declare head: Linear;
  declare tail: ModuleList;

  constructor(
    ...args: Args<
      [inFeatures: number, nClasses: number, cutoffs: readonly number[]],
      [divValue: number, headBias: boolean, device: FactoryOptions['device'], dtype: FactoryOptions['dtype']],
      AdaptiveLogSoftmaxWithLossOptions
    >
  ) {
    super();
    type Bound = AdaptiveLogSoftmaxWithLossOptions & { inFeatures: number; nClasses: number; cutoffs: readonly number[] };
    const o = INIT<Bound>(args);
    const factory = { device: o.device, dtype: o.dtype };
    const cutoffs = [...o.cutoffs];
    if (cutoffs.length === 0) throw new RangeError('cutoffs should be a sequence of length larger than 0');
    const sorted = [...cutoffs].sort((a, b) => a - b);
    if (
      cutoffs.some((c, i) => c !== sorted[i]) || Math.min(...cutoffs) <= 0 || Math.max(...cutoffs) > o.nClasses - 1 ||
      new Set(cutoffs).size !== cutoffs.length || cutoffs.some((c) => !Number.isInteger(c))
    ) {
      throw new RangeError(
        'cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1',
      );
    }
    this.inFeatures = o.inFeatures;
    this.nClasses = o.nClasses;
    this.cutoffs = [...cutoffs, o.nClasses];
    this.divValue = o.divValue ?? 4.0;
    this.headBias = o.headBias ?? false;
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    this.head = new Linear(this.inFeatures, this.headSize, { bias: this.headBias, ...factory });
    this.tail = new ModuleList();
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = Math.floor(this.inFeatures / this.divValue ** (i + 1));
      const osz = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      this.tail.append(new Sequential(new Linear(this.inFeatures, hsz, { bias: false, ...factory }), new Linear(hsz, osz, { bias: false, ...factory })));
    }
  }

  resetParameters(): void {
    this.head.resetParameters();
    for (const projection of this.tail) {
      for (const layer of projection.children()) (layer as Linear).resetParameters();
    }
  }

  private cluster(i: number): Module {
    return this.tail.at(i);
  }

  override forward(input_: Tensor, target_: Tensor): _ASMoutput {
    const targDim = target_.dim();
    if (targDim === 1) {
      if (input_.size(0) !== target_.size(0)) throw new Error('Input and target should have the same size in the batch dimension.');
      if (input_.dim() !== 2) throw new Error(`1D target tensor expects 2D input tensors, but found inputs with size ${String(input_.shape)}`);
    } else if (targDim === 0) {
      if (input_.dim() !== 1) throw new Error(`0D target tensor expects 1D input tensors, but found inputs with size ${String(input_.shape)}`);
    } else {
      throw new Error('0D or 1D target tensor expected, multi-target not supported');
    }
    const isBatched = targDim > 0;
    const input = isBatched ? input_ : input_.unsqueeze(0);
    const target = isBatched ? target_ : target_.unsqueeze(0);
    let usedRows = 0;
    const batchSize = target.size(0);
    let output = input.newZeros([batchSize]);
    const gatherInds = target.newEmpty([batchSize]);
    const cutoffValues = [0, ...this.cutoffs];
    for (let i = 0; i < cutoffValues.length - 1; i++) {
      const lowIdx = cutoffValues[i]!;
      const highIdx = cutoffValues[i + 1]!;
      const targetMask = target.ge(lowIdx).bitwiseAnd(target.lt(highIdx));
      const rowIndices = targetMask.nonzero().squeeze();
      if (rowIndices.numel() === 0) continue;
      if (i === 0) {
        gatherInds.indexCopy_(0, rowIndices, target.get(targetMask));
      } else {
        const relativeTarget = target.get(targetMask).sub(lowIdx);
        const inputSubset = input.indexSelect(0, rowIndices);
        const clusterOutput = this.cluster(i - 1).call(inputSubset) as Tensor;
        const clusterIndex = this.shortlistSize + i - 1;
        gatherInds.indexFill_(0, rowIndices, clusterIndex);
        const clusterLogprob = F.logSoftmax(clusterOutput, { dim: 1 });
        const localLogprob = clusterLogprob.gather(1, relativeTarget.unsqueeze(1));
        output.indexCopy_(0, rowIndices, localLogprob.squeeze(1));
      }
      usedRows += rowIndices.numel();
    }
    if (usedRows !== batchSize) {
      throw new Error(
        `Target values should be in [0, ${this.nClasses - 1}], but values in range [${pyRepr(target.min().item())}, ${pyRepr(target.max().item())}] were found. `,
      );
    }
    const headOutput = this.head.call(input);
    const headLogprob = F.logSoftmax(headOutput, { dim: 1 });
    output = output.add_(headLogprob.gather(1, gatherInds.unsqueeze(1)).squeeze());
    const loss = output.neg().mean();
    if (!isBatched) output = output.squeeze(0);
    return asmOutput(output, loss);
  }

  /** Log-probabilities of every class, shape (batch, n_classes). */
  _getFullLogProb(input: Tensor, headOutput: Tensor): Tensor {
    const out = input.newEmpty([headOutput.size(0), this.nClasses]);
    const headLogprob = F.logSoftmax(headOutput, { dim: 1 });
    const all = slice(null);
    out.set([all, slice(null, this.shortlistSize)], headLogprob.get(all, slice(null, this.shortlistSize)));
    for (let i = 0; i + 1 < this.cutoffs.length; i++) {
      const [startIdx, stopIdx] = [this.cutoffs[i]!, this.cutoffs[i + 1]!];
      const clusterOutput = this.cluster(i).call(input) as Tensor;
      const clusterLogprob = F.logSoftmax(clusterOutput, { dim: 1 });
      const outputLogprob = clusterLogprob.add(headLogprob.get(all, this.shortlistSize + i).unsqueeze(1));
      out.set([all, slice(startIdx, stopIdx)], outputLogprob);
    }
    return out;
  }

  /** PyTorch's `log_prob`: log-probabilities of every class for each input row. */
  logProb(input: Tensor): Tensor {
    return this._getFullLogProb(input, this.head.call(input));
  }

  /** The most likely class of each input row (the full distribution only where the head points into a cluster). */
  predict(input: Tensor): Tensor {
    const headOutput = this.head.call(input);
    const output = argmax(headOutput, { dim: 1 });
    const notInShortlist = output.ge(this.shortlistSize);
    const allInShortlist = !notInShortlist.any().item();
    if (allInShortlist) return output;
    if (notInShortlist.all().item()) return argmax(this._getFullLogProb(input, headOutput), { dim: 1 });
    const logProb = this._getFullLogProb(input.get(notInShortlist), headOutput.get(notInShortlist));
    output.set(notInShortlist, argmax(logProb, { dim: 1 }));
    return output;
  }
}
