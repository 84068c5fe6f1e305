'use strict';
// `npm run check:prebuild` (and CI): proves the prebuilt binaries work on their own.
//  1. builds them (scripts/prebuild.js), or with --use-existing takes prebuilds/ as it is;
//  2. copies the package as an install would see it (package.json, dist/, scripts/, prebuilds/ —
//     never build/) to <tmp>/node_modules/torchnode under os.tmpdir();
//  3. in a child `node` started in <tmp> with no LD_LIBRARY_PATH, requires 'torchnode', does
//     torch.tensor([[1,2],[3,4]]).add(1).tolist(), and reports which files it loaded;
//  4. checks the result, that both addons came from the copied prebuilds/ (require.cache and
//     /proc/self/maps) and nothing from this checkout, and that `readelf -d` (or `objdump -p`)
//     shows no RPATH/RUNPATH pointing at libtorch in the prebuilt binaries.
// Prints PASS or FAIL per check and exits 1 on any failure. Options: --use-existing, --keep (keep
// the temporary folder).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const target = `${process.platform}-${process.arch}`;
const ADDONS = ['torchnode', 'torchnode_loader'];
const useExisting = process.argv.includes('--use-existing');
const keep = process.argv.includes('--keep');

const results = [];
function check(name, ok, detail = '') {
  results.push(ok);
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `\n      ${detail.replace(/\n/g, '\n      ')}` : ''}\n`);
  return ok;
}
const log = (m) => process.stdout.write(`check-prebuild: ${m}\n`);

// Runs in the copied package's parent folder; prints one JSON line.
const CHILD = `
const fs = require('fs');
const out = { ldLibraryPath: process.env.LD_LIBRARY_PATH ?? null };
try {
  out.resolved = require.resolve('torchnode');
  const torch = require('torchnode');
  out.result = torch.tensor([[1, 2], [3, 4]]).add(1).tolist();
} catch (err) {
  out.error = String(err && err.stack || err);
}
out.addons = Object.keys(require.cache).filter((k) => k.endsWith('.node'));
out.mapped = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
  .map((l) => l.trim().split(/\\s+/).slice(5).join(' ')).filter((p) => p.startsWith('/')))];
