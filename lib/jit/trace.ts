// torch.jit.trace (torch/jit/_trace.py) of a Module written here: libtorch's tracer records the
// dispatcher calls its forward makes (every op of lib/ goes through the dispatcher), the module's
// parameters and buffers become attributes of a torch::jit::Module that holds the same tensors,
// and the result is a ScriptModule that torch.jit.save writes for Python's torch.jit.load.
import { native, type Handle, type ScriptModuleHandle } from '../native';
import { Module, typename } from '../nn/module';
import { isOptions } from '../nn/modules_utils';
import { isLazy } from '../nn/parameter';
import { pySignature } from '../python_signature';
import { Tensor } from '../tensor';
import { ScriptModule } from './index';

/** What a traced module tree is built from (native/jit.cc TracedModuleFrom). */
type ModuleSpec = {
  name: string;
  training: boolean;
  parameters: [string, Tensor | null][];
  buffers: [string, Tensor | null][];
  children: [string, ModuleSpec][];
};

// The tracing entry points of the addon (native/jit.cc).
type TraceNative = {
  jitTraceModule(spec: ModuleSpec): ScriptModuleHandle;
  jitTraceMethod(
    m: ScriptModuleHandle, name: string, inputs: unknown[], fn: (...args: unknown[]) => unknown, strict: boolean, forceOutplace: boolean, argumentNames: string[],
  ): void;
  jitTracePushScope(name: string): void;
  jitTracePopScope(): void;
  jitCanonicalGraph(m: ScriptModuleHandle, method: string): [string, [string, string, Handle | null][]];
  jitNondeterministicNodes(m: ScriptModuleHandle, method: string): string[];
};
const tracer = native as unknown as TraceNative;

/** torch.jit.TracerWarning: what the tracer warns about (emitted through process.emitWarning with this type). */
export const TracerWarning = 'TracerWarning';

/** torch.jit.TracingCheckError: a trace that failed checkTrace's sanity checks. */
export class TracingCheckError extends Error {
  constructor(graphDiffError: string | null, tensorCompareError: string | null, extraMsg?: string) {
    let message = 'Tracing failed sanity checks!\n';
    if (extraMsg !== undefined) message += `${extraMsg}\n`;
    if (graphDiffError !== null) message += `ERROR: Graphs differed across invocations!\n${indent(graphDiffError)}\n`;
    if (tensorCompareError !== null) {
      message += 'ERROR: Tensor-valued Constant nodes differed in value across invocations. This often indicates that the tracer has' +
        ' encountered untraceable code.\n' + `${indent(tensorCompareError)}\n`;
    }
    super(message);
    this.name = 'TracingCheckError';
  }
}

// Python's torch.jit._trace.indent (over str.splitlines: no line after a final newline).
function indent(s: string): string {
  return s.replace(/\n$/, '').split('\n').map((l) => `\t${l}`).join('\n');
}

/** torch.jit.is_tracing(): whether a trace is being recorded on this thread. */
export function isTracing(): boolean {
  return native.jitIsTracing();
}

// A module's class as Python's qualified name: torchnode's layers carry their Python module
// (torch.nn.modules.conv.Conv2d); a class written here is its name.
function qualifiedName(m: Module): string {
  const cls = m.constructor as typeof Module;
  const own = Object.prototype.hasOwnProperty.call(cls, 'pythonModule') && cls.pythonModule !== undefined;
  return own ? `${cls.pythonModule}.${m._getName()}` : m._getName();
}

// The module tree as the native side builds it; its TorchScript class names are Python's
// (`__torch__.` and the qualified name). Lazy modules must have run (check_module_initialized).
function specOf(m: Module): ModuleSpec {
  for (const [what, store] of [['parameters', m._parameters], ['buffers', m._buffers]] as const) {
    for (const [name, t] of store) {
      if (t !== null && isLazy(t)) throw new Error(`'${qualifiedName(m)}' has uninitialized ${what} ${name}. Did you forget to run a forward pass?`);
    }
  }
  const children: [string, ModuleSpec][] = [];
  for (const [name, child] of m._modules) if (child !== null) children.push([name, specOf(child)]);
  return {
    name: `__torch__.${qualifiedName(m)}`,
    training: m.training,
    parameters: [...m._parameters],
    buffers: [...m._buffers],
    children,
  };
}

