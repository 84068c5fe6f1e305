// torch/optim/sparse_adam.py (and torch/optim/_functional.py's sparse_adam): Adam for sparse
// gradients, updating only the rows a gradient touches (nn.Embedding({ sparse: true })).
import { zerosLike } from '../generated/torch';
import { preserveFormat } from '../layout';
import { noGrad } from '../autograd';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import {
  Optimizer, checkCommon, _indices, _makeSparse, _toScalar, _values, isSparse, num, pyFormat, sDiv, sMul, sNeg, type StepClosure, type NumberOrTensor, type ParamsT,
} from './optimizer';

const SPARSE_ADAM_INIT = pySignature('SparseAdam.__init__', 'self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False', { floatDefaults: true });

export interface SparseAdamOptions {
  lr?: number | Tensor;
  betas?: readonly [number, number];
  eps?: number;
  maximize?: boolean;
}

export class SparseAdam extends Optimizer {
  constructor(params: ParamsT, options?: SparseAdamOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = SPARSE_ADAM_INIT<Required<SparseAdamOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 < num(a.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    if (!(0 < num(a.eps))) throw new RangeError(`Invalid epsilon value: ${pyFormat(a.eps)}`);
    checkCommon({ lr: a.lr, betas: a.betas });
    super(a.params, { lr: a.lr, betas: a.betas, eps: a.eps, maximize: a.maximize });
    const sparseParams: number[][] = [];
    const complexParams: number[][] = [];
    this.paramGroups.forEach((g, index) =>
      g.params.forEach((p, dIndex) => {
        if (isSparse(p)) sparseParams.push([index, dIndex]);
        if (p.dtype.isComplex) complexParams.push([index, dIndex]);
      }),
    );
    const list = (xs: number[][]): string => `[${xs.map((x) => `[${x.join(', ')}]`).join(', ')}]`;
    if (sparseParams.length > 0) throw new RangeError(`Sparse params at indices ${list(sparseParams)}: SparseAdam requires dense parameter tensors`);
    if (complexParams.length > 0) throw new RangeError(`Complex params at indices ${list(complexParams)}: SparseAdam does not support complex parameters`);
  }

  override step(closure: StepClosure = null): any {
    return noGrad(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const params: Tensor[] = [];
        const grads: Tensor[] = [];
        const expAvgs: Tensor[] = [];
        const expAvgSqs: Tensor[] = [];
        const steps: number[] = [];
        const [beta1, beta2] = group.betas as number[];
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          params.push(p);
          if (!isSparse(grad)) throw new Error('SparseAdam does not support dense gradients, please consider Adam instead');
          grads.push(grad);
          const state = this.stateOf(p);
          if (Object.keys(state).length === 0) {
            state.step = 0;
            state.expAvg = zerosLike(p, { memoryFormat: preserveFormat });
            state.expAvgSq = zerosLike(p, { memoryFormat: preserveFormat });
          }
          expAvgs.push(state.expAvg);
          expAvgSqs.push(state.expAvgSq);
          state.step += 1;
          steps.push(state.step);
        }
        sparseAdam(params, grads, expAvgs, expAvgSqs, steps, {
          eps: group.eps, beta1: beta1!, beta2: beta2!, lr: _toScalar(group.lr as NumberOrTensor), maximize: group.maximize ?? false,
        });
      }
      return loss;
    });
  }
}

/** Functional API that performs the SparseAdam computation (torch.optim._functional.sparse_adam). */
export function sparseAdam(
  params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], stateSteps: number[],
  o: { eps: number; beta1: number; beta2: number; lr: NumberOrTensor; maximize: boolean },
): void {
  params.forEach((param, i) => {
    const grad = (o.maximize ? grads[i]!.neg() : grads[i]!).coalesce(); // the update is non-linear so indices must be unique
    const gradIndices = _indices(grad);
    const gradValues = _values(grad);
    if (gradValues.numel() === 0) return;
    const expAvg = expAvgs[i]!;
    const expAvgSq = expAvgSqs[i]!;
    const step = stateSteps[i]!;
    const makeSparse = (values: Tensor): Tensor => _makeSparse(grad, gradIndices, values);
    const oldExpAvgValues = _values(expAvg.sparseMask(grad));
    const expAvgUpdateValues = gradValues.sub(oldExpAvgValues).mul_(1 - o.beta1);
    expAvg.add_(makeSparse(expAvgUpdateValues));
    const oldExpAvgSqValues = _values(expAvgSq.sparseMask(grad));
    const expAvgSqUpdateValues = gradValues.pow(2).sub_(oldExpAvgSqValues).mul_(1 - o.beta2);
    expAvgSq.add_(makeSparse(expAvgSqUpdateValues));
    const numer = expAvgUpdateValues.add_(oldExpAvgValues);
    expAvgSqUpdateValues.add_(oldExpAvgSqValues);
    const denom = expAvgSqUpdateValues.sqrt_().add_(o.eps);
    const biasCorrection1 = 1 - o.beta1 ** step;
    const biasCorrection2 = 1 - o.beta2 ** step;
    const stepSize = sDiv(sMul(o.lr, Math.sqrt(biasCorrection2)), biasCorrection1);
    param.add_(makeSparse(numer.div_(denom).mul(sNeg(stepSize) as number)));
  });
}
