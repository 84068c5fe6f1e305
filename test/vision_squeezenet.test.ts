// SqueezeNet against torchvision (scripts/fixtures/vision_squeezenet.py).
import { checkModels } from './vision/check';

checkModels('vision_squeezenet.json');
