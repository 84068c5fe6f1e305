// torch.func.functionalCall / stackModuleState and the deprecated torch.nn.utils.stateless
// against real PyTorch (scripts/fixtures/func.py): outputs and gradients with swapped-in
// parameters and buffers, the module's own tensors put back, tied weights, strict key checks,
// buffers updated in place, keyword arguments, a parametrized module, PyTorch's errors.
import * as torch from '../lib';
import { fixture } from './helpers';
import { pthFixture, sameError } from './pth_expected';

const { nn } = torch;
type Tensor = torch.Tensor;

const { expected, same } = pthFixture('func.pth');
const J = fixture<Record<string, any>>('func.json');

class Tied extends nn.Module {
  a = new nn.Linear(3, 3);
  b = new nn.Linear(3, 3);
  constructor() {
    super();
    this.b.weight = this.a.weight;
  }
  override forward(x: Tensor): Tensor {
    return this.b.call(this.a.call(x));
  }
}
class Scaled extends nn.Module {
  lin = new nn.Linear(3, 2);
  override forward(x: Tensor, options: { scale?: number } = {}): Tensor {
    return this.lin.call(x).mul(options.scale ?? 1.0);
  }
}

function model(): torch.nn.Sequential {
  torch.manualSeed(20);
  return new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
}
const names = ['0.weight', '0.bias', '2.weight', '2.bias'];
const givenParams = (): Map<string, Tensor> => new Map(names.map((k) => [k, expected(`params.${k}`).clone().requiresGrad_()]));

