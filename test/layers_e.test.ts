// Built-in layers, group E — BatchNorm3d, SyncBatchNorm, InstanceNorm1d/2d/3d, LocalResponseNorm,
// CrossMapLRN2d, RMSNorm, RNNCell/LSTMCell/GRUCell, TransformerEncoder, TransformerDecoderLayer,
// TransformerDecoder, Transformer, EmbeddingBag, AdaptiveLogSoftmaxWithLoss — against real
// PyTorch (scripts/fixtures/layers_e.py).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { fixture } from './helpers';
import { evaluate, runModuleCases } from './modcase';

const { nn } = torch;

// Constructors that PyTorch warns about (TransformerEncoder without batch_first, ...) warn here
// too; the warnings are checked below, not printed by every case.
let quiet: jest.SpyInstance;
beforeAll(() => {
  quiet = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
});
afterAll(() => quiet.mockRestore());

runModuleCases('layers_e.json');

interface Extra {
  warnings: { name: string; ts: string; messages: [string, string][] }[];
}
const extra = fixture<Extra>('layers_e_extra.json');

describe('layers_e warnings', () => {
  test.each(extra.warnings.map((w) => [w.name, w] as const))('%s', (_n, w) => {
    const seen: [string, string | undefined][] = [];
    quiet.mockImplementation(((msg: string | Error, category?: string) => {
      seen.push([typeof msg === 'string' ? msg : msg.message, category]);
    }) as typeof process.emitWarning);
    try {
      evaluate(w.ts);
    } finally {
      quiet.mockImplementation(() => undefined);
    }
    expect(seen).toEqual(w.messages);
  });

  test('no warning where the nested-tensor fast path is possible', () => {
    const seen: unknown[] = [];
    quiet.mockImplementation(((msg: unknown) => void seen.push(msg)) as typeof process.emitWarning);
    try {
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16, { batchFirst: true }), 1);
    } finally {
      quiet.mockImplementation(() => undefined);
    }
    expect(seen).toEqual([]);
  });
});

describe('TransformerEncoder', () => {
  test('its layers are deep copies: same values, distinct parameters', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16, 0.0);
    const enc = new nn.TransformerEncoder(layer, 2);
    const a = enc.layers.at(0) as torch.nn.TransformerEncoderLayer;
    const b = enc.layers.at(1) as torch.nn.TransformerEncoderLayer;
    expect(a).not.toBe(layer);
    expect(a.linear1.weight).not.toBe(b.linear1.weight);
    expect(a.linear1.weight.equal(layer.linear1.weight)).toBe(true);
    expect(b.self_attn.in_proj_weight!.equal(layer.self_attn.in_proj_weight!)).toBe(true);
    expect(a.activation).toBe(layer.activation);
    expect([...enc.stateDict().keys()].filter((k) => k.startsWith('layers.1.'))).toEqual(
      [...layer.stateDict().keys()].map((k) => `layers.1.${k}`),
    );
  });
});

describe('whole-model files', () => {
  test('Python loads these layers saved here as the same torch.nn classes (lists, floats and None kept)', () => {
    const d = new nn.ModuleDict({
      bn3: new nn.BatchNorm3d(3), sbn: new nn.SyncBatchNorm(3, { momentum: null }), in2: new nn.InstanceNorm2d(3, { affine: true }),
      lrn: new nn.LocalResponseNorm(2), cm: new nn.CrossMapLRN2d(3), rms: new nn.RMSNorm([2, 3]), rc: new nn.RNNCell(4, 3, false, 'relu'),
      lc: new nn.LSTMCell(4, 3), gc: new nn.GRUCell(4, 3), tr: new nn.Transformer(8, 2, 1, 1, 16),
      eb: new nn.EmbeddingBag(10, 3, { mode: 'sum', maxNorm: 1 }), asm: new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6]),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers_e-'));
    const file = path.join(dir, 'model.pt');
    torch.save(d, file);
    const program = [
      'import sys, json, torch',
      'd = torch.load(sys.argv[1], weights_only=False)',
      'y = d["asm"](torch.randn(3, 8), torch.tensor([0, 4, 9]))',
      'print(json.dumps({"repr": repr(d), "cutoffs": type(d["asm"].cutoffs).__name__, "k": type(d["cm"].k).__name__, "alpha": type(d["cm"].alpha).__name__,',
      '  "max_norm": type(d["eb"].max_norm).__name__, "momentum": d["sbn"].momentum, "norm": d["tr"].encoder.norm.__class__.__name__,',
      '  "use_nested_tensor": d["tr"].encoder.use_nested_tensor, "shape": type(d["rms"].normalized_shape).__name__, "loss": y.loss.dim()}))',
    ].join('\n');
    const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
    const r = JSON.parse(execFileSync(python, ['-c', program, file], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(r).toEqual({
      repr: String(d), cutoffs: 'list', k: 'int', alpha: 'float', max_norm: 'float', momentum: null, norm: 'LayerNorm',
      use_nested_tensor: false, shape: 'tuple', loss: 0,
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