// Python's get_callable_argument_names: the names of forward's plain parameters (they name the
// graph's inputs); a rest parameter or a destructured one ends the list.
function argumentNames(fn: Function): string[] {
  const src = Function.prototype.toString.call(fn);
  const open = src.indexOf('(');
  if (open < 0) return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i]!;
    if (depth === 0 && (c === ')' || c === ',')) {
      parts.push(current.trim());
      current = '';
      if (c === ')') break;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    current += c;
  }
  const names: string[] = [];
  for (const part of parts) {
    const name = part.split('=')[0]!.trim();
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) break;
    names.push(name);
  }
  return names;
}

// Each submodule's forward runs inside its scope (Python's Module._slow_forward while tracing),
// so the trace gives every submodule its own forward method, as Python's does. The scope names
// are Python's _trace_module_map: `__module.` and the submodule's dotted path.
function withScopes<T>(root: Module, body: () => T): T {
  const names = new Map<Module, string>();
  const visit = (m: Module, prefix: string): void => {
    for (const [name, child] of m._modules) {
      if (child === null) continue;
      names.set(child, `${prefix}.${name}`);
      visit(child, `${prefix}.${name}`);
    }
  };
  visit(root, '__module');
  const restore: (() => void)[] = [];
  try {
    for (const [m, scope] of names) {
      const target = m._target;
      const own = Object.getOwnPropertyDescriptor(target, 'forward');
      const forward = target.forward;
      Object.defineProperty(target, 'forward', {
        configurable: true,
        writable: true,
        enumerable: false,
        value: function scoped(this: Module, ...args: unknown[]): unknown {
          tracer.jitTracePushScope(scope);
          try {
            return forward.apply(this, args);
          } finally {
            tracer.jitTracePopScope();
          }
        },
      });
      restore.push(() => {
        if (own === undefined) delete (target as { forward?: unknown }).forward;
        else Object.defineProperty(target, 'forward', own);
      });
    }
    return body();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

// Python's make_tuple: a tensor (or a dict) is the one argument; an array lists the arguments.
function asArguments(exampleInputs: unknown): unknown[] {
  if (exampleInputs instanceof Tensor || exampleInputs instanceof Map || isOptions(exampleInputs)) return [exampleInputs];
  if (Array.isArray(exampleInputs)) return exampleInputs;
  throw new TypeError(`torch.jit.trace(): example_inputs must be a Tensor or an array of the forward's arguments, not ${typeof exampleInputs}`);
}

// A method of a JS module, bound, for trace_module; forward is traced through `call` (hooks included).
function methodOf(mod: Module, name: string): (...args: unknown[]) => unknown {
  if (name === 'forward') return (...inputs: unknown[]) => mod.call(...(inputs as []));
  const method = (mod as unknown as Record<string, unknown>)[name];
  if (method === undefined) throw new Error(`'${mod._getName()}' object has no attribute '${name}'`);
  if (typeof method !== 'function') throw new TypeError(`'${typename(method)}' object is not callable`);
  return (...inputs: unknown[]) => (method as (...a: unknown[]) => unknown).apply(mod, inputs);
}

// Python's trace_module without the checks: one ScriptModule, a method per entry of `methods`.
function traceMethods(mod: Module, methods: Map<string, unknown[]>, strict: boolean): ScriptModule {
  const handle = tracer.jitTraceModule(specOf(mod));
  for (const [name, args] of methods) {
    const fn = methodOf(mod, name);
    const names = argumentNames((mod as unknown as Record<string, Function>)[name]!);
    // forceOutplace false: Python's private _force_outplace default.
    withScopes(mod, () => tracer.jitTraceMethod(handle, name, args, fn, strict, false, names));
  }
  return new ScriptModule(handle);
}

// Python's _clone_inputs: each tensor detached and cloned, keeping its requires_grad.
function cloneInputs(v: unknown): unknown {
  if (v instanceof Tensor) return v.detach().clone().requiresGrad_(v.requiresGrad);
  if (Array.isArray(v)) return v.map(cloneInputs);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, cloneInputs(x)]));
  if (isOptions(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneInputs(x)]));
  return v;
}

