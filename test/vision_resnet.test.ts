// ResNet, ResNeXt and Wide ResNet against torchvision (scripts/fixtures/vision_resnet.py).
import { checkModels } from './vision/check';

checkModels('vision_resnet.json');
