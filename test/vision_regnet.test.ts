// RegNetX and RegNetY against torchvision (scripts/fixtures/vision_regnet.py).
import * as torch from '../lib';
import { fixture } from './helpers';
import { checkModels } from './vision/check';

checkModels('vision_regnet.json');

test("regnet_y_128gf's stage settings are torchvision's", () => {
  const p = torch.vision.models.BlockParams.fromInitParams({ depth: 27, w0: 456, wA: 160.83, wM: 2.52, groupWidth: 264, seRatio: 0.25 });
  expect({ ...p }).toEqual(fixture('vision_regnet_y_128gf.json'));
});
