// torch.utils.data: datasets, samplers, collation and the DataLoader (with worker threads).
export { Dataset, IterableDataset, TensorDataset, StackDataset, ConcatDataset, ChainDataset, Subset, randomSplit } from './dataset';
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, type RandomSamplerOptions } from './sampler';
export { DistributedSampler, type DistributedSamplerOptions } from './distributed';
export { defaultCollate, defaultConvert } from './collate';
export { DataLoader, type DataLoaderOptions } from './dataloader';
export { WorkerInfo, getWorkerInfo } from './worker';
