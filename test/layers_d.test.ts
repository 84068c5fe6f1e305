// Built-in layers, group D — Conv3d, ConvTranspose1d/3d, MaxPool3d, AvgPool1d/3d, adaptive, LP,
// fractional and unpooling layers, every padding layer, PixelShuffle/PixelUnshuffle, Fold/Unfold,
// Upsample*, ChannelShuffle, CosineSimilarity/PairwiseDistance, Dropout1d/3d, AlphaDropout,
// FeatureAlphaDropout — against real PyTorch (scripts/fixtures/layers_d.py): the module cases, the
// attributes each layer keeps, and whole-model files both ways.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { nn } from '../lib';
import { snakeToCamel } from '../lib/nn/modules_utils';
import { describe as described, expectClose, fixture, type Described } from './helpers';
import { evaluate, runModuleCases } from './modcase';

runModuleCases('layers_d.json');

type Attr = number | string | boolean | null | { float: number } | { tuple: Attr[] } | { list: Attr[] };
interface Extra {
  attrs: { py: string; ts: string; repr: string; attrs: [string, Attr][] }[];
  zoo: { repr: string; vol: Described; seq: Described; img: Described };
}
const extra = fixture<Extra>('layers_d_extra.json');
const FX = path.join(__dirname, 'fixtures', 'generated');
const root = path.join(__dirname, '..');

/** The JavaScript value of a Python attribute: tuples and lists are arrays, floats numbers. */
function plain(a: Attr): unknown {
  if (a === null || typeof a !== 'object') return a;
  if ('float' in a) return a.float;
  return ('tuple' in a ? a.tuple : a.list).map(plain);
}

/** The attributes a class (and its bases) declare PyTorch keeps as floats. */
function floatAttributes(cls: unknown): Set<string> {
  const out = new Set<string>();
  for (let c = cls; c !== Function.prototype && c !== null; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c, 'floatAttributes')) for (const a of (c as typeof nn.Module).floatAttributes) out.add(a);
  }
  return out;
}

describe('the attributes each layer keeps', () => {
  test.each(extra.attrs.map((a) => [a.py, a] as const))('%s', (_py, a) => {
    const m = evaluate(a.ts) as nn.Module & Record<string, unknown>;
    expect(String(m)).toBe(a.repr);
    const floats = floatAttributes(m.constructor);
    for (const [key, value] of a.attrs) {
      expect([key, m[snakeToCamel(key)]]).toEqual([key, plain(value)]);
      // A Python float with an integral value is only saved as a float when the class says so or the
      // instance holds a Python float there (Module._floats).
      if (value !== null && typeof value === 'object' && 'float' in value && Number.isInteger(value.float)) {
        expect([key, floats.has(key) || m._floats.has(snakeToCamel(key))]).toEqual([key, true]);
      }
    }
  });
});

function zooInputs(): [torch.Tensor, torch.Tensor, torch.Tensor] {
  torch.manualSeed(12);
  return [torch.randn(1, 2, 4, 4, 4), torch.randn(1, 2, 6), torch.randn(1, 2, 4, 4)];
}

function expectTensor(t: torch.Tensor, want: Described): void {
  const got = described(t);
  expect([got.dtype, got.shape]).toEqual([want.dtype, want.shape]);
  expectClose(t.reshape([-1]).tolist(), want.data, 1e-5, 1e-6);
}

describe('whole-model files', () => {
  const file = path.join(FX, 'layers_d_zoo.pt');

  test("Python's torch.save(model) of these layers loads and runs here", () => {
    const zoo = torch.load(file) as nn.ModuleDict;
    expect(String(zoo)).toBe(extra.zoo.repr);
    expect(zoo.training).toBe(false);
    const [vx, sx, ix] = zooInputs();
    torch.noGrad(() => {
      expectTensor(zoo.get('vol')!.call(vx) as torch.Tensor, extra.zoo.vol);
      expectTensor(zoo.get('seq')!.call(sx) as torch.Tensor, extra.zoo.seq);
      expectTensor(zoo.get('img')!.call(ix) as torch.Tensor, extra.zoo.img);
    });
  });

  test('saved here, Python loads the same classes, attributes (types included), state and outputs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-d-'));
    try {
      const out = path.join(dir, 'zoo.pt');
      torch.save(torch.load(file), out);
      const python = path.join(root, '.venv', 'bin', 'python');
      const script = path.join(root, 'scripts', 'fixtures', 'layers_d.py');
      const result = JSON.parse(execFileSync(python, [script, '--check', out, file], { encoding: 'utf8', cwd: root })) as { problems: unknown[]; training: boolean };
      expect(result).toEqual({ problems: [], training: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
