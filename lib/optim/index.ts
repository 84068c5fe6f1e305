// torch.optim: the optimizers (one file per file of torch/optim/) and their schedulers.
export * as lrScheduler from './lr_scheduler';
export * as swaUtils from './swa_utils';
