// torch.optim: the optimizers (one file per file of torch/optim/) and their schedulers.
export {
  Optimizer, registerOptimizerStepPreHook, registerOptimizerStepPostHook,
  type ParamGroup, type OptimizerState, type ParamsT, type StateDict, type Closure, type StepClosure, type StepPreHook, type StepPostHook,
} from './optimizer';
export { SGD, sgd, type SGDOptions } from './sgd';
export { Adam, adam, type AdamOptions } from './adam';
export { AdamW, adamw, type AdamWOptions } from './adamw';
export { Adamax, adamax, type AdamaxOptions } from './adamax';
export { NAdam, nadam, type NAdamOptions } from './nadam';
export { RAdam, radam, type RAdamOptions } from './radam';
export { Adagrad, adagrad, type AdagradOptions } from './adagrad';
export { Adadelta, adadelta, type AdadeltaOptions } from './adadelta';
export { RMSprop, rmsprop, type RMSpropOptions } from './rmsprop';
export { Rprop, rprop, type RpropOptions } from './rprop';
export { ASGD, asgd, type ASGDOptions } from './asgd';
export { LBFGS, type LBFGSOptions } from './lbfgs';
export { SparseAdam, sparseAdam, type SparseAdamOptions } from './sparse_adam';
export { Adafactor, adafactor, type AdafactorOptions } from './_adafactor';
export { Muon, muon, type MuonOptions } from './_muon';
export * as lrScheduler from './lr_scheduler';
export * as swaUtils from './swa_utils';
