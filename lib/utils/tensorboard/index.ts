// torch.utils.tensorboard: SummaryWriter writes TensorBoard event files (writer.py, summary.py).
export { FileWriter, SummaryWriter } from './writer';
export type { AudioOptions, ChartOptions, Dict, EmbeddingOptions, HistogramOptions, MeshOptions, PrCurveOptions, HparamsOptions, ImageOptions, ScalarOptions, StepOptions, SummaryWriterOptions } from './writer';
