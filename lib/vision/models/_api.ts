// torchvision/models/_api.py: Weights, WeightsEnum, the model registry (getModel, listModels, ...)
// and the checkpoint cache of torch.hub's load_state_dict_from_url that weights load through.
//
// A WeightsEnum is a class whose static members are its instances, as a Python Enum's are:
// `ResNet50_Weights.IMAGENET1K_V2`, with `DEFAULT` an alias of one of them. Builders take
// `weights` as a member, its name (`'DEFAULT'`, `'IMAGENET1K_V1'`, `'ResNet50_Weights.IMAGENET1K_V1'`)
// or null. meta's keys are torchvision's in camelCase (`num_params` -> `numParams`, `_file_size`
// -> `_fileSize`); what is data inside them (metric names, categories) is kept verbatim.
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Module, StateDict } from '../../nn/module';
import { load, type MapLocation } from '../../serialization';
import type { ImageClassification, SemanticSegmentation } from '../transforms/_presets';

export interface WeightsMeta {
  categories?: readonly string[] | null;
  numParams?: number;
  minSize?: readonly [number, number];
  recipe?: string;
  _metrics?: Record<string, Record<string, number>>;
  _ops?: number;
  _fileSize?: number;
  _docs?: string;
  [key: string]: unknown;
}

/**
 * The preprocessing a set of weights was evaluated with (Python's `functools.partial` of a preset;
 * options given override the partial's).
 */
export type TransformsFactory = (options?: Record<string, unknown>) => ImageClassification | SemanticSegmentation;

/** torchvision's Weights dataclass: where the file is, its preprocessing, its metadata. */
export class Weights {
  constructor(
    readonly url: string,
    readonly transforms: TransformsFactory,
    readonly meta: WeightsMeta,
  ) {}
}

export interface GetStateDictOptions {
  modelDir?: string;
  mapLocation?: MapLocation;
  progress?: boolean;
  checkHash?: boolean;
  fileName?: string;
}

/** An enum class of weights: its static members are its instances. */
export type WeightsEnumClass<W extends WeightsEnum = WeightsEnum> = Function & { readonly prototype: W } & Omit<typeof WeightsEnum, 'prototype'>;

/** The parent class of every model's weights enum (torchvision's WeightsEnum). */
export abstract class WeightsEnum {
  /** The member's own name (an alias such as DEFAULT answers with the name of what it stands for). */
  readonly name: string;
  readonly value: Weights;

  protected constructor(name: string, value: Weights) {
    this.name = name;
    this.value = value;
  }

  get url(): string {
    return this.value.url;
  }
  get transforms(): TransformsFactory {
    return this.value.transforms;
  }
  get meta(): WeightsMeta {
    return this.value.meta;
  }

  /** Downloads (or finds in the cache) and loads the checkpoint: torch.hub's load_state_dict_from_url. */
  getStateDict(options: GetStateDictOptions = {}): StateDict {
    return loadStateDictFromUrl(this.url, options);
  }

