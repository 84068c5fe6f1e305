// MobileNet V2 and V3 against torchvision (scripts/fixtures/vision_mobilenet.py).
import { checkModels } from './vision/check';

checkModels('vision_mobilenet.json');
