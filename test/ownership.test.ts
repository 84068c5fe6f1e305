// Who owns a tensor (issue 11, items 1 and 2): a Module its parameters and buffers, a tensor its
// .grad; no tidy() scope they happened to be created in frees them, and the accessors return the
// same JS object on every read. Expected values come from running the same model outside a scope.
import * as torch from '../lib';

const { nn } = torch;

function model(): torch.nn.Sequential {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU());
}
const input = (): torch.Tensor => (torch.manualSeed(1), torch.randn(2, 3, 5, 5));

describe('ownership', () => {
  test('a model built inside tidy works after it, with the values it was built with', () => {
    const reference = model();
    const expected = reference.call(input()).tolist();
    const built = torch.tidy(() => model());
    expect(built.call(input()).tolist()).toEqual(expected); // BatchNorm's buffers survived the scope
    for (const b of built.buffers()) expect(b.isDisposed).toBe(false);
  });

  test('buffers registered or replaced inside tidy belong to the module', () => {
    const m = new nn.BatchNorm2d(2);
    torch.tidy(() => m.registerBuffer('extra', torch.ones(2)));
    torch.tidy(() => {
      m.running_mean = torch.full([2], torch.pyFloat(3));
    });
    torch.tidy(() => m.double()); // _apply replaces every buffer
    expect(m.getBuffer('extra').tolist()).toEqual([1, 1]);
    expect(m.running_mean!.tolist()).toEqual([3, 3]);
    expect(m.running_mean!.dtype).toBe(torch.float64);
  });

  test('loadStateDict inside tidy keeps the loaded values', () => {
    const source = model();
    const target = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU());
    torch.tidy(() => {
      target.loadStateDict(new Map([...source.stateDict()].map(([k, v]) => [k, v.clone()])));
    });
    for (const [k, v] of source.stateDict()) expect(torch.equal(target.stateDict().get(k)!, v)).toBe(true);
  });

  test('state an optimizer-like holder creates inside per-step scopes survives them', () => {
    // A stand-in for optimizer state (momentum buffers), created lazily inside each step's scope.
    const w = new nn.Parameter(torch.ones(3));
    const state = new Map<torch.Tensor, torch.Tensor>();
    for (let step = 0; step < 3; step++) {
      torch.tidy(() => {
        w.grad = torch.full([3], step + 1, { dtype: torch.float32 });
        let buf = state.get(w);
        if (buf === undefined) state.set(w, (buf = torch.keep(torch.zerosLike(w))));
        buf.mul_(0.9).add_(w.grad!);
      });
    }
    expect(state.get(w)!.isDisposed).toBe(false);
    expect((state.get(w)!.tolist() as number[])[0]).toBeCloseTo(0.81 * 1 + 0.9 * 2 + 3, 5);
  });

  test('module.dispose() frees exactly what the module owns: its parameters, their gradients, its buffers', () => {
    const m = torch.tidy(() => {
      const net = model();
      net.call(input()).sum().backward();
      return net;
    });
    const owned = [...m.parameters(), ...[...m.parameters()].map((p) => p.grad!), ...m.buffers()];
    const before = torch.memory();
    m.dispose();
    const after = torch.memory();
    expect(owned.every((t) => t.isDisposed)).toBe(true);
    expect(before.liveTensors - after.liveTensors).toBe(owned.length);
    expect(after.liveBytes).toBeLessThan(before.liveBytes);
  });
});

describe('identity', () => {
  test('p.grad === p.grad while the gradient lives, a new object once it is replaced', () => {
    const p = new nn.Parameter(torch.ones(2));
    expect(p.grad).toBeNull();
    p.mul(2).sum().backward();
    const g = p.grad;
    expect(g).not.toBeNull();
    expect(p.grad).toBe(g);
    p.mul(3).sum().backward(); // accumulates into the same gradient
    expect(p.grad).toBe(g);
    expect(g!.tolist()).toEqual([5, 5]);
    p.grad = null;
    expect(p.grad).toBeNull();
    p.sum().backward();
    expect(p.grad).not.toBe(g);
    expect(p.grad!.tolist()).toEqual([1, 1]);
  });

  test('a gradient read inside tidy is not freed by it', () => {
    const p = new nn.Parameter(torch.ones(2));
    torch.tidy(() => {
      p.mul(2).sum().backward();
      return p.grad!.sum().item();
    });
    expect(p.grad!.isDisposed).toBe(false);
    expect(p.grad!.tolist()).toEqual([2, 2]);
  });

  test("a module's parameters and buffers are the same objects on every read", () => {
    const m = new nn.BatchNorm2d(3);
    expect(m.weight).toBe(m.weight);
    expect(m.running_mean).toBe(m.running_mean);
    expect([...m.parameters()][0]).toBe(m.weight);
    expect(m.stateDict({ keepVars: true }).get('running_var')).toBe(m.running_var);
  });
});

describe('Tensor.registerHook', () => {
  test('sees the gradient during backward, can replace it, and is removed by its handle', () => {
    // PyTorch: x = ones(3, requires_grad=True); y = x * 2; y.register_hook(lambda g: g * 10);
    // y.sum().backward() -> x.grad == [20, 20, 20]
    const x = torch.ones(3, { requiresGrad: true });
    const y = x.mul(2);
    const seen: number[][] = [];
    const h1 = y.registerHook((g) => {
      seen.push(g.tolist() as number[]);
    });
    const h2 = y.registerHook((g) => g.mul(10));
    y.sum().backward({ retainGraph: true });
    expect(seen).toEqual([[1, 1, 1]]);
    expect(x.grad!.tolist()).toEqual([20, 20, 20]);
    h2.remove();
    h1.remove();
    x.grad = null;
    y.sum().backward();
    expect(seen.length).toBe(1);
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });

  test('an error in a hook reaches the caller of backward; tensors without grad refuse hooks', () => {
    const x = torch.ones(2, { requiresGrad: true });
    x.registerHook(() => {
      throw new Error('hook failed');
    });
    expect(() => x.sum().backward()).toThrow('hook failed');
    expect(() => torch.ones(2).registerHook(() => undefined)).toThrow("cannot register a hook on a tensor that doesn't require gradient");
  });
});