  toString(): string {
    return `${this.constructor.name}.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Python's `Enum.__members__`: every name, aliases included, in definition order. */
  static members<W extends WeightsEnum>(this: WeightsEnumClass<W>): Map<string, W> {
    const out = new Map<string, W>();
    for (const key of Object.getOwnPropertyNames(this)) {
      const value = (this as unknown as Record<string, unknown>)[key];
      if (value instanceof this) out.set(key, value as W);
    }
    return out;
  }

  /** Iterating an Enum yields its members once each, aliases left out. */
  static *[Symbol.iterator]<W extends WeightsEnum>(this: WeightsEnumClass<W>): Generator<W> {
    for (const [key, member] of this.members()) if (key === member.name) yield member;
  }

  /** Python's `cls[name]`. */
  static get<W extends WeightsEnum>(this: WeightsEnumClass<W>, name: string): W {
    const member = this.members().get(name);
    if (member === undefined) throw new RangeError(`'${name}'`);
    return member;
  }

  /**
   * A weights argument as a member: a member of this enum, its name (optionally prefixed by the
   * enum's: `'ResNet18_Weights.DEFAULT'`), or null.
   */
  static verify<W extends WeightsEnum>(this: WeightsEnumClass<W>, obj: unknown): W | null {
    if (obj === null || obj === undefined) return null;
    if (typeof obj === 'string') return this.get(obj.replace(`${this.name}.`, ''));
    if (!(obj instanceof this)) {
      const received = typeof obj === 'object' ? (obj as object).constructor.name : typeof obj;
      throw new TypeError(`Invalid Weight class provided; expected ${this.name} but received ${received}.`);
    }
    return obj as W;
  }
}

// ---- the registry ---------------------------------------------------------------------------

/** A model builder: `resnet18({ weights, progress, numClasses, ... })`. */
export type ModelBuilder<M extends Module = Module> = (options?: Record<string, unknown>) => M;

interface Registered {
  builder: ModelBuilder;
  weights: WeightsEnumClass;
}

const BUILTIN_MODELS = new Map<string, Registered>();
const WEIGHT_ENUMS = new Map<string, WeightsEnumClass>();

/** Registers a builder under torchvision's name for it, with the weights enum its `weights` takes. */
export function registerModel(name: string, builder: ModelBuilder, weights: WeightsEnumClass): void {
  if (BUILTIN_MODELS.has(name)) throw new RangeError(`An entry is already registered under the name '${name}'.`);
  BUILTIN_MODELS.set(name, { builder, weights });
  WEIGHT_ENUMS.set(weights.name, weights);
}

/** The weights enum member named `'ResNet50_Weights.IMAGENET1K_V1'`. */
export function getWeight(name: string): WeightsEnum {
  const parts = name.split('.');
  if (parts.length !== 2) throw new RangeError(`Invalid weight name provided: '${name}'.`);
  const [enumName, valueName] = parts as [string, string];
  const weightsEnum = WEIGHT_ENUMS.get(enumName);
  if (weightsEnum === undefined) throw new RangeError(`The weight enum '${enumName}' for the specific method couldn't be retrieved.`);
  return weightsEnum.get(valueName);
}

/** The weights enum class of a model, by its registered name or its builder. */
export function getModelWeights(name: string | ModelBuilder): WeightsEnumClass {
  if (typeof name === 'string') return BUILTIN_MODELS.get(lookup(name))!.weights;
  for (const entry of BUILTIN_MODELS.values()) if (entry.builder === name) return entry.weights;
  throw new RangeError("The method is missing the 'weights' argument.");
}

function lookup(name: string): string {
  const key = name.toLowerCase();
  if (!BUILTIN_MODELS.has(key)) throw new RangeError(`Unknown model ${key}`);
  return key;
}

/** The builder registered under `name`. */
export function getModelBuilder(name: string): ModelBuilder {
  return BUILTIN_MODELS.get(lookup(name))!.builder;
}

/** Builds the model registered under `name` with `config` (its builder's options). */
export function getModel(name: string, config: Record<string, unknown> = {}): Module {
  return getModelBuilder(name)(config);
}

export interface ListModelsOptions {
  /** Only the builders this namespace exports (`torch.vision.models`, `torch.vision.models.segmentation`). */
  module?: object | null;
  include?: string | Iterable<string> | null;
  exclude?: string | Iterable<string> | null;
}

/** The registered names, sorted; `include`/`exclude` are shell-style patterns (Python's fnmatch). */
export function listModels(options: ListModelsOptions = {}): string[] {
  const exported = options.module ? new Set(Object.values(options.module)) : null;
  const all = [...BUILTIN_MODELS.keys()].filter((name) => exported === null || exported.has(BUILTIN_MODELS.get(name)!.builder));
  const patterns = (p: string | Iterable<string>): string[] => (typeof p === 'string' ? [p] : [...p]);
  let models = new Set(all);
  if (options.include) {
    models = new Set();
    for (const p of patterns(options.include)) for (const m of all) if (fnmatch(m, p)) models.add(m);
  }
  if (options.exclude) {
    for (const p of patterns(options.exclude)) for (const m of all) if (fnmatch(m, p)) models.delete(m);
  }
  return [...models].sort();
}

/** Python's fnmatch.fnmatch on a POSIX system: `*`, `?`, `[seq]`, `[!seq]`. */
function fnmatch(name: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        else if (body.startsWith('^')) body = `\\${body}`;
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's').test(name);
}

// ---- torch.hub's checkpoint cache -----------------------------------------------------------

const expandUser = (p: string): string => (p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p);

/** torch.hub.get_dir(): `$TORCH_HOME/hub`, else `$XDG_CACHE_HOME/torch/hub`, else `~/.cache/torch/hub`. */
export function getDir(): string {
  const torchHome = process.env.TORCH_HOME ?? path.join(process.env.XDG_CACHE_HOME ?? '~/.cache', 'torch');
  return path.join(expandUser(torchHome), 'hub');
}

const HASH_REGEX = /-([a-f0-9]*)\./;

