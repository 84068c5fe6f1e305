// torch/optim/swa_utils.py
export {};
