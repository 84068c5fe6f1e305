// Built-in layers, group B — activations, RNN/LSTM/GRU, MultiheadAttention,
// TransformerEncoderLayer — against real PyTorch (scripts/fixtures/layers_b.py).
import { fixture } from './helpers';
import { evaluate, runModuleCases } from './modcase';

runModuleCases('layers_b.json');

interface Extra {
  warnings: { name: string; ts: string; message: string; category: string }[];
}
const extra = fixture<Extra>('layers_b_extra.json');

describe('layers_b warnings', () => {
  test.each(extra.warnings.map((w) => [w.name, w] as const))('%s', (_n, w) => {
    const seen: [string, string | undefined][] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((msg: string | Error, category?: string) => {
      seen.push([typeof msg === 'string' ? msg : msg.message, category]);
    }) as typeof process.emitWarning);
    try {
      evaluate(w.ts);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual([[w.message, w.category]]);
  });
});
