// What every torchvision model test checks against torchvision itself (scripts/fixtures/vision_models.py
// records it): print(model), the state_dict's names, shapes and dtypes, the seeded initial weights
// (per-entry float64 sum and sum of squares) and an eval forward after the buffers are redrawn.
import * as torch from '../../lib';
import { fixture } from '../helpers';

const { models } = torch.vision;

interface Case {
  builder: string;
  kwargs: Record<string, unknown>;
  side: number;
  repr: string;
  state: [string, number[], string][];
  checksums: [number, number][];
  output: number[];
  /** For a model giving a dict: its keys, and its 'aux' output when it has one. */
  keys?: string[];
  aux?: number[];
}

const camel = (k: string): string => k.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function perturbBuffers(model: torch.nn.Module): void {
  torch.manualSeed(1);
  for (const [name, b] of model.namedBuffers()) {
    if (!b.dtype.isFloatingPoint) continue;
    if (name.endsWith('running_var')) b.uniform_(0.5, 1.5);
    else b.uniform_(-0.2, 0.2);
  }
}

/**
 * The float64 sum and sum of squares of `t`, a million elements at a time (converting a whole
 * 100M-element weight to float64 at once costs far more than the sums).
 */
function checksum(t: torch.Tensor): [number, number] {
  return torch.tidy(() => {
    let sum = 0;
    let sumsq = 0;
    for (const chunk of t.flatten().split(1 << 20)) {
      const d = chunk.double();
      sum += d.sum().item() as number;
      sumsq += torch.dot(d, d).item() as number;
      d.dispose();
    }
    return [sum, sumsq] as [number, number];
  });
}

const close = (a: number, b: number, rtol: number): boolean => Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b));

/**
 * One test per model of the fixture file `fixtureName`, written by scripts/fixtures/vision*.py.
 * Called at a file's top level, its one-thread hooks cover the whole file (and are its only ones:
 * a second save/restore pair around them would restore in the wrong order).
 */
export function checkModels(fixtureName: string): void {
  const cases = fixture<Record<string, Case>>(fixtureName);
  // One intra-op thread: beside the other jest worker on two cores, a second thread makes these
  // models' many small matmuls and convolutions cost several times the CPU. Restored afterwards for
  // the other files this jest worker runs.
  let threads: number;
  beforeAll(() => {
    threads = torch.getNumThreads();
    torch.setNumThreads(1);
  });
  afterAll(() => torch.setNumThreads(threads));
  describe.each(Object.keys(cases))('%s', (name) => {
    const c = cases[name]!;
    test('repr, state_dict layout, seeded init and eval forward match torchvision', () => {
      const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), v]));
      torch.manualSeed(0);
      const model = models.getModel(c.builder, kwargs);
      try {
        expect(String(model)).toBe(c.repr);
        const sd = model.stateDict();
        expect([...sd].map(([k, v]) => [k, [...v.shape], v.dtype.name])).toEqual(c.state);
        const bad: string[] = [];
        [...sd.values()].forEach((v, i) => {
          const [s, s2] = checksum(v);
          const [sum, sumsq] = c.checksums[i]!;
          if (!close(s, sum, 1e-9) || !close(s2, sumsq, 1e-9)) bad.push(`${c.state[i]![0]}: ${s}, ${s2} vs ${sum}, ${sumsq}`);
        });
        expect(bad).toEqual([]);
        perturbBuffers(model);
        model.eval();
        const x = torch.rand(1, 3, c.side, c.side);
        const y = torch.noGrad(() => model.call(x) as torch.Tensor | Map<string, torch.Tensor>);
        // A model giving a dict (the segmentation models) is compared on its 'out' (and 'aux').
        if (y instanceof Map) expect([...y.keys()]).toEqual(c.keys);
        const pairs: [torch.Tensor, number[]][] = y instanceof Map ? [[y.get('out')!, c.output]] : [[y, c.output]];
        if (y instanceof Map && c.aux !== undefined) pairs.push([y.get('aux')!, c.aux]);
        for (const [t, expected] of pairs) {
          const out = t.flatten().tolist() as number[];
          expect(out.length).toBe(expected.length);
          const scale = Math.max(1, ...expected.map(Math.abs));
          const worst = Math.max(...out.map((v, i) => Math.abs(v - expected[i]!)));
          expect(worst / scale).toBeLessThan(1e-4);
        }
      } finally {
        model.dispose();
      }
    });
  });
}
