// torch/nn/utils/rnn.py
export {};