function tensorOutputs(out: unknown): Tensor[] {
  return (Array.isArray(out) ? out : [out]).filter((o): o is Tensor => o instanceof Tensor);
}

// torch.testing's default (rtol, atol) for a dtype (_DTYPE_PRECISIONS; exact for the others).
function defaultTolerances(t: Tensor): [number, number] {
  switch (String(t.dtype)) {
    case 'torch.float16':
      return [0.001, 1e-5];
    case 'torch.bfloat16':
      return [0.016, 1e-5];
    case 'torch.float32':
    case 'torch.complex64':
      return [1.3e-6, 1e-5];
    case 'torch.float64':
    case 'torch.complex128':
      return [1e-7, 1e-7];
    default:
      return [0, 0];
  }
}

// Python's repr of a float.
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  if (x !== 0 && (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e16)) {
    const [mantissa, exp] = x.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(x);
}

const sameShape = (a: Tensor, b: Tensor): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

// torch.testing.assert_close's message for two tensors that differ, or null when they match.
function mismatch(actual: Tensor, expected: Tensor, rtol: number, atol: number): string | null {
  if (!sameShape(actual, expected)) return `The values for attribute 'shape' do not match: ${String(actual.shape)} != ${String(expected.shape)}.`;
  if (actual.dtype !== expected.dtype) return `The values for attribute 'dtype' do not match: ${String(actual.dtype)} != ${String(expected.dtype)}.`;
  const matches = actual.isclose(expected, { rtol, atol, equalNan: true }).flatten();
  const total = matches.numel();
  const mismatches = total - (matches.sum().item() as number);
  if (mismatches === 0) return null;
  const floating = actual.dtype.isFloatingPoint || actual.dtype.isComplex;
  const num = (x: number): string => (floating ? pyFloat(x) : String(x));
  const equality = rtol === 0 && atol === 0;
  const allowed = (tol: number): string => (equality ? '' : ` (up to ${pyFloat(tol)} allowed)`);
  if (actual.shape.length === 0) {
    const [a, e] = [actual.item() as number, expected.item() as number];
    const abs = Math.abs(a - e);
    return `Scalars are not ${equality ? 'equal' : 'close'}!\n\nExpected ${num(e)} but got ${num(a)}.\n` +
      `Absolute difference: ${num(abs)}${allowed(atol)}\nRelative difference: ${pyFloat(e === 0 ? Infinity : abs / Math.abs(e))}${allowed(rtol)}`;
  }
  const shape = [...actual.shape];
  const unravel = (flat: number): string => {
    const index: number[] = [];
    for (const size of [...shape].reverse()) {
      index.unshift(flat % size);
      flat = Math.floor(flat / size);
    }
    return index.length === 1 ? `(${index[0]},)` : `(${index.join(', ')})`;
  };
  const absDiff = actual.flatten().sub(expected.flatten()).abs().maskedFill(matches, 0);
  const relDiff = absDiff.div(expected.flatten().abs()).maskedFill(matches, 0);
  const [maxAbs, absAt] = absDiff.max(0) as unknown as [Tensor, Tensor];
  const [maxRel, relAt] = relDiff.max(0) as unknown as [Tensor, Tensor];
  return `Tensor-likes are not ${equality ? 'equal' : 'close'}!\n\n` +
    `Mismatched elements: ${mismatches} / ${total} (${((mismatches / total) * 100).toFixed(1)}%)\n` +
    `Greatest absolute difference: ${num(maxAbs.item() as number)} at index ${unravel(absAt.item() as number)}${allowed(atol)}\n` +
    `Greatest relative difference: ${pyFloat(maxRel.item() as number)} at index ${unravel(relAt.item() as number)}${allowed(rtol)}`;
}

