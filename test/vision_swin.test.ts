// Swin Transformers V1 and V2 against torchvision (scripts/fixtures/vision_swin.py).
import { checkModels } from './vision/check';

checkModels('vision_swin.json');
