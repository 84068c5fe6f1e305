// GoogLeNet and Inception v3 against torchvision (scripts/fixtures/vision_inception.py).
import * as torch from '../lib';
import { checkModels } from './vision/check';

checkModels('vision_inception.json');

test('GoogLeNet in training mode returns the logits and both auxiliary outputs as a named tuple', () => {
  torch.manualSeed(0);
  const model = torch.vision.models.googlenet({ initWeights: false, numClasses: 7 });
  const out = model.call(torch.rand(2, 3, 64, 64)) as torch.vision.models.GoogLeNetOutputs;
  expect(out.length).toBe(3);
  expect([out.logits, out.auxLogits2, out.auxLogits1]).toEqual([out[0], out[1], out[2]]);
  expect(out.map((t) => [...t!.shape])).toEqual([[2, 7], [2, 7], [2, 7]]);
  model.dispose();
});
