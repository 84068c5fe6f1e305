// EfficientNet B0-B7 and V2 S/M/L against torchvision (scripts/fixtures/vision_efficientnet.py).
import * as torch from '../lib';
import { checkModels } from './vision/check';

checkModels('vision_efficientnet.json');

test('StochasticDepth is the identity in eval mode and keeps or drops whole rows in training', () => {
  const { StochasticDepth, stochasticDepth } = torch.vision.ops;
  const x = torch.ones(64, 3);
  const sd = new StochasticDepth(0.5, 'row');
  expect(String(sd)).toBe('StochasticDepth(p=0.5, mode=row)');
  expect(sd.eval().call(x)).toBe(x);
  const y = sd.train().call(x);
  const rows = y.sum(1).tolist() as number[];
  expect(rows.every((r) => r === 0 || r === 6)).toBe(true);
  expect(() => stochasticDepth(x, 1.5, 'row')).toThrow('drop probability has to be between 0 and 1, but got 1.5');
});
