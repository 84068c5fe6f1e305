// torchvision
export {};
