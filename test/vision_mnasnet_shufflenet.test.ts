// MNASNet and ShuffleNetV2 against torchvision (scripts/fixtures/vision_mnasnet_shufflenet.py).
import { checkModels } from './vision/check';

checkModels('vision_mnasnet_shufflenet.json');
