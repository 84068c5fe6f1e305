// torch/optim/adamw.py: Adam with decoupled weight decay.
import { pySignature } from '../python_signature';
import type { Tensor } from '../tensor';
import { Adam, adam, type AdamFunctionalOptions } from './adam';
import type { ParamsT } from './optimizer';

const ADAMW_INIT = pySignature(
  'AdamW.__init__',
  'self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False, foreach=None, capturable=False, differentiable=False, fused=None',
  { floatDefaults: true },
);

export interface AdamWOptions {
  lr?: number | Tensor;
  betas?: readonly [number | Tensor, number | Tensor];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

export class AdamW extends Adam {
  constructor(params: ParamsT, options?: AdamWOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const { params, ...o } = ADAMW_INIT<AdamWOptions & { params: ParamsT }>(args);
    super(params, { ...o, decoupledWeightDecay: true });
  }

  protected override _setstate(): void {
    super._setstate();
    for (const group of this.paramGroups) group.decoupledWeightDecay = true;
  }
}

/** Functional API that performs the AdamW computation (torch.optim.adamw.adamw). */
export function adamw(
  params: Tensor[], grads: Tensor[], expAvgs: Tensor[], expAvgSqs: Tensor[], maxExpAvgSqs: Tensor[], stateSteps: Tensor[],
  o: Omit<AdamFunctionalOptions, 'decoupledWeightDecay'>,
): void {
  adam(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, stateSteps, { ...o, decoupledWeightDecay: true });
}
