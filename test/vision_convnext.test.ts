// ConvNeXt against torchvision (scripts/fixtures/vision_convnext.py).
import { checkModels } from './vision/check';

checkModels('vision_convnext.json');
