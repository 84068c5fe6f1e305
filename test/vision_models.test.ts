// AlexNet and VGG against torchvision (scripts/fixtures/vision_models.py).
import { checkModels } from './vision/check';

checkModels('vision_models.json');
