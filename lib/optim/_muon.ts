// torch/optim/_muon.py: Muon (momentum orthogonalized by Newton-Schulz iterations), 2-D params only.
import { addmm, zerosLike } from '../generated/torch';
import { preserveFormat } from '../layout';
import { noGrad } from '../autograd';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import { Optimizer, _toScalar, isSparse, num, pyFormat, sMul, sNeg, sSub, type StepClosure, type NumberOrTensor, type ParamsT } from './optimizer';

const MUON_INIT = pySignature(
  'Muon.__init__',
  'self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=(3.4445, -4.7750, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None',
  { floatDefaults: true },
);

export interface MuonOptions {
  lr?: number | Tensor;
  weightDecay?: number;
  momentum?: number;
  nesterov?: boolean;
  nsCoefficients?: readonly [number, number, number];
  eps?: number;
  nsSteps?: number;
  adjustLrFn?: 'original' | 'match_rms_adamw' | null;
}

/** `_zeropower_via_newtonschulz`: the orthogonalized update, computed in bfloat16. */
function _zeropowerViaNewtonschulz(grad: Tensor, nsCoefficients: readonly number[], nsSteps: number, eps: number): Tensor {
  if (nsSteps >= 100) throw new RangeError('Number of steps must be less than 100 for computational efficiency');
  if (grad.shape.length !== 2) throw new RangeError('Input tensor gradient must be a 2D matrix');
  if (nsCoefficients.length !== 3) throw new RangeError('Coefficients must be a tuple of exactly 3 values');
  const [a, b, c] = nsCoefficients as [number, number, number];
  const tall = grad.size(0) > grad.size(1);
  let ortho = grad.bfloat16();
  if (tall) ortho = ortho.T;
  ortho.div_(ortho.norm().clamp({ min: eps }));
  for (let i = 0; i < nsSteps; i++) {
    const gram = ortho.matmul(ortho.T);
    const gramUpdate = addmm(gram, gram, gram, { beta: b, alpha: c });
    ortho = addmm(ortho, gramUpdate, ortho, { beta: a });
  }
  return tall ? ortho.T : ortho;
}

/** `_adjust_lr`: the learning rate scaled for the parameter's shape. */
function _adjustLr(lr: NumberOrTensor, adjustLrFn: string | null, shape: readonly number[]): NumberOrTensor {
  const [A, B] = shape as [number, number];
  let ratio: number;
  if (adjustLrFn === null || adjustLrFn === 'original') ratio = Math.sqrt(Math.max(1, A / B));
  else if (adjustLrFn === 'match_rms_adamw') ratio = 0.2 * Math.sqrt(Math.max(A, B));
  else ratio = 1;
  return sMul(lr, ratio);
}

export class Muon extends Optimizer {
  constructor(params: ParamsT, options?: MuonOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = MUON_INIT<Required<MuonOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Learning rate should be >= 0 but is: ${pyFormat(a.lr)}`);
    if (!(0 <= num(a.momentum))) throw new RangeError(`momentum should be >= 0 but is: ${pyFormat(a.momentum)}`);
    if (!(0 <= num(a.weightDecay))) throw new RangeError(`weight decay should be >= 0 but is: ${pyFormat(a.weightDecay)}`);
    if (a.adjustLrFn !== null && !['original', 'match_rms_adamw'].includes(a.adjustLrFn)) {
      throw new RangeError(`Adjust learning rate function ${String(a.adjustLrFn)} is not supported`);
    }
    super(a.params, {
      lr: a.lr, weightDecay: a.weightDecay, momentum: a.momentum, nesterov: a.nesterov, nsCoefficients: a.nsCoefficients, eps: a.eps,
      nsSteps: a.nsSteps, adjustLrFn: a.adjustLrFn,
    });
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.ndim !== 2) throw new RangeError(`Muon only supports 2D parameters whereas we found a parameter with size: ${String(p.size())}`);
      }
    }
  }

  override step(closure: StepClosure = null): any {
    return noGrad(() => {
      const loss = this.runClosure(closure);
      for (const group of this.paramGroups) {
        const params: Tensor[] = [];
        const grads: Tensor[] = [];
        const bufs: Tensor[] = [];
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          if (p.dtype.isComplex) throw new Error('Muon does not support complex parameters');
          if (isSparse(grad)) throw new Error('Muon does not support sparse gradients');
          params.push(p);
          grads.push(grad);
          const state = this.stateOf(p);
          if (!('momentumBuffer' in state)) state.momentumBuffer = zerosLike(grad, { memoryFormat: preserveFormat });
          bufs.push(state.momentumBuffer);
        }
        muon(params, grads, bufs, {
          lr: group.lr, weightDecay: group.weightDecay, momentum: group.momentum, nesterov: group.nesterov, nsCoefficients: group.nsCoefficients,
          eps: group.eps, nsSteps: group.nsSteps, adjustLrFn: group.adjustLrFn, hasComplex: false,
        });
      }
      return loss;
    });
  }
}

export interface MuonFunctionalOptions {
  foreach?: boolean | null;
  lr: NumberOrTensor;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  nsCoefficients: readonly number[];
  nsSteps: number;
  eps: number;
  adjustLrFn: string | null;
  hasComplex: boolean;
}

/** Functional API that performs the Muon computation (torch.optim._muon.muon). */
export function muon(params: Tensor[], grads: Tensor[], bufs: Tensor[], o: MuonFunctionalOptions): void {
  if (o.foreach) throw new Error('Foreach is not supported for Muon yet');
  const lr = _toScalar(o.lr);
  if (o.hasComplex) throw new RangeError('Complex parameters are not supported');
  params.forEach((param, i) => {
    const grad = grads[i]!;
    if (grad.ndim !== 2) throw new RangeError('Param gradient must be a 2D matrix');
    const buf = bufs[i]!;
    buf.lerp_(grad, 1 - o.momentum);
    let update = o.nesterov ? grad.lerp(buf, o.momentum) : buf;
    update = _zeropowerViaNewtonschulz(update, o.nsCoefficients, o.nsSteps, o.eps);
    const adjustedLr = _adjustLr(lr, o.adjustLrFn, param.shape);
    param.mul_(sSub(1, sMul(lr, o.weightDecay)) as number);
    param.add_(update, { alpha: num(sNeg(adjustedLr)) });
  });
}
