// DenseNet against torchvision (scripts/fixtures/vision_densenet.py).
import * as path from 'path';
import * as torch from '../lib';
import { checkModels } from './vision/check';

const { densenet } = torch.vision.models;

checkModels('vision_densenet.json');

test("torchvision's old-style checkpoint keys ('norm.1', 'conv.2') load after the fix-up, strictly", () => {
  const file = torch.load(path.join(__dirname, 'fixtures', 'generated', 'vision_densenet_old_keys.pth')) as Map<string, unknown>;
  const stateDict = file.get('state_dict') as torch.nn.StateDict;
  expect([...stateDict.keys()].some((k) => k.includes('.norm.1.'))).toBe(true);
  const model = new torch.vision.models.DenseNet({ growthRate: 4, blockConfig: [2, 3], numInitFeatures: 8, bnSize: 2, numClasses: 5 });
  expect(() => model.loadStateDict(stateDict)).toThrow(/Missing key\(s\) in state_dict: "features.denseblock1.denselayer1.norm1.weight"/);
  densenet._loadStateDict(model, { getStateDict: () => stateDict }, false);
  model.eval();
  const y = torch.noGrad(() => model.call(file.get('input') as torch.Tensor));
  expect(torch.allclose(y, file.get('output') as torch.Tensor, { rtol: 1e-4, atol: 1e-5 })).toBe(true);
});
