// torch/nn/modules/distance.py: PairwiseDistance and CosineSimilarity.
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import type { Args } from './modules_utils';

export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}
export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}

const PAIRWISE_INIT = pySignature<Required<PairwiseDistanceOptions>>('PairwiseDistance.__init__', 'self, p=2.0, eps=1e-6, keepdim=False');
const COSINE_INIT = pySignature<Required<CosineSimilarityOptions>>('CosineSimilarity.__init__', 'self, dim=1, eps=1e-8');

/** The p-norm of x1 - x2 (+ eps) over the last dimension. Its `p` is kept as `norm`, as in PyTorch. */
export class PairwiseDistance extends Module {
  static override pythonModule = 'torch.nn.modules.distance';
  static override floatAttributes: readonly string[] = ['norm', 'eps'];
  declare norm: number;
  declare eps: number;
  declare keepdim: boolean;

  constructor(...args: Args<[], [p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>) {
    super();
    const o = PAIRWISE_INIT(args);
    this.norm = o.p;
    this.eps = o.eps;
    this.keepdim = o.keepdim;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}

/** The cosine of the angle between x1 and x2 along `dim`. */
export class CosineSimilarity extends Module {
  static override pythonModule = 'torch.nn.modules.distance';
  static override floatAttributes: readonly string[] = ['eps'];
  declare dim: number;
  declare eps: number;

  constructor(...args: Args<[], [dim: number, eps: number], CosineSimilarityOptions>) {
    super();
    const o = COSINE_INIT(args);
    this.dim = o.dim;
    this.eps = o.eps;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}