// A line diff in difflib.ndiff's notation ('  ' both, '- ' first only, '+ ' second only).
function lineDiff(a: string, b: string): string {
  const [la, lb] = [a.replace(/\n$/, '').split('\n'), b.replace(/\n$/, '').split('\n')];
  const common: number[][] = Array.from({ length: la.length + 1 }, () => new Array<number>(lb.length + 1).fill(0));
  for (let i = la.length - 1; i >= 0; i--) {
    for (let j = lb.length - 1; j >= 0; j--) common[i]![j] = la[i] === lb[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
  }
  const out: string[] = [];
  let [i, j] = [0, 0];
  while (i < la.length || j < lb.length) {
    if (i < la.length && j < lb.length && la[i] === lb[j]) {
      out.push(`  ${la[i++]}`);
      j++;
    } else if (j >= lb.length || (i < la.length && common[i + 1]![j]! >= common[i]![j + 1]!)) out.push(`- ${la[i++]}`);
    else out.push(`+ ${lb[j++]}`);
  }
  return out.join('\n');
}

type CanonicalGraph = { text: string; nodes: { kind: string; text: string; value: Tensor | null }[] };

function canonicalGraph(m: ScriptModule, method: string): CanonicalGraph {
  const unmangled = (s: string): string => s.replace(/___torch_mangle_[0-9]+\./g, '');
  const [text, nodes] = tracer.jitCanonicalGraph(m._h, method);
  return {
    text: unmangled(text),
    nodes: nodes.map(([kind, t, value]) => ({ kind, text: unmangled(t), value: value === null ? null : new Tensor(value) })),
  };
}

// Python's graph_diagnostic_info: the two traces' graphs' diff and first diverging node, and the
// first tensor constant whose values differ.
function diagnostics(a: CanonicalGraph, b: CanonicalGraph): [string | null, string | null] {
  let graphError: string | null = null;
  if (a.text !== b.text) {
    graphError = `Graph diff:\n${indent(lineDiff(a.text, b.text))}\n`;
    for (let i = 0; i < Math.min(a.nodes.length, b.nodes.length); i++) {
      if (a.nodes[i]!.text === b.nodes[i]!.text) continue;
      graphError += `First diverging operator:\nNode diff:\n${indent(lineDiff(a.nodes[i]!.text, b.nodes[i]!.text))}\n`;
      break;
    }
  }
  let tensorError: string | null = null;
  for (let i = 0; i < Math.min(a.nodes.length, b.nodes.length); i++) {
    const [na, nb] = [a.nodes[i]!, b.nodes[i]!];
    if (na.kind !== nb.kind) break;
    if (na.value === null || nb.value === null) continue;
    const [rtolA, atolA] = defaultTolerances(na.value);
    const [rtolB, atolB] = defaultTolerances(nb.value);
    const error = mismatch(na.value, nb.value, Math.max(rtolA, rtolB), Math.max(atolA, atolB));
    if (error === null) continue;
    tensorError = `Node:\n${indent(na.text)}\nComparison exception: ${indent(error)}`;
    break;
  }
  return [graphError, tensorError];
}

// Python's _check_trace for one set of inputs: a second trace made from them, the trace and the
// module itself give the same tensors (else a TracerWarning per output), and the two traces the
// same graph and tensor constants (else a TracingCheckError).
function checkTrace(
  mod: Module, traced: ScriptModule, method: string, inputs: Map<string, unknown[]>, checkTolerance: number, strict: boolean,
): void {
  const again = traceMethods(mod, new Map([...inputs].map(([name, a]) => [name, cloneInputs(a) as unknown[]])), strict);
  const args = inputs.get(method)!;
  const diagnose = (): [string | null, string | null] => diagnostics(canonicalGraph(traced, method), canonicalGraph(again, method));
  const run = (what: string, f: () => unknown): Tensor[] => {
    try {
      return tensorOutputs(f());
    } catch (e) {
      const [graphError, tensorError] = diagnose();
      throw new TracingCheckError(graphError, tensorError, `encountered an exception while running the ${what} with test inputs.\nException:\n${indent(String((e as Error).message ?? e))}`);
    }
  };
  let warnedNondeterministic = false;
  const warnNondeterministic = (): void => {
    if (warnedNondeterministic) return;
    warnedNondeterministic = true;
    const nodes = tracer.jitNondeterministicNodes(traced._h, method);
    if (nodes.length === 0) return;
    process.emitWarning(
      'Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n' + nodes.slice(0, 20).map(indent).join('\n') +
        '\nThis may cause errors in trace checking. To disable trace checking, pass check_trace=False to torch.jit.trace()',
      TracerWarning,
    );
  };
  const compare = (original: Tensor[], reference: Tensor[], matchWhat: string): boolean => {
    let ok = true;
    for (let i = 0; i < Math.min(original.length, reference.length); i++) {
      const [o, r] = [original[i]!, reference[i]!];
      const atol = Math.max(defaultTolerances(o)[1], defaultTolerances(r)[1]);
      const error = mismatch(o.detach().double(), r.detach().double(), checkTolerance, atol);
      if (error === null) continue;
      warnNondeterministic();
      process.emitWarning(
        `Output nr ${i + 1}. of the traced function does not match the corresponding output of the ${matchWhat}. Detailed error:\n${error}`,
        TracerWarning,
      );
      ok = false;
    }
    return ok;
  };
  const tracedOuts = run('trace', () => traced.runMethod(method, ...(cloneInputs(args) as unknown[])));
  const fnOuts = run('Python function', () => methodOf(mod, method)(...(cloneInputs(args) as unknown[])));
  if (compare(tracedOuts, fnOuts, 'Python function')) {
    compare(tracedOuts, run('repeated trace', () => again.runMethod(method, ...(cloneInputs(args) as unknown[]))), 'repeated trace');
  }
  const [graphError, tensorError] = diagnose();
  if (graphError !== null || tensorError !== null) throw new TracingCheckError(graphError, tensorError);
}

type TraceOptions = { optimize?: unknown; checkTrace?: boolean; checkInputs?: (Tensor | unknown[])[] | null; checkTolerance?: number; strict?: boolean };
const TRACE = pySignature<{
  func: unknown; exampleInputs: unknown; optimize: unknown; checkTrace: boolean; checkInputs: unknown; checkTolerance: number; strict: boolean;
}>('trace', 'func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5, strict=True');

/**
 * torch.jit.trace(module, exampleInputs, { checkTrace, checkInputs, checkTolerance, strict }): runs
 * `module.call(...exampleInputs)` once under libtorch's tracer and returns the ScriptModule of
 * what it did (a JS `for` loop is unrolled, JS conditions are fixed to the branch taken). What
 * JS computes from a tensor (a shape read as numbers, `item()`) is a constant of the trace, as a
 * Python number is in PyTorch's; `torch.flatten` and the ops themselves stay shape-generic.
 * `exampleInputs` is a Tensor (the one argument) or an array of the arguments (an inner array is a
 * tuple). The ScriptModule's parameters and buffers are the module's own tensors.
 * With `checkTrace` (the default), the module is traced again and run on each of `checkInputs`
 * (default: the example inputs) and compared, as PyTorch does.
 */
export function trace(func: Module | ScriptModule, exampleInputs: Tensor | unknown[], options?: TraceOptions): ScriptModule;
export function trace(...args: unknown[]): ScriptModule {
  const { func, exampleInputs, optimize, checkTrace: check, checkInputs, checkTolerance, strict } = TRACE(args);
  if (func instanceof ScriptModule) {
    process.emitWarning('The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object as is.', 'UserWarning');
    return func;
  }
  if (!(func instanceof Module)) throw new TypeError(`torch.jit.trace(): func must be a Module, not ${func === null ? 'null' : typeof func}`);
  if (optimize !== null && optimize !== undefined) {
    process.emitWarning('`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` instead', 'FutureWarning');
  }
  if (exampleInputs === null || exampleInputs === undefined) throw new Error('example_kwarg_inputs should be a dict');
  if (checkInputs !== null && checkInputs !== undefined && !Array.isArray(checkInputs)) {
    throw new TypeError(`torch.jit.trace(): check_inputs must be an array of example inputs, not ${typeof checkInputs}`);
  }
  const checks = checkInputs === null || checkInputs === undefined ? null : (checkInputs as unknown[]).map((c) => ({ forward: c }));
  return traceModuleChecked(func, new Map([['forward', exampleInputs]]), check, checks, checkTolerance, strict);
}

function traceModuleChecked(
  mod: Module, inputs: Map<string, unknown>, check: boolean, checkInputs: unknown[] | null, checkTolerance: number, strict: boolean,
): ScriptModule {
  const methods = new Map([...inputs].map(([name, example]) => [name, asArguments(example)]));
  const traced = traceMethods(mod, methods, strict);
  if (check) {
    for (const method of methods.keys()) {
      for (const c of checkInputs ?? [methods]) {
        const entries = c instanceof Map ? [...c] : Object.entries(c as Record<string, unknown>);
        checkTrace(mod, traced, method, new Map(entries.map(([name, e]) => [name as string, asArguments(e)])), checkTolerance, strict);
      }
    }
  }
  return traced;
}

type TraceModuleOptions = { optimize?: unknown; checkTrace?: boolean; checkInputs?: (Map<string, unknown> | Record<string, unknown>)[] | null; checkTolerance?: number; strict?: boolean };
const TRACE_MODULE = pySignature<{
  mod: unknown; inputs: unknown; optimize: unknown; checkTrace: boolean; checkInputs: unknown; checkTolerance: number; strict: boolean;
}>('trace_module', 'mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5, strict=True');

/**
 * torch.jit.trace_module(mod, inputs, { checkTrace, checkInputs, checkTolerance, strict }): traces
 * several methods of a module into one ScriptModule. `inputs` maps method names to example inputs
 * (a Map, or a plain object given as the second argument); `forward` runs through `call`, others
 * are called as methods, and become the ScriptModule's methods of the same names (`runMethod`).
 * `checkInputs` is an array of such maps.
 */
export function traceModule(mod: Module, inputs: Map<string, Tensor | unknown[]> | Record<string, Tensor | unknown[]>, options?: TraceModuleOptions): ScriptModule;
export function traceModule(...args: unknown[]): ScriptModule {
  // The inputs may be a plain object: it is an argument, not the trailing options.
  const given = args.length > 1 && isOptions(args[1]) ? [args[0], new Map(Object.entries(args[1] as object)), ...args.slice(2)] : args;
  const { mod, inputs, optimize, checkTrace: check, checkInputs, checkTolerance, strict } = TRACE_MODULE(given);
  if (!(mod instanceof Module)) throw new TypeError('expected torch.nn.Module as the first argument');
  if (!(inputs instanceof Map)) throw new TypeError('expected a dictionary of (method_name, input) pairs');
  if (optimize !== null && optimize !== undefined) {
    process.emitWarning('`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` instead', 'FutureWarning');
  }
  if (checkInputs !== null && checkInputs !== undefined && !Array.isArray(checkInputs)) {
    throw new TypeError(`torch.jit.trace_module(): check_inputs must be an array of dictionaries, not ${typeof checkInputs}`);
  }
  return traceModuleChecked(mod, inputs as Map<string, unknown>, check, (checkInputs as unknown[] | null | undefined) ?? null, checkTolerance, strict);
}
