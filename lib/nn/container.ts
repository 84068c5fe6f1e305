// torch.nn containers (torch/nn/modules/container.py): Sequential, ModuleList, ModuleDict,
// ParameterList, ParameterDict.
//
// Python's `seq[i]`, `seq[i] = m` and `del seq[i]` work as property syntax (negative indices
// too), because Module's Proxy hands integer keys to the container (`Indexable` in module.ts).
// Slices, which JavaScript has no syntax for, are `{ start, stop, step }` objects or `slice()`.
import { Tensor } from '../tensor';
import { addIndent, defineInternal, Module, typename, type Indexable } from './module';
import { Parameter } from './parameter';

/** A Python slice: `seq.delete({ start: 1, stop: 3 })` is `del seq[1:3]`. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** Python's `slice.indices(length)`, expanded to the indices it selects. */
export function sliceIndices(slice: Slice, length: number): number[] {
  const step = slice.step ?? 1;
  if (step === 0) throw new Error('slice step cannot be zero');
  const [lower, upper] = step > 0 ? [0, length] : [-1, length - 1];
  const clamp = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    const n = v < 0 ? v + length : v;
    return Math.min(Math.max(n, lower), upper);
  };
  const start = clamp(slice.start, step > 0 ? lower : upper);
  const stop = clamp(slice.stop, step > 0 ? upper : lower);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** The index checks every list-like container shares: -length <= index < length. */
function absoluteIndex(index: number, length: number): number {
  if (!Number.isInteger(index)) throw new TypeError(`'${typename(index)}' object cannot be interpreted as an integer`);
  if (!(-length <= index && index < length)) throw new RangeError(`index ${index} is out of range`);
  return index < 0 ? index + length : index;
}

