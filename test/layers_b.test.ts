// Built-in layers, group B — activations, RNN/LSTM/GRU, MultiheadAttention,
// TransformerEncoderLayer — against real PyTorch (scripts/fixtures/layers_b.py).
import * as torch from '../lib';
import { fixture } from './helpers';
import { runModuleCases, runWarningCases } from './modcase';

runModuleCases('layers_b.json');

interface Extra {
  warnings: { name: string; ts: string; message: string; category: string }[];
}
const extra = fixture<Extra>('layers_b_extra.json');

runWarningCases('layers_b warnings', extra.warnings);

// Outputs of PyTorch's fused inference kernels and of the step-by-step path agree to ~1e-7, so
// the fixtures cannot tell which one ran: check that the same conditions pick the same kernel.
describe('MultiheadAttention / TransformerEncoderLayer fast path', () => {
  // Op ids are per lookup, so kernels are told apart by their schema names.
  function kernelsUsed(fn: () => unknown): Set<string> {
    const used = new Set<string>();
    const original = torch.native.callOp;
    const spy = jest.spyOn(torch.native, 'callOp').mockImplementation((id: number, ...args: unknown[]) => {
      used.add(torch.schemaOf(id).split('(')[0]!);
      return original.call(torch.native, id, ...args);
    });
    try {
      fn();
    } finally {
      spy.mockRestore();
    }
    return used;
  }
  const mhaFused = 'aten::_native_multi_head_attention';
  const telFused = 'aten::_transformer_encoder_layer_fwd';

  test('MHA: eval, batch_first, self-attention, no grad -> _native_multi_head_attention', () => {
    const m = new torch.nn.MultiheadAttention(8, 2, { batchFirst: true }).eval();
    const x = torch.randn(3, 4, 8);
    expect(kernelsUsed(() => torch.noGrad(() => m.call(x, x, x))).has(mhaFused)).toBe(true);
    expect(kernelsUsed(() => m.call(x, x, x)).has(mhaFused)).toBe(false); // parameters require grad
    expect(kernelsUsed(() => torch.noGrad(() => m.call(x, x.clone(), x.clone()))).has(mhaFused)).toBe(false); // not self-attention
    m.train();
    expect(kernelsUsed(() => torch.noGrad(() => m.call(x, x, x))).has(mhaFused)).toBe(false);
  });
  test('TEL: eval, batch_first, no grad, no hooks -> _transformer_encoder_layer_fwd', () => {
    const m = new torch.nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }).eval();
    const x = torch.randn(3, 4, 8);
    expect(kernelsUsed(() => torch.noGrad(() => m.call(x))).has(telFused)).toBe(true);
    const handle = m.linear1.registerForwardHook(() => undefined);
    expect(kernelsUsed(() => torch.noGrad(() => m.call(x))).has(telFused)).toBe(false);
    handle.remove();
    const odd = new torch.nn.TransformerEncoderLayer(9, 3, { dimFeedforward: 16, batchFirst: true }).eval();
    expect(kernelsUsed(() => torch.noGrad(() => odd.call(torch.randn(2, 3, 9)))).has(telFused)).toBe(false);
  });
});
