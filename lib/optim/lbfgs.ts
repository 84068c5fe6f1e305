// torch/optim/lbfgs.py: L-BFGS, with the strong-Wolfe line search. The values Python mixes
// (floats, 0-dim tensors from dot products) keep Python's types here: arithmetic and comparisons
// with a tensor on either side are tensor ops, as in Python.
import { cat, viewAsReal } from '../generated/torch';
import { contiguousFormat } from '../layout';
import { noGrad, enableGrad } from '../autograd';
import { pySignature } from '../python_signature';
import { isMarkedFloat, markFloat, unmarkFloat } from '../serialization/pickle';
import { Tensor } from '../tensor';
import {
  Optimizer, _toScalar, isSparse, num, pyFormat, sAdd, sDiv, sMul, sNeg, sPow, sSub, type NumberOrTensor, type ParamsT, type StepClosure,
} from './optimizer';

const LBFGS_INIT = pySignature(
  'LBFGS.__init__',
  'self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None',
  { floatDefaults: true },
);

export interface LBFGSOptions {
  lr?: number | Tensor;
  maxIter?: number;
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: 'strong_wolfe' | null;
}

type V = NumberOrTensor;
/** Python's truth of a comparison result (a bool tensor's item). */
const truth = (x: boolean | Tensor): boolean => (x instanceof Tensor ? Boolean(x.item()) : x);
const gt = (a: V, b: V): boolean => truth(a instanceof Tensor ? a.gt(b as number) : b instanceof Tensor ? b.lt(a) : a > b);
const lt = (a: V, b: V): boolean => gt(b, a);
const ge = (a: V, b: V): boolean => truth(a instanceof Tensor ? a.ge(b as number) : b instanceof Tensor ? b.le(a) : a >= b);
const le = (a: V, b: V): boolean => ge(b, a);
const pyAbs = (a: V): V => (a instanceof Tensor ? a.abs() : Math.abs(a));
/** Python's max(a, b) / min(a, b): the first argument unless the second is strictly greater / smaller. */
const pyMax = (...xs: V[]): V => xs.reduce((m, x) => (gt(x, m) ? x : m));
const pyMin = (...xs: V[]): V => xs.reduce((m, x) => (lt(x, m) ? x : m));

function cubicInterpolate(x1: V, f1: V, g1: V, x2: V, f2: V, g2: V, bounds: [V, V] | null = null): V {
  const [xminBound, xmaxBound] = bounds !== null ? bounds : le(x1, x2) ? [x1, x2] : [x2, x1];
  const d1 = sSub(sAdd(g1, g2), sDiv(sMul(3, sSub(f1, f2)), sSub(x1, x2)));
  const d2Square = sSub(sPow(d1, 2), sMul(g1, g2));
  if (ge(d2Square, 0)) {
    const d2 = d2Square instanceof Tensor ? d2Square.sqrt() : Math.sqrt(d2Square);
    const minPos = le(x1, x2)
      ? sSub(x2, sMul(sSub(x2, x1), sDiv(sSub(sAdd(g2, d2), d1), sAdd(sSub(g2, g1), sMul(2, d2)))))
      : sSub(x1, sMul(sSub(x1, x2), sDiv(sSub(sAdd(g1, d2), d1), sAdd(sSub(g1, g2), sMul(2, d2)))));
    return pyMin(pyMax(minPos, xminBound), xmaxBound);
  }
  return sDiv(sAdd(xminBound, xmaxBound), 2);
}

type ObjFunc = (x: Tensor[], t: V, d: Tensor) => [number, Tensor];

