// torch.nn.utils
export * as rnn from './rnn';