describe('functionalCall', () => {
  test('outputs and gradients come from the given tensors; the module keeps its own', () => {
    const m = model();
    const x = expected('x');
    const own = [...m.parameters()];
    same(m.call(x), 'own_y');
    const params = givenParams();
    const y = torch.func.functionalCall(m, params, [x]) as Tensor;
    y.sum().backward();
    same(y, 'y');
    for (const k of names) same(params.get(k)!.grad, `grad.${k}`);
    expect(m.parameters().next().value!.grad === null).toBe(J.own_grads_none);
    expect([...m.parameters()]).toEqual(own);
    expect((m as any)[0].weight).toBe(own[0]);
    same(torch.func.functionalCall(m, { '0.weight': params.get('0.weight')! }, x) as Tensor, 'partial_y');
    same(m.call(x), 'after_y');
    same(torch.func.functionalCall(m, [{ '0.weight': params.get('0.weight')! }, new Map([['2.bias', params.get('2.bias')!]])], [x]) as Tensor, 'list_y');
    same(torch.func.functionalCall(m, params, [x], null, { strict: true }) as Tensor, 'strict_y');
    same(torch.func.functionalCall(m, { '0.extra': x }, [x]) as Tensor, 'extra_y');
    expect('extra' in (m as any)[0]).toBe(J.extra_after);
  });

  test("PyTorch's errors; the module is restored after one", () => {
    const m = model();
    const x = expected('x');
    const params = givenParams();
    sameError(() => torch.func.functionalCall(m, [{ '0.weight': x }, { '0.weight': x }], [x]), J.err_repeated);
    sameError(() => torch.func.functionalCall(m, [{ '0.weight': x }, 3 as unknown as Map<string, Tensor>], [x]), J.err_not_dicts);
    sameError(() => torch.func.functionalCall(m, 3 as unknown as Map<string, Tensor>, [x]), J.err_not_dict);
    sameError(() => torch.func.functionalCall(m, { '0.weight': params.get('0.weight')! }, [x], null, { strict: true }), J.err_strict_missing);
    const extra = new Map([...params, ['0.foo', x], ['1.bar', x]]);
    sameError(() => torch.func.functionalCall(m, extra, [x], null, { strict: true }), J.err_strict_unexpected);
    const own = (m as any)[0].weight;
    expect(() => torch.func.functionalCall(m, { '0.weight': torch.ones(2, 2) }, [x])).toThrow();
    expect((m as any)[0].weight).toBe(own);
    same(m.call(x), 'own_y');
  });

  test('given buffers are the ones a training BatchNorm updates', () => {
    torch.manualSeed(21);
    const bn = new nn.BatchNorm1d(3);
    const rm = expected('bn.rm').clone();
    const rv = expected('bn.rv').clone();
    const given = { running_mean: rm, running_var: rv };
    same(torch.func.functionalCall(bn, given, [expected('bn.x')]) as Tensor, 'bn.y');
    same(rm, 'bn.rm_after');
    same(rv, 'bn.rv_after');
    expect(given.running_mean === rm).toBe(J.bn_same_objects);
    same(bn.running_mean, 'bn.own_rm');
    same(bn.num_batches_tracked, 'bn.own_nbt');
  });

  test('tied weights: one value serves every name unless tieWeights is false', () => {
    torch.manualSeed(22);
    const t = new Tied();
    const w = expected('tied.w');
    const x = expected('tied.x');
    same(torch.func.functionalCall(t, { 'a.weight': w }, [x]) as Tensor, 'tied.y');
    same(torch.func.functionalCall(t, { 'a.weight': w }, [x], null, { tieWeights: false }) as Tensor, 'tied.untied_y');
    same(torch.func.functionalCall(t, { 'a.weight': w, 'b.weight': w }, [x]) as Tensor, 'tied.both_y');
    sameError(() => torch.func.functionalCall(t, { 'a.weight': w, 'b.weight': w.clone() }, [x]), J.err_tied);
    expect(t.b.weight).toBe(t.a.weight);
  });

  test('kwargs reach forward as its options; a parametrized module swaps its original', () => {
    torch.manualSeed(23);
    const s = new Scaled();
    same(torch.func.functionalCall(s, { 'lin.weight': expected('kw.w') }, [expected('kw.x')], { scale: 3.0 }) as Tensor, 'kw.y');
    torch.manualSeed(24);
    const pm = nn.utils.parametrize.registerParametrization(new nn.Linear(3, 3), 'weight', new nn.Tanh());
    same(torch.func.functionalCall(pm, { 'parametrizations.weight.original': expected('pz.orig') }, [expected('kw.x')]) as Tensor, 'pz.y');
  });

  test('nn.utils.stateless.functionalCall: the same, with its FutureWarning', () => {
    const m = model();
    const messages: string[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => void messages.push(String(w)));
    let y: Tensor;
    try {
      y = nn.utils.stateless.functionalCall(m, givenParams(), [expected('x')]) as Tensor;
    } finally {
      spy.mockRestore();
    }
    same(y, 'y');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0');
  });

  test("Python's argument rules", () => {
    const m = model();
    expect(() => (torch.func.functionalCall as (...a: unknown[]) => unknown)(m, {}, [expected('x')], null, { tie_weights: true })).toThrow(
      "functional_call() got an unexpected keyword argument 'tie_weights'",
    );
  });
});

describe('stackModuleState', () => {
  test('stacked leaves by name; PyTorch errors', () => {
    torch.manualSeed(25);
    const models = [0, 1, 2].map(() => new nn.Linear(2, 2));
    const [params, buffers] = torch.func.stackModuleState(models);
    for (const [k, v] of params) same(v, `stack.${k}`);
    const [pk, bk, requiresGrad, leaf] = J.stack_keys as [string[], string[], boolean[], boolean[]];
    expect([...params.keys()]).toEqual(pk);
    expect([...buffers.keys()]).toEqual(bk);
    expect([...params.values()].map((v) => v.requiresGrad)).toEqual(requiresGrad);
    expect([...params.values()].map((v) => v.isLeaf)).toEqual(leaf);
    expect(torch.func.stackModuleState([new nn.BatchNorm1d(2), new nn.BatchNorm1d(2)]).map((d) => [...d.keys()])).toEqual(J.stack_bn_keys);
    sameError(() => torch.func.stackModuleState([]), J.err_stack_empty);
    sameError(() => torch.func.stackModuleState([new nn.Linear(2, 2), new nn.Linear(2, 2).eval()]), J.err_stack_mode);
    sameError(() => torch.func.stackModuleState([new nn.Linear(2, 2), new nn.Bilinear(2, 2, 2)]), J.err_stack_class);
  });
});
