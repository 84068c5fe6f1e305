// The package as users load it: one implementation behind ESM and CJS, worker threads, and the
// libtorch locator's refusals.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');

function node(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8', cwd: options.cwd ?? root, env: options.env ?? process.env });
}

describe('entry points', () => {
  let dir: string;
  beforeAll(() => {
    // A consumer folder whose node_modules/torchnode is this package.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-consumer-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'torchnode'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('import and require resolve to one implementation', () => {
    fs.writeFileSync(
      path.join(dir, 'main.mjs'),
      `import * as torch from 'torchnode';
       import { createRequire } from 'module';
       const cjs = createRequire(import.meta.url)('torchnode');
       const t = torch.ones(2).add(1);
       console.log(JSON.stringify([t.tolist(), t instanceof cjs.Tensor, cjs.ones(1) instanceof torch.Tensor, torch.float32 === cjs.float32]));`,
    );
    expect(JSON.parse(node(['main.mjs'], { cwd: dir }))).toEqual([[2, 2], true, true, true]);
  });

  test('the build leaves no compiled file without its source (a stale nn/utils.js shadowed nn/utils/)', () => {
    const stale = path.join(root, 'dist', 'cjs', 'nn', 'utils.js');
    fs.writeFileSync(stale, 'module.exports = {};');
    node([path.join(root, 'scripts', 'prune-dist.js')]);
    expect(fs.existsSync(stale)).toBe(false);
    const names = node(['-e', "const t = require('torchnode'); console.log(typeof t.nn.utils.clipGradNorm_, typeof t.nn.utils.parametrize)"], { cwd: dir });
    expect(names.trim()).toBe('function object');
  });

  test('the addon loads in worker threads (context-aware)', () => {
    fs.writeFileSync(
      path.join(dir, 'worker.js'),
      `const { Worker, isMainThread, parentPort } = require('worker_threads');
       const torch = require('torchnode');
       if (isMainThread) {
         const results = [];
         let pending = 2;
         for (let i = 0; i < 2; i++) {
           const w = new Worker(__filename);
           w.on('message', (m) => { results.push(m); if (--pending === 0) console.log(JSON.stringify(results.sort())); });
         }
       } else {
         parentPort.postMessage(torch.arange(4).mul(2).sum().item());
       }`,
    );
    expect(JSON.parse(node(['worker.js'], { cwd: dir }))).toEqual([12, 12]);
  });
});

describe('libtorch warnings', () => {
  test('reach process.emitWarning as UserWarning, each message once', () => {
    const script = `
      const torch = require('./dist/cjs/index.js');
      const seen = [];
      process.on('warning', (w) => seen.push([w.name, w.message]));
      torch.ones(1).var(0);
      torch.ones(1).var(0);
      setImmediate(() => console.log(JSON.stringify(seen)));`;
    const seen = JSON.parse(node(['--no-warnings', '-e', script])) as [string, string][];
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe('UserWarning');
    expect(seen[0]![1]).toContain('var(): degrees of freedom is <= 0');
  });
});

describe('libtorch locator', () => {
  const locator = path.join(root, 'scripts', 'libtorch.js');

  function fakeLibtorch(version: string): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-libtorch-'));
    fs.mkdirSync(path.join(d, 'share', 'cmake', 'Torch'), { recursive: true });
    fs.writeFileSync(path.join(d, 'share', 'cmake', 'Torch', 'TorchConfigVersion.cmake'), `set(PACKAGE_VERSION "${version}")\n`);
    return d;
  }

  test('LIBTORCH at another version is refused with what was found and how to fix it', () => {
    const fake = fakeLibtorch('2.5.1');
    const r = spawnSync(process.execPath, [locator, '--describe'], { encoding: 'utf8', env: { ...process.env, LIBTORCH: fake } });
    fs.rmSync(fake, { recursive: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('torchnode needs libtorch 2.13.x but LIBTORCH points at libtorch 2.5.1');
    expect(r.stderr).toContain('(a) set LIBTORCH');
    expect(r.stderr).toContain('(c) let the build fetch the wheel');
  });

  test('LIBTORCH that is not a libtorch folder is refused', () => {
    const r = spawnSync(process.execPath, [locator, '--describe'], { encoding: 'utf8', env: { ...process.env, LIBTORCH: os.tmpdir() } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('is not a libtorch folder');
  });

  test('the located libtorch is 2.13 and says where it came from', () => {
    const out = node([locator, '--describe']);
    expect(out).toMatch(/^libtorch 2\.13\.\d+ \((CPU|CUDA)\) from /);
  });

  test('loading with an unusable LIBTORCH fails with the locator message, not a crash', () => {
    const fake = fakeLibtorch('2.13.0');
    const r = spawnSync(process.execPath, ['-e', "require('./dist/cjs/index.js')"], { cwd: root, encoding: 'utf8', env: { ...process.env, LIBTORCH: fake } });
    fs.rmSync(fake, { recursive: true });
    expect(r.status).toBe(1);
    expect(r.signal).toBeNull();
    expect(r.stderr).toContain('could not load');
  });
});