/**
 * torch.hub.load_state_dict_from_url: the checkpoint `url` names, from `<hub dir>/checkpoints`
 * when it is there, else downloaded there first (to a temporary file renamed when complete, its
 * SHA-256 checked against the hex prefix after the file name's last `-` when `checkHash`). As in
 * torch.hub, a file already in the cache is trusted as it is.
 */
export function loadStateDictFromUrl(url: string, options: GetStateDictOptions = {}): StateDict {
  const modelDir = options.modelDir ?? path.join(getDir(), 'checkpoints');
  fs.mkdirSync(modelDir, { recursive: true });
  const filename = options.fileName ?? path.posix.basename(new URL(url).pathname);
  const cachedFile = path.join(modelDir, filename);
  if (!fs.existsSync(cachedFile)) {
    process.stdout.write(`Downloading: "${url}" to ${cachedFile}\n`);
    const hashPrefix = options.checkHash ? (HASH_REGEX.exec(filename)?.[1] ?? null) : null;
    downloadUrlToFile(url, cachedFile, hashPrefix, options.progress ?? true);
  }
  return load(cachedFile, { mapLocation: options.mapLocation }) as StateDict;
}

// Runs in a child Node process so that a builder stays synchronous, as torchvision's is: fetches
// argv[1] (following redirects) into argv[2], a progress line on stderr if argv[3] is '1', and
// prints {"digest"} or {"error"} as JSON on stdout.
const DOWNLOADER = `
const fs = require('fs'), crypto = require('crypto');
const [url, dst, progress] = process.argv.slice(1);
const done = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(r.error ? 1 : 0); };
function get(u, redirects) {
  const mod = u.startsWith('https:') ? require('https') : require('http');
  mod.get(u, { headers: { 'User-Agent': 'torch.hub' } }, (res) => {
    const status = res.statusCode;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (redirects >= 10) return done({ error: 'too many redirects' });
      return get(new URL(res.headers.location, u).href, redirects + 1);
    }
    if (status !== 200) { res.resume(); return done({ error: 'HTTP Error ' + status + ': ' + res.statusMessage }); }
    const total = Number(res.headers['content-length']) || 0;
    const out = fs.createWriteStream(dst);
    const sha = crypto.createHash('sha256');
    let got = 0, shown = -1;
    res.on('data', (chunk) => {
      sha.update(chunk); got += chunk.length;
      if (progress === '1') {
        const pct = total ? Math.floor(100 * got / total) : -1;
        if (pct !== shown) { shown = pct; process.stderr.write('\\r' + (total ? pct + '% ' : '') + (got / 1048576).toFixed(1) + 'M' + (total ? '/' + (total / 1048576).toFixed(1) + 'M' : '')); }
      }
    });
    res.on('error', (e) => done({ error: e.message }));
    res.pipe(out);
    out.on('error', (e) => done({ error: e.message }));
    out.on('finish', () => {
      if (progress === '1') process.stderr.write('\\n');
      if (total && got !== total) return done({ error: 'retrieval incomplete: got only ' + got + ' out of ' + total + ' bytes' });
      done({ digest: sha.digest('hex') });
    });
  }).on('error', (e) => done({ error: e.message }));
}
get(url, 0);
`;

/**
 * torch.hub.download_url_to_file: downloads `url` to `dst` through a temporary file in the same
 * folder, renamed over `dst` only when complete and (with `hashPrefix`) of the right SHA-256.
 */
export function downloadUrlToFile(url: string, dst: string, hashPrefix: string | null = null, progress = true): void {
  dst = expandUser(dst);
  const tmp = `${dst}.${randomBytes(16).toString('hex')}.partial`;
  try {
    const child = spawnSync(process.execPath, ['-e', DOWNLOADER, url, tmp, progress ? '1' : '0'], {
      stdio: ['ignore', 'pipe', progress ? 'inherit' : 'ignore'],
      encoding: 'utf8',
    });
    let result: { digest?: string; error?: string };
    try {
      result = JSON.parse(child.stdout) as typeof result;
    } catch {
      result = { error: child.error?.message ?? `the download process ended with status ${String(child.status)}` };
    }
    if (result.error !== undefined) throw new Error(`Downloading ${url} failed: ${result.error}`);
    if (hashPrefix !== null && !result.digest!.startsWith(hashPrefix)) {
      throw new Error(`invalid hash value (expected "${hashPrefix}", got "${result.digest!}")`);
    }
    fs.renameSync(tmp, dst);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
