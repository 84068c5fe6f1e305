// torch/optim/lr_scheduler.py
export {};
