// torch.amp: autocast (torch/amp/autocast_mode.py) and, for scaling losses, GradScaler.
export { autocast, isAutocastAvailable, type AutocastOptions } from '../autocast_mode';
export { GradScaler, type GradScalerOptions, type GradScalerStateDict } from './grad_scaler';