function strongWolfe(objFunc: ObjFunc, x: Tensor[], t0: V, d: Tensor, f: number, g0: Tensor, gtd: V, maxLs = 25, c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9): [number, Tensor, V, number] {
  let t = t0;
  const dNorm = d.abs().max();
  const g = g0.clone({ memoryFormat: contiguousFormat });
  let [fNew, gNew] = objFunc(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew: V = gNew.dot(d);
  let [tPrev, fPrev, gPrev, gtdPrev]: [V, number, Tensor, V] = [0, f, g, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: V[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: V[] = [];
  while (lsIter < maxLs) {
    if (gt(fNew, sAdd(f, sMul(sMul(c1, t), gtd))) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone({ memoryFormat: contiguousFormat })], [gtdPrev, gtdNew]];
      break;
    }
    if (le(pyAbs(gtdNew), sMul(-c2, gtd))) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (ge(gtdNew, 0)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone({ memoryFormat: contiguousFormat })], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = sAdd(t, sMul(0.01, sSub(t, tPrev)));
    const maxStep = sMul(t, 10);
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone({ memoryFormat: contiguousFormat });
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d);
    lsIter += 1;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (lt(sMul(pyAbs(sSub(bracket[1]!, bracket[0]!)), dNorm), toleranceChange)) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const hi = pyMax(...bracket);
    const lo = pyMin(...bracket);
    const eps = sMul(0.1, sSub(hi, lo));
    if (lt(pyMin(sSub(hi, t), sSub(t, lo)), eps)) {
      if (insufProgress || ge(t, hi) || le(t, lo)) {
        t = lt(pyAbs(sSub(t, hi)), pyAbs(sSub(t, lo))) ? sSub(hi, eps) : sAdd(lo, eps);
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d);
    lsIter += 1;
    if (gt(fNew, sAdd(f, sMul(sMul(c1, t), gtd))) || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.clone({ memoryFormat: contiguousFormat });
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (le(pyAbs(gtdNew), sMul(-c2, gtd))) {
        done = true;
      } else if (ge(sMul(gtdNew, sSub(bracket[highPos]!, bracket[lowPos]!)), 0)) {
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.clone({ memoryFormat: contiguousFormat });
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}

export class LBFGS extends Optimizer {
  _params: Tensor[];
  private _numelCache: number | null = null;

  constructor(params: ParamsT, options?: LBFGSOptions);
  constructor(params: ParamsT, ...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = LBFGS_INIT<Required<LBFGSOptions> & { params: ParamsT }>(args);
    if (a.lr instanceof Tensor && a.lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(0 <= num(a.lr))) throw new RangeError(`Invalid learning rate: ${pyFormat(a.lr)}`);
    // Python's floor division of ints.
    const maxEval = a.maxEval ?? Math.floor((num(a.maxIter) * 5) / 4);
    super(a.params, {
      lr: a.lr, maxIter: a.maxIter, maxEval, toleranceGrad: a.toleranceGrad, toleranceChange: a.toleranceChange, historySize: a.historySize,
      lineSearchFn: a.lineSearchFn,
    });
    if (this.paramGroups.length !== 1) throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
    this._params = this.paramGroups[0]!.params;
  }

  private _numel(): number {
    this._numelCache ??= this._params.reduce((n, p) => n + (p.dtype.isComplex ? 2 * p.numel() : p.numel()), 0);
    return this._numelCache;
  }

  private _gatherFlatGrad(): Tensor {
    const views = this._params.map((p) => {
      const g = p.grad;
      let view = g === null ? p.newZeros([p.numel()]) : isSparse(g) ? g.toDense().view(-1) : g.view(-1);
      if (view.dtype.isComplex) view = viewAsReal(view).view(-1);
      return view;
    });
    return cat(views, 0);
  }

  private _addGrad(stepSize: V, update: Tensor): void {
    let offset = 0;
    for (const param of this._params) {
      const p = param.dtype.isComplex ? viewAsReal(param) : param;
      const n = p.numel();
      p.add_(update.get(`${offset}:${offset + n}`).viewAs(p), { alpha: num(stepSize) });
      offset += n;
    }
    if (offset !== this._numel()) throw new Error(`Expected offset ${offset} to equal ${this._numel()}`);
  }

  private _cloneParam(): Tensor[] {
    return this._params.map((p) => p.clone({ memoryFormat: contiguousFormat }));
  }

  private _setParam(data: Tensor[]): void {
    this._params.forEach((p, i) => p.copy_(data[i]!));
  }

  private _directionalEvaluate(closure: () => unknown, x: Tensor[], t: V, d: Tensor): [number, Tensor] {
    this._addGrad(t, d);
    const loss = num(closure());
    const flatGrad = this._gatherFlatGrad();
    this._setParam(x);
    return [loss, flatGrad];
  }

  /** Performs a single optimization step; `closure` reevaluates the model and returns the loss (required). */
  override step(closure: StepClosure): any {
    return noGrad(() => this._step(closure));
  }

  private _step(userClosure: StepClosure): unknown {
    if (this.paramGroups.length !== 1) throw new Error(`Expected exactly one param_group, but got ${this.paramGroups.length}`);
    if (typeof userClosure !== 'function') throw new TypeError("LBFGS.step() missing 1 required positional argument: 'closure'");
    const closure = (): unknown => enableGrad(userClosure);
    const group = this.paramGroups[0]!;
    const lr = _toScalar(group.lr as V);
    const { maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const state = this.stateOf(this._params[0]!);
    state.funcEvals ??= 0;
    state.nIter ??= 0;

    const origLoss = closure();
    let loss = num(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this._gatherFlatGrad();
    let optCond = le(flatGrad.abs().max(), toleranceGrad);
    if (optCond) return origLoss;

    let d = state.d as Tensor | undefined;
    let t = state.t as V | undefined;
    let oldDirs = state.oldDirs as Tensor[] | undefined;
    let oldStps = state.oldStps as Tensor[] | undefined;
    let ro = state.ro as V[] | undefined;
    let hDiag = state.H_diag as V | undefined;
    let prevFlatGrad = (state.prevFlatGrad as Tensor | undefined) ?? null;
    let prevLoss = state.prevLoss as number | undefined;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      if (state.nIter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t as number);
        const ys = y.dot(s);
        if (gt(ys, 1e-10)) {
          if (oldDirs!.length === historySize) {
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(sDiv(1, ys));
          hDiag = ys.div(y.dot(y));
        }
        const numOld = oldDirs!.length;
        if (!('al' in state)) state.al = new Array<null>(historySize).fill(null);
        const al = state.al as (V | null)[];
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = sMul(oldStps![i]!.dot(q), ro![i]!);
          q.add_(oldDirs![i]!, { alpha: num(sNeg(al[i]!)) });
        }
        const r = q.mul(hDiag as number);
        d = r;
        for (let i = 0; i < numOld; i++) {
          const be = sMul(oldDirs![i]!.dot(r), ro![i]!);
          r.add_(oldStps![i]!, { alpha: num(sSub(al[i]!, be)) });
        }
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.clone({ memoryFormat: contiguousFormat });
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;
      t = state.nIter === 1 ? sMul(pyMin(1, sDiv(1, flatGrad.abs().sum())), lr) : lr;
      const gtd = flatGrad.dot(d!);
      if (gt(gtd, -toleranceChange)) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strong_wolfe') throw new Error("only 'strong_wolfe' is supported");
        const xInit = this._cloneParam();
        const objFunc: ObjFunc = (x, tt, dd) => this._directionalEvaluate(closure, x, tt, dd);
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe(objFunc, xInit, t, d!, loss, flatGrad, gtd, maxEval - currentEvals);
        this._addGrad(t, d!);
        optCond = le(flatGrad.abs().max(), toleranceGrad);
      } else {
        this._addGrad(t, d!);
        if (nIter !== maxIter) {
          loss = num(closure());
          flatGrad = this._gatherFlatGrad();
          optCond = le(flatGrad.abs().max(), toleranceGrad);
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals += lsFuncEvals;
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (le(d!.mul(t as number).abs().max(), toleranceChange)) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    state.d = d;
    state.t = t;
    // `t` is a Python float unless it is the group's int lr itself.
    if (typeof t === 'number' && !(t === lr && Number.isInteger(lr) && !isMarkedFloat(group, 'lr'))) markFloat(state as never, 't');
    else unmarkFloat(state, 't');
    state.oldDirs = oldDirs;
    state.oldStps = oldStps;
    state.ro = ro;
    state.H_diag = hDiag;
    state.prevFlatGrad = prevFlatGrad;
    state.prevLoss = prevLoss;
    markFloat(state as never, 'prevLoss');
    return origLoss;
  }
}
