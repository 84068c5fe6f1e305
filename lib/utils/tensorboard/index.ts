// torch.utils.tensorboard
export {};
