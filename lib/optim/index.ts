// torch.optim: the optimizers (one file per file of torch/optim/) and their schedulers.
export {
  Optimizer, registerOptimizerStepPreHook, registerOptimizerStepPostHook,
  type ParamGroup, type OptimizerState, type ParamsT, type StateDict, type Closure, type StepPreHook, type StepPostHook,
} from './optimizer';
export { SGD, sgd, type SGDOptions } from './sgd';
export { Adam, adam, type AdamOptions } from './adam';
export { AdamW, adamw, type AdamWOptions } from './adamw';
export { Adamax, adamax, type AdamaxOptions } from './adamax';
export { NAdam, nadam, type NAdamOptions } from './nadam';
export { RAdam, radam, type RAdamOptions } from './radam';
export { Adagrad, adagrad, type AdagradOptions } from './adagrad';
export * as lrScheduler from './lr_scheduler';
export * as swaUtils from './swa_utils';
