// Built-in layers, group C — every loss module (torch/nn/modules/loss.py) and the activations
// group B leaves out — against real PyTorch (scripts/fixtures/layers_c.py).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture } from './helpers';
import { evaluate, runModuleCases, runWarningCases } from './modcase';

runModuleCases('layers_c.json');

interface ZooSpec {
  repr: string;
  describe: Record<string, unknown>;
  state_dict: Record<string, unknown>;
}
interface Extra {
  warnings: { name: string; ts: string; message: string; category: string }[];
  zoo: ZooSpec & { entries: [string, string][] };
}
const extra = fixture<Extra>('layers_c_extra.json');

runWarningCases('layers_c warnings', extra.warnings);

describe('losses: registered buffers and attributes', () => {
  test('weight and pos_weight are buffers (None when not given), moved by .to()', () => {
    const w = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    const m = new torch.nn.BCEWithLogitsLoss({ posWeight: w });
    expect(m.weight).toBeNull();
    expect(m.pos_weight).toBe(w);
    expect([...m.stateDict().keys()]).toEqual(['pos_weight']);
    expect([...m._buffers.keys()]).toEqual(['weight', 'pos_weight']);
    m.to(torch.float64);
    expect(m.pos_weight!.dtype).toBe(torch.float64);
  });
  test('a loaded state_dict fills the weight buffer', () => {
    const a = new torch.nn.CrossEntropyLoss(torch.tensor([1, 2, 3], { dtype: torch.float32 }));
    const b = new torch.nn.CrossEntropyLoss(torch.zeros(3));
    b.loadStateDict(a.stateDict());
    expect(b.weight!.tolist()).toEqual([1, 2, 3]);
  });
  test('the legacy pair decides reduction', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation((() => undefined) as typeof process.emitWarning);
    try {
      expect(new torch.nn.MSELoss({ sizeAverage: false }).reduction).toBe('sum');
      expect(new torch.nn.MSELoss({ reduce: false, reduction: 'sum' }).reduction).toBe('none');
      expect(new torch.nn.MSELoss({ sizeAverage: true, reduce: true, reduction: 'sum' }).reduction).toBe('mean');
    } finally {
      spy.mockRestore();
    }
  });
});

// Whole models both ways: Python's torch.save(model) of every class here loads as the same modules,
// and the same model built here loads in a live Python run as the same torch.nn classes, attribute
// for attribute (float vs int, tuple vs list).
describe('layers_c whole models', () => {
  const root = path.join(__dirname, '..');
  const stateDict = (m: torch.nn.Module): Record<string, unknown> =>
    Object.fromEntries([...m.stateDict()].map(([k, v]) => [k, v.tolist()]));
  const build = (): torch.nn.ModuleDict => {
    torch.manualSeed(0);
    return new torch.nn.ModuleDict(Object.fromEntries(extra.zoo.entries.map(([n, ts]) => [n, evaluate(ts) as torch.nn.Module])));
  };

  test("Python's file loads as the same modules", () => {
    const m = torch.load(path.join(__dirname, 'fixtures', 'generated', 'layers_c_zoo.pt')) as torch.nn.ModuleDict;
    expect(String(m)).toBe(extra.zoo.repr);
    expect(stateDict(m)).toEqual(extra.zoo.state_dict);
    expect(String(build())).toBe(extra.zoo.repr);
  });

  test('a model saved here loads in Python as the torch.nn classes, attribute for attribute', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-layers-c-'));
    try {
      const file = path.join(tmp, 'zoo.pt');
      const m = build();
      expect(stateDict(m)).toEqual(extra.zoo.state_dict);
      torch.save(m, file);
      const out = execFileSync(path.join(root, '.venv', 'bin', 'python'), [path.join(root, 'scripts', 'fixtures', 'layers_c.py'), '--check', file], {
        encoding: 'utf8', cwd: root, maxBuffer: 1 << 26,
      });
      const got = JSON.parse(out) as ZooSpec;
      expect(got.repr).toBe(extra.zoo.repr);
      expect(got.describe).toEqual(extra.zoo.describe);
      expect(got.state_dict).toEqual(extra.zoo.state_dict);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