/** Replaces a container's modules, keeping its mirrored properties in step (renumbering after a delete). */
function replaceModules(module: Module, entries: [string, Module | null][]): void {
  for (const name of module._modules.keys()) module._deleteAttribute(name);
  module._modules = new Map();
  for (const [name, m] of entries) module.addModule(name, m);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** What Sequential and ModuleList share: modules under the names '0', '1', ... indexed like a Python list. */
abstract class IndexedModules extends Module implements Indexable {
  [index: number]: Module;

  get length(): number {
    return this._modules.size;
  }
  [Symbol.iterator](): IterableIterator<Module> {
    return (this._modules.values() as IterableIterator<Module>)[Symbol.iterator]();
  }
  /** `x[index]`, negative indices counting from the end. */
  at(index: number): Module {
    return [...this._modules.values()][absoluteIndex(index, this.length)]!;
  }
  /** `x[start:stop:step]` (a Sequential keeps the names, a ModuleList renumbers). */
  abstract slice(start?: number | null, stop?: number | null, step?: number | null): IndexedModules;
  /** `x[index] = module`: replaces the module in its slot. */
  set(index: number, module: Module): void {
    this._setAttribute([...this._modules.keys()][absoluteIndex(index, this.length)]!, module);
  }
  /** `del x[index]` or `del x[slice]`; the remaining modules are renumbered 0, 1, ... */
  delete(index: number | Slice): void {
    const keys = [...this._modules.keys()];
    const doomed = typeof index === 'number' ? [keys[absoluteIndex(index, keys.length)]!] : sliceIndices(index, keys.length).map((i) => keys[i]!);
    for (const key of doomed) this._deleteAttribute(key);
    this.renumber([...this._modules.values()] as Module[]);
  }
  /** Removes and returns the module at `index` (a container of them for a slice). */
  pop(index: number | Slice): Module {
    const removed = typeof index === 'number' ? this.at(index) : this.slice(index.start, index.stop, index.step);
    this.delete(index);
    return removed;
  }
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Partial<Iterable<Module>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`${this._getName()}.extend should be called with an iterable, but got ${typename(modules)}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }
  /** Puts `module` at `at` (0 <= at <= length), shifting the rest. */
  protected insertAt(at: number, module: Module): void {
    const values = [...this._modules.values()] as Module[];
    values.splice(at, 0, module);
    this.renumber(values);
  }
  private renumber(modules: Module[]): void {
    replaceModules(this, modules.map((m, i) => [String(i), m]));
  }

  _getItem(index: number): Module {
    return this.at(index);
  }
  _setItem(index: number, value: unknown): void {
    this.set(index, value as Module);
  }
  _deleteItem(index: number): void {
    this.delete(index);
  }
}

/**
 * Runs its modules in order, each one's output the next one's input. Built from modules
 * (named '0', '1', ...) or from a Map / plain object of name → module.
 */
export class Sequential extends IndexedModules {
  static override pythonModule = 'torch.nn.modules.container';
  constructor(...args: Module[] | [Map<string, Module> | Record<string, Module>]) {
    super();
    const first = args[0];
    if (args.length === 1 && (first instanceof Map || isPlainObject(first))) {
      for (const [key, module] of first instanceof Map ? first : Object.entries(first)) this.addModule(key, module);
    } else {
      (args as Module[]).forEach((module, i) => this.addModule(String(i), module));
    }
  }

  /** `seq[start:stop:step]`: a Sequential of the same modules under the same names. */
  slice(start?: number | null, stop?: number | null, step?: number | null): Sequential {
    const entries = [...this._modules] as [string, Module][];
    return new (this.constructor as typeof Sequential)(new Map(sliceIndices({ start, stop, step }, entries.length).map((i) => entries[i]!)));
  }
  /** Inserts `module` before `index` (-length <= index <= length). */
  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) throw new Error(`module should be of type: <class 'torch.nn.modules.module.Module'>`);
    const n = this.length;
    if (!(-n <= index && index <= n)) throw new RangeError(`Index out of range: ${index}`);
    this.insertAt(index < 0 ? index + n : index, module);
    return this;
  }

  override forward(input: any): any {
    for (const module of this) input = module.call(input);
    return input;
  }
}

/** A list of registered modules; iterate it or index it in your own forward. */
export class ModuleList extends IndexedModules {
  static override pythonModule = 'torch.nn.modules.container';
  constructor(modules?: Iterable<Module>) {
    super();
    if (modules !== undefined && modules !== null) this.extend(modules);
  }

  /** `list[start:stop:step]`: a new ModuleList of those modules, numbered from 0. */
  slice(start?: number | null, stop?: number | null, step?: number | null): ModuleList {
    const values = [...this._modules.values()] as Module[];
    return new (this.constructor as typeof ModuleList)(sliceIndices({ start, stop, step }, values.length).map((i) => values[i]!));
  }
  /** Inserts `module` before `index`; out-of-range indices clamp as in a Python list (PyTorch's own breaks on negatives). */
  insert(index: number, module: Module): void {
    const n = this.length;
    this.insertAt(Math.min(Math.max(index < 0 ? index + n : index, 0), n), module);
  }

  /** PyTorch's ModuleList repr, which folds runs of identical modules into `(2-9): 8 x Linear(...)`. */
  override toString(): string {
    const reprs = [...this._modules.values()].map((m) => (m === null ? 'None' : m.toString()));
    if (reprs.length === 0) return `${this._getName()}()`;
    const blocks: { start: number; end: number; repr: string }[] = [];
    reprs.forEach((r, i) => {
      const last = blocks[blocks.length - 1];
      if (last !== undefined && last.repr === r) last.end = i;
      else blocks.push({ start: i, end: i, repr: r });
    });
    const lines = blocks.map(({ start, end, repr }) =>
      addIndent(start === end ? `(${start}): ${repr}` : `(${start}-${end}): ${end - start + 1} x ${repr}`, 2),
    );
    return `${this._getName()}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/** Entries accepted by ModuleDict/ParameterDict constructors and `update()`. */
type DictSource<V> = Map<string, V> | Record<string, V> | Iterable<readonly [string, V]> | { items(): Iterable<[string, V]> };

// `updateName` is PyTorch's spelling in its message ("ParametersDict.update should be ...").
function dictEntries<V>(source: DictSource<V>, owner: string, updateName = owner): [string, V][] {
  if (source instanceof Map) return [...source];
  if (source instanceof ModuleDict || source instanceof ParameterDict) return [...(source.items() as Iterable<[string, V]>)];
  if (isPlainObject(source)) return Object.entries(source) as [string, V][];
  if (source === null || typeof (source as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${updateName}.update should be called with an iterable of key/value pairs, but got ${typename(source)}`);
  }
  return [...(source as Iterable<unknown>)].map((pair, j) => {
    if (pair === null || typeof (pair as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`${owner} update sequence element #${j} should be Iterable; is${typename(pair)}`);
    }
    const kv = [...(pair as Iterable<unknown>)];
    if (kv.length !== 2) throw new Error(`${owner} update sequence element #${j} has length ${kv.length}; 2 is required`);
    return kv as [string, V];
  });
}

/** An ordered dictionary of registered modules. */
export class ModuleDict extends Module {
  static override pythonModule = 'torch.nn.modules.container';
  constructor(modules?: DictSource<Module>) {
    super();
    if (modules !== undefined && modules !== null) this.update(modules);
  }
  get size(): number {
    return this._modules.size;
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this._modules.keys();
  }
  get(key: string): Module {
    const m = this._modules.get(key);
    if (m === undefined) throw new Error(`'${key}' is not in this ModuleDict (keys: ${[...this._modules.keys()].join(', ')})`);
    return m as Module;
  }
  set(key: string, module: Module): void {
    this.addModule(key, module);
  }
  has(key: string): boolean {
    return this._modules.has(key);
  }
  delete(key: string): void {
    this.get(key);
    this._deleteAttribute(key);
  }
  pop(key: string): Module {
    const m = this.get(key);
    this.delete(key);
    return m;
  }
  clear(): void {
    for (const key of [...this._modules.keys()]) this._deleteAttribute(key);
  }
  keys(): IterableIterator<string> {
    return this._modules.keys();
  }
  values(): IterableIterator<Module> {
    return this._modules.values() as IterableIterator<Module>;
  }
  items(): IterableIterator<[string, Module]> {
    return this._modules.entries() as IterableIterator<[string, Module]>;
  }
  update(modules: DictSource<Module>): void {
    for (const [key, module] of dictEntries(modules, 'ModuleDict')) this.set(key, module);
  }
}

/** How ParameterList/ParameterDict print one entry. */
function entryRepr(key: string, p: unknown, typeText: (t: Tensor) => string): string {
  if (!(p instanceof Tensor)) return `  (${key}): Object of type: ${typename(p)}`;
  const device = p.device.type === 'cuda' ? ` (${p.device})` : '';
  return `  (${key}): ${p instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${typeText(p)} of size ${p.shape.join('x')}${device}]`;
}

/** A list of parameters (tensors given to it become Parameters). */
export class ParameterList extends Module implements Indexable {
  static override pythonModule = 'torch.nn.modules.container';
  [index: number]: Parameter;
  declare _size: number;

  constructor(values?: Iterable<Tensor | unknown>) {
    super();
    defineInternal(this, '_size', 0);
    if (values !== undefined && values !== null) this.extend(values);
  }
  get length(): number {
    return this._size;
  }
  *[Symbol.iterator](): IterableIterator<Parameter> {
    for (let i = 0; i < this._size; i++) yield this.at(i);
  }
  at(index: number): Parameter {
    return (this._target as unknown as Record<string, Parameter>)[String(absoluteIndex(index, this._size))]!;
  }
  slice(start?: number | null, stop?: number | null, step?: number | null): ParameterList {
    const out = new (this.constructor as typeof ParameterList)();
    for (const i of sliceIndices({ start, stop, step }, this._size)) out.append(this.at(i));
    return out;
  }
  set(index: number, value: unknown): void {
    const key = String(absoluteIndex(index, this._size));
    this._setAttribute(key, value instanceof Tensor && !(value instanceof Parameter) ? new Parameter(value) : value);
  }
  append(value: unknown): this {
    this._size += 1;
    this.set(this._size - 1, value);
    return this;
  }
  extend(values: Iterable<unknown>): this {
    if (values === null || values instanceof Tensor || typeof (values as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${typename(values)}`);
    }
    for (const v of values) this.append(v);
    return this;
  }
  override extraRepr(): string {
    return [...this].map((p, k) => entryRepr(String(k), p, (t) => String(t.dtype))).join('\n');
  }
  override call(): never {
    throw new Error('ParameterList should not be called.');
  }

  _getItem(index: number): Parameter {
    return this.at(index);
  }
  _setItem(index: number, value: unknown): void {
    this.set(index, value);
  }
  _deleteItem(): void {
    throw new TypeError("'ParameterList' object doesn't support item deletion");
  }
}

/** An ordered dictionary of parameters (tensors given to it become Parameters). */
export class ParameterDict extends Module {
  static override pythonModule = 'torch.nn.modules.container';
  declare _keys: Set<string>;

  constructor(parameters?: DictSource<Tensor | unknown>) {
    super();
    defineInternal(this, '_keys', new Set<string>());
    if (parameters !== undefined && parameters !== null) this.update(parameters);
  }
  get size(): number {
    return this._keys.size;
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this._keys.values();
  }
  private checkKey(key: unknown): string {
    if (typeof key !== 'string') {
      throw new TypeError(
        `Index given to ParameterDict cannot be used as a key as it is not a string (type is '${typename(key)}'). Open an issue on github if you need non-string keys.`,
      );
    }
    return key;
  }
  get(key: string): Parameter {
    this.checkKey(key);
    if (!this._keys.has(key)) throw new Error(`'${key}' is not in this ParameterDict (keys: ${[...this._keys].join(', ')})`);
    return (this._target as unknown as Record<string, Parameter>)[key]!;
  }
  set(key: string, value: unknown): void {
    this._keys.add(this.checkKey(key));
    this._setAttribute(key, value instanceof Tensor && !(value instanceof Parameter) ? new Parameter(value) : value);
  }
  has(key: string): boolean {
    return this._keys.has(key);
  }
  delete(key: string): void {
    this.get(key);
    this._keys.delete(key);
    this._deleteAttribute(key);
  }
  pop(key: string): Parameter {
    const p = this.get(key);
    this.delete(key);
    return p;
  }
  clear(): void {
    for (const key of [...this._keys]) this.delete(key);
  }
  keys(): IterableIterator<string> {
    return this._keys.values();
  }
  *values(): IterableIterator<Parameter> {
    for (const k of this._keys) yield this.get(k);
  }
  *items(): IterableIterator<[string, Parameter]> {
    for (const k of this._keys) yield [k, this.get(k)];
  }
  update(parameters: DictSource<unknown>): void {
    for (const [key, value] of dictEntries(parameters, 'ParameterDict', 'ParametersDict')) this.set(key, value);
  }
  override extraRepr(): string {
    return [...this.items()].map(([k, p]) => entryRepr(k, p, (t) => typename(t))).join('\n');
  }
  override call(): never {
    throw new Error('ParameterDict should not be called.');
  }
}
