// torch.autocast and torch.amp against PyTorch (scripts/fixtures/amp.py): a small model's outputs
// and gradients under CPU autocast, ops from libtorch's casting lists in bfloat16 and float16,
// nesting and the state functions, PyTorch's warnings and errors.
import * as path from 'path';
import * as torch from '../lib';
import { expectError, fixture, recordWarnings } from './helpers';

const { nn } = torch;
const F = torch.nn.functional;
type Dict = Map<string, torch.Tensor>;
const saved = torch.load(path.join(__dirname, 'fixtures', 'generated', 'amp_autocast.pth')) as Map<string, torch.Tensor & Dict>;
const json = fixture<{ autocast: Record<string, any> }>('amp.json').autocast; // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (k: string) => saved.get(k) as torch.Tensor;
const expected = saved.get('tensors') as Dict;

function expectSame(actual: torch.Tensor, want: torch.Tensor, where: string): void {
  expect(`${where}: ${String(actual.dtype)}`).toBe(`${where}: ${String(want.dtype)}`);
  expect([...actual.shape]).toEqual([...want.shape]);
  expect(actual.float().tolist()).toEqual(want.float().tolist());
}

function ops(): Record<string, torch.Tensor> {
  const [a, b, c] = [T('a'), T('b'), T('c')];
  const mm = torch.mm(a, b);
  return {
    mm,
    matmul: a.matmul(b),
    addmm: torch.addmm(c, a, b),
    add: mm.add(c),
    cat: torch.cat([mm, c]),
    softmax: torch.softmax(mm, 1),
    mse_loss: F.mseLoss(mm, c),
    cdist: torch.cdist(a, a),
    relu: torch.relu(mm),
  };
}

function makeModel(): torch.nn.Sequential {
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 8), new nn.LayerNorm(8), new nn.Linear(8, 3));
  model.loadStateDict(saved.get('state_dict') as Dict);
  return model;
}

describe('CPU autocast (bfloat16) matches PyTorch', () => {
  test("a small model's output, loss and gradients: dtypes and values", () => {
    const model = makeModel();
    const loss = torch.autocast('cpu', { dtype: torch.bfloat16 }, () => {
      const y = model.forward(T('x'));
      expectSame(y, expected.get('output')!, 'output');
      return F.crossEntropy(y, T('target'));
    });
    expectSame(loss, expected.get('loss')!, 'loss');
    loss.backward();
    const grads = saved.get('grads') as Dict;
    for (const [name, p] of model.namedParameters()) {
      expect(`${name}: ${String(p.grad!.dtype)}`).toBe(`${name}: ${json.grad_dtypes[name]}`);
      expectSame(p.grad!, grads.get(name)!, name);
    }
  });

  test('ops of the lower-precision, float32 and promote lists, in bfloat16 and float16', () => {
    for (const [prefix, dtype] of [['bf16_', torch.bfloat16], ['fp16_', torch.float16]] as const) {
      const ours = torch.autocast('cpu', { dtype }, ops);
      for (const [k, v] of Object.entries(ours)) {
        expect(`${prefix}${k}: ${String(v.dtype)}`).toBe(`${prefix}${k}: ${json.dtypes[prefix + k]}`);
        expectSame(v, expected.get(prefix + k)!, prefix + k);
      }
    }
  });

  test('state inside, nested enabled: false, and restored after (also after a throw)', () => {
    expect([torch.isAutocastEnabled('cpu'), String(torch.getAutocastDtype('cpu')), String(torch.getAutocastDtype('cuda'))]).toEqual(json.outside);
    torch.autocast('cpu', { dtype: torch.bfloat16 }, () => {
      expect([torch.isAutocastEnabled('cpu'), String(torch.getAutocastDtype('cpu'))]).toEqual(json.inside);
      torch.autocast('cpu', { enabled: false }, () => {
        expect(torch.isAutocastEnabled('cpu')).toBe(json.nested_off);
        expectSame(torch.mm(T('a'), T('b')), expected.get('disabled_mm')!, 'disabled_mm');
      });
      expect(torch.isAutocastEnabled('cpu')).toBe(json.after_nested);
    });
    expect(() => torch.autocast('cpu', () => {
      throw new Error('inside');
    })).toThrow('inside');
    expect([torch.isAutocastEnabled('cpu'), String(torch.getAutocastDtype('cpu'))]).toEqual(json.outside.slice(0, 2));
    // torch.amp.autocast is the same scope; the return value is fn's.
    expect(torch.amp.autocast('cpu', () => torch.mm(T('a'), T('b')).dtype)).toBe(torch.bfloat16);
    expect(torch.amp.isAutocastAvailable('cpu')).toBe(true);
  });

  test("an unsupported dtype warns and disables autocast, as PyTorch's", () => {
    let enabled: boolean | undefined;
    let dtype: string | undefined;
    const warnings = recordWarnings(() => torch.autocast('cpu', { dtype: torch.float64 }, () => {
      enabled = torch.isAutocastEnabled('cpu');
      dtype = String(torch.mm(T('a'), T('b')).dtype);
    }));
    expect(enabled).toBe(json.float64_enabled);
    expect(dtype).toBe(json.float64_mm);
    expect(warnings).toEqual(json.float64_warning.map((m: string) => [m, 'UserWarning']));
  });

  test('bad arguments', () => {
    expectError(() => torch.autocast(3 as unknown as string, () => 1), json.device_type_error, 'RangeError');
    expectError(() => torch.autocast('cpu', { dtyp: torch.bfloat16 } as never, () => 1), "autocast() got an unexpected keyword argument 'dtyp'");
    expectError(() => torch.autocast('cpu', async () => 1), 'fn must be synchronous');
  });
});
