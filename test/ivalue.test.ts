// The one JS <-> IValue converter (native/ivalue.cc) end to end against PyTorch
// (scripts/fixtures/ivalue.py): a TorchScript module's methods take and return nested
// Dict[str, List[Tuple[Tensor, Optional[int]]]], torch.device, torch.dtype and torch.Generator
// with Python's results and Python's messages for mismatched arguments; callOp, through the same
// converter under the argument parser's rules, accepts what it accepted before (lowered values,
// wrapped numbers, one int for int[2]) and now lib's objects too; AOTI-style tensor lists and the
// tracer's inferred inputs go through it as well.
import * as path from 'path';
import * as torch from '../lib';
import { expectClose, expectError, fixture } from './helpers';

type Err = { type: string; message: string };
const fx = fixture<{
  nested: Record<string, [unknown, number | null][]>;
  nestedDtypes: Record<string, string[]>;
  place: { values: number[]; dtype: string; device: string; returnedDtype: string };
  draw: number[];
  twice: [number, number][];
  errors: Record<'nestedValue' | 'nestedKey' | 'dtypeAsString' | 'generatorAsInt' | 'deviceAsInt', Err>;
  ops: {
    mulByInt: { values: number[]; dtype: string };
    mulByFloat: { values: number[]; dtype: string };
    avgPoolOneInt: unknown;
    sumDims: unknown;
    flipBadElement: Err;
    flipNotList: Err;
    addStr: Err;
    selectDtype: Err;
  };
}>('ivalue.json');
const shapes = torch.jit.load(path.join(__dirname, 'fixtures', 'generated', 'ivalue', 'shapes.pt'));
const { callOp } = torch.native;

describe('TorchScript methods through the shared converter', () => {
  test('nested Dict[str, List[Tuple[Tensor, Optional[int]]]] in and out (a Map or a plain object)', () => {
    const a = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    const b = torch.arange(3, { dtype: torch.int64 });
    for (const input of [new Map<string, unknown>([['a', [[a, 2], [b, null]]], ['b', []], ['c', [[b, -3]]]]), { a: [[a, 2], [b, null]], b: [], c: [[b, -3]] }]) {
      const out = shapes.forward(input) as Map<string, [torch.Tensor, number | null][]>;
      expect(out).toBeInstanceOf(Map);
      expect([...out.keys()]).toEqual(Object.keys(fx.nested));
      for (const [k, row] of out) {
        expect(row.map(([t, n]) => [t.tolist(), n])).toEqual(fx.nested[k]);
        expect(row.map(([t]) => String(t.dtype))).toEqual(fx.nestedDtypes[k]);
      }
    }
  });

  test('torch.device and torch.dtype arguments, a Tuple[Tensor, device, dtype] result', () => {
    for (const device of [new torch.Device('cpu'), 'cpu']) {
      const [y, d, dtype] = shapes.runMethod('place', torch.arange(4), device, torch.float64) as [torch.Tensor, torch.Device, unknown];
      expect(y.tolist()).toEqual(fx.place.values);
      expect(String(y.dtype)).toBe(fx.place.dtype);
      expect(d).toBeInstanceOf(torch.Device);
      expect(String(d)).toBe(fx.place.device);
      // TorchScript types a dtype as int: Python gets the code back, so does JS.
      expect(String(dtype)).toBe(fx.place.returnedDtype);
    }
  });

  test('a torch.Generator argument draws what Python draws', () => {
    const g = new torch.Generator().manualSeed(7);
    expectClose((shapes.runMethod('draw', g, 5) as torch.Tensor).tolist(), fx.draw);
  });

  test("mismatched arguments give TorchScript's messages", () => {
    const a = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    expectError(() => shapes.forward({ a: [[a, 'x']] }), fx.errors.nestedValue.message);
    expectError(() => shapes.forward(new Map([[1, [[a, 1]]]])), fx.errors.nestedKey.message);
    expectError(() => shapes.runMethod('place', a, 'cpu', 'float'), fx.errors.dtypeAsString.message);
    expectError(() => shapes.runMethod('draw', 5, 3), fx.errors.generatorAsInt.message);
    expectError(() => shapes.runMethod('place', a, 0.5, torch.float32), fx.errors.deviceAsInt.message);
  });
});