process.stdout.write('@@RESULT@@' + JSON.stringify(out) + '\\n');
`;

// RPATH/RUNPATH entries of a shared object, from readelf -d, else objdump -p.
function runpaths(file) {
  const tries = [['readelf', ['-d', file], /\((?:RPATH|RUNPATH)\)\s+Library (?:rpath|runpath): \[([^\]]*)\]/g],
    ['objdump', ['-p', file], /^\s*(?:RPATH|RUNPATH)\s+(\S+)/gm]];
  for (const [cmd, args, re] of tries) {
    let text;
    try {
      text = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      if (err.code === 'ENOENT') continue;
      throw err;
    }
    const entries = [...text.matchAll(re)].flatMap((m) => m[1].split(':')).filter(Boolean);
    const needed = [...text.matchAll(/(?:\(NEEDED\)\s+Shared library: \[([^\]]+)\]|^\s*NEEDED\s+(\S+))/gm)].map((m) => m[1] || m[2]);
    return { tool: cmd, entries, needed };
  }
  throw new Error('neither readelf nor objdump is installed');
}

function copyPackage(dest) {
  fs.mkdirSync(dest, { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dest, 'package.json'));
  for (const dir of ['dist', 'scripts', 'prebuilds']) {
    fs.cpSync(path.join(root, dir), path.join(dest, dir), { recursive: true });
  }
  // The package's one runtime dependency, where an install would put it (next to the package).
  const gypBuild = path.join(root, 'node_modules', 'node-gyp-build');
  if (fs.existsSync(gypBuild)) fs.cpSync(gypBuild, path.join(dest, '..', 'node-gyp-build'), { recursive: true });
}

function main() {
  // 1. The prebuilds.
  if (!useExisting) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(__dirname, 'prebuild.js')], { cwd: root, stdio: 'inherit' });
    if (!check(`prebuild (node scripts/prebuild.js, ${((Date.now() - t0) / 1000).toFixed(0)} s)`, r.status === 0,
      r.status === 0 ? '' : `exit status ${r.status}${r.signal ? `, signal ${r.signal}` : ''}`)) return;
  }
  const prebuilt = Object.fromEntries(ADDONS.map((a) => [a, path.join(root, 'prebuilds', target, `${a}.node`)]));
  const missing = Object.values(prebuilt).filter((f) => !fs.existsSync(f));
  if (!check(`prebuilds/${target}/ has ${ADDONS.map((a) => `${a}.node`).join(' and ')}`, missing.length === 0,
    missing.length ? `missing: ${missing.map((f) => path.relative(root, f)).join(', ')}` : '')) return;

  // dist/ is normally there (npm install runs prepare); build it when it is not.
  if (!fs.existsSync(path.join(root, 'dist', 'cjs', 'index.js'))) {
    log('dist/cjs/index.js is missing: running tsc -p tsconfig.build.json');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }

  // 4a. No baked path to libtorch in the binaries.
  const libtorch = require('./libtorch');
  const found = libtorch.locate();
  for (const addon of ADDONS) {
    const { tool, entries, needed } = runpaths(prebuilt[addon]);
    const bad = entries.filter((e) => /torch|c10/i.test(e) || e.startsWith(found.root) || path.isAbsolute(e));
    check(`${addon}.node has no RPATH/RUNPATH pointing at libtorch (${tool})`, bad.length === 0,
      `RPATH/RUNPATH: ${entries.length ? entries.join(':') : 'none'}; NEEDED: ${needed.join(', ')}`);
  }

  // 2. The copy.
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-check-')));
  try {
    const pkg = path.join(tmp, 'node_modules', 'torchnode');
    copyPackage(pkg);
    log(`copied package.json, dist/, scripts/, prebuilds/ to ${pkg}`);

    // 3. The child, without LD_LIBRARY_PATH (or NODE_PATH reaching back into this checkout).
    const env = { ...process.env };
    delete env.LD_LIBRARY_PATH;
    delete env.NODE_PATH;
    const r = spawnSync(process.execPath, ['-e', CHILD], { cwd: tmp, env, encoding: 'utf8', timeout: 180000 });
    const line = (r.stdout || '').split('\n').find((l) => l.startsWith('@@RESULT@@'));
    if (!check('child node process ran', r.status === 0 && !!line,
      `exit status ${r.status}${r.signal ? `, signal ${r.signal}` : ''}\n${(r.stderr || '').trim()}`.trim())) return;
    const out = JSON.parse(line.slice('@@RESULT@@'.length));

    // 4b. What it did and what it loaded.
    check('child ran without LD_LIBRARY_PATH', out.ldLibraryPath === null);
    check("require('torchnode') resolved to the copy", out.resolved === path.join(pkg, 'dist', 'cjs', 'index.js'), `resolved: ${out.resolved}`);
    const want = [[2, 3], [4, 5]];
    check('torch.tensor([[1,2],[3,4]]).add(1).tolist() is [[2,3],[4,5]]', !out.error && JSON.stringify(out.result) === JSON.stringify(want),
      out.error ? out.error : `got ${JSON.stringify(out.result)}`);
    const copied = ADDONS.map((a) => path.join(pkg, 'prebuilds', target, `${a}.node`));
    check('require.cache holds exactly the copied prebuilds', JSON.stringify([...out.addons].sort()) === JSON.stringify([...copied].sort()),
      `addons in require.cache:\n${out.addons.join('\n') || '(none)'}`);
    const mappedAddons = out.mapped.filter((p) => p.endsWith('.node'));
    check('/proc/self/maps maps the copied prebuilds', copied.every((f) => mappedAddons.includes(f)), `mapped .node files:\n${mappedAddons.join('\n')}`);
    const fromCheckout = out.mapped.filter((p) => p === root || p.startsWith(root + path.sep));
    check(`/proc/self/maps has nothing from ${root} (build/ included)`, fromCheckout.length === 0, fromCheckout.join('\n'));
    const torchLibs = out.mapped.filter((p) => /\/lib(?:torch|c10)[^/]*\.so/.test(p));
    check('libtorch was loaded from the run-time locator\'s folder', torchLibs.length > 0 && torchLibs.every((p) => p.startsWith(found.root + path.sep)),
      `${libtorch.describe(found)}\n${torchLibs.join('\n')}`);
  } finally {
    if (keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  check('check-prebuild ran to the end', false, String(err && err.stack || err));
}
const ok = results.length > 0 && results.every(Boolean);
process.stdout.write(`\ncheck-prebuild: ${ok ? 'PASS' : 'FAIL'}\n`);
process.exit(ok ? 0 : 1);
