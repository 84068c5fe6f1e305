// Vision Transformers against torchvision (scripts/fixtures/vision_vit.py).
import * as torch from '../lib';
import { expectClose, fixture } from './helpers';
import { checkModels } from './vision/check';

checkModels('vision_vit.json');

const heads = fixture<Record<string, { kwargs: { image_size: number; representation_size?: number; num_classes?: number }; output: number[][] }>>('vision_vit_heads.json');

test.each(Object.keys(heads))('%s with its (zero-initialized) heads redrawn: eval forward equals torchvision', (name) => {
  const { kwargs, output } = heads[name]!;
  torch.manualSeed(0);
  const options = { imageSize: kwargs.image_size, representationSize: kwargs.representation_size, numClasses: kwargs.num_classes };
  const model = (torch.vision.models.getModel(name, options) as torch.vision.models.VisionTransformer).eval();
  torch.manualSeed(2);
  const y = torch.noGrad(() => {
    for (const p of model.heads.parameters()) p.normal_();
    return model.call(torch.rand(2, 3, kwargs.image_size, kwargs.image_size)) as torch.Tensor;
  });
  expectClose(y.tolist(), output, 1e-4, 1e-4);
  model.dispose();
});
