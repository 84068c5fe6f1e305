// torch.amp
export {};