describe('callOp through the shared converter', () => {
  const i = torch.arange(4);
  const x = torch.arange(16, { dtype: torch.float32 }).reshape(1, 1, 4, 4);

  test('lowered values as before: wrapped numbers, a Python float box, one int for int[2], int lists', () => {
    const mul = torch.op('aten::mul.Tensor');
    const byInt = new torch.Tensor(callOp(mul, i._h, 2) as never);
    expect([byInt.tolist(), String(byInt.dtype)]).toEqual([fx.ops.mulByInt.values, fx.ops.mulByInt.dtype]);
    const byFloat = new torch.Tensor(callOp(mul, i._h, new Float64Array([2])) as never);
    expect([byFloat.tolist(), String(byFloat.dtype)]).toEqual([fx.ops.mulByFloat.values, fx.ops.mulByFloat.dtype]);
    expect(new torch.Tensor(callOp(torch.op('aten::avg_pool2d'), x._h, 2) as never).tolist()).toEqual(fx.ops.avgPoolOneInt);
    expect(new torch.Tensor(callOp(torch.op('aten::sum.dim_IntList'), x._h, [2, 3], true) as never).tolist()).toEqual(fx.ops.sumDims);
  });

  test("lib's objects are accepted where lowered values are: a Tensor, a PyFloat, a DType, a Device", () => {
    const mul = torch.op('aten::mul.Tensor');
    const byFloat = new torch.Tensor(callOp(mul, i, torch.pyFloat(2)) as never);
    expect([byFloat.tolist(), String(byFloat.dtype)]).toEqual([fx.ops.mulByFloat.values, fx.ops.mulByFloat.dtype]);
    const to = torch.op('aten::to.dtype_layout');
    const moved = new torch.Tensor(callOp(to, i, torch.float64, undefined, new torch.Device('cpu')) as never);
    expect(String(moved.dtype)).toBe('torch.float64');
    const lowered = new torch.Tensor(callOp(to, i._h, torch.float64.code, undefined, 'cpu') as never);
    expect(moved.tolist()).toEqual(lowered.tolist());
  });

  test('a complex argument: lib\'s Complex, a [re, im] box or a real number; [re, im] back', () => {
    const given = [new torch.Complex(1, 2), 3, 0.5];
    expect(given.map((z) => shapes.runMethod('twice', z))).toEqual(fx.twice);
    expect(shapes.runMethod('twice', new Float64Array([1, 2]))).toEqual(fx.twice[0]);
  });

  test('a throwing element getter rethrows its own Error, in callOp and in TorchScript', () => {
    const dims = [2, 3];
    Object.defineProperty(dims, 0, { get: () => { throw new Error('boom from a getter'); } });
    expect(() => callOp(torch.op('aten::sum.dim_IntList'), x._h, dims)).toThrow('boom from a getter');
    const row: unknown[] = [[torch.arange(3), 1]];
    Object.defineProperty(row, 0, { get: () => { throw new Error('boom again'); } });
    expect(() => shapes.forward(new Map([['a', row]]))).toThrow('boom again');
  });

  test("Python's argument-parser messages", () => {
    expectError(() => callOp(torch.op('aten::select.int'), x._h, 0, torch.float32), fx.ops.selectDtype.message, 'TypeError');
    const flip = torch.op('aten::flip');
    expectError(() => callOp(flip, x._h, ['a']), fx.ops.flipBadElement.message, 'TypeError');
    expectError(() => callOp(flip, x._h, 'a'), fx.ops.flipNotList.message, 'TypeError');
    expectError(() => callOp(torch.op('aten::add.Tensor'), x._h, 'a'), fx.ops.addStr.message, 'TypeError');
  });
});
