'use strict';
// `npm run prebuild`: builds prebuilt binaries with prebuildify (Node-API, stripped) through
// binding.gyp, into prebuilds/<platform>-<arch>/torchnode.node and torchnode_loader.node — the
// names lib/native.ts looks for.
//
// How, and why this way:
//  * prebuildify runs `node-gyp rebuild`, which deletes and rewrites build/ — where the main
//    (cmake-js) build lives. Rather than moving build/ aside and back (a crash or Ctrl-C in
//    between would lose it, and CMake's cache holds absolute paths), prebuildify runs in a
//    throwaway staging copy under os.tmpdir() holding only what binding.gyp reads (package.json,
//    binding.gyp, native/, scripts/libtorch.js, and a symlink to this package's node_modules).
//    Only the finished binaries are copied back, so build/ here is never touched.
//  * prebuildify handles one addon per package: after node-gyp it takes the first *.node in
//    build/Release, strips it and renames it prebuilds/<platform>-<arch>/<package name>.node,
//    leaving any other .node behind. This script checks which of the two addons it took, and
//    strips and copies the other one itself, so both land under their own names.
//  * node-gyp compiles against local headers (--nodedir: npm's nodedir, else the headers next
//    to this node binary), not downloaded ones, and libtorch is pinned with LIBTORCH to the one
//    scripts/libtorch.js finds now, so every `<!(node scripts/libtorch.js ...)` in binding.gyp
//    agrees.
// Options: --keep leaves the staging folder in place (its path is printed).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const libtorch = require('./libtorch');

const root = path.join(__dirname, '..');
const ADDONS = ['torchnode', 'torchnode_loader'];
const log = (m) => process.stderr.write(`torchnode prebuild: ${m}\n`);

// The folder to give node-gyp as --nodedir (one holding include/node/node_api.h), or null.
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function onPath(cmd) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

// The staging copy: just what binding.gyp and prebuildify read.
function stage(dir) {
  for (const f of ['package.json', 'binding.gyp']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  fs.cpSync(path.join(root, 'native'), path.join(dir, 'native'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(root, 'scripts', 'libtorch.js'), path.join(dir, 'scripts', 'libtorch.js'));
  // node-addon-api (binding.gyp's include dir) and node-gyp resolve through it.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

function strip(file) {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return;
  const bin = process.env.PREBUILD_STRIP_BIN || 'strip';
  execFileSync(bin, process.platform === 'darwin' ? [file, '-Sx'] : [file, '--strip-all'], { stdio: 'inherit' });
}

// Copies next to dest then renames over it, so a process that has the old binary mapped keeps it.
function install(from, dest) {
  const tmp = `${dest}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, dest);
}

function main() {
  const keep = process.argv.includes('--keep');
  const started = Date.now();
  const found = libtorch.locateOrFetch({ log });
  log(`using ${libtorch.describe(found)}`);

  const env = { ...process.env, LIBTORCH: found.root };
  const nodedir = nodeDir();
  if (nodedir) env.npm_config_nodedir = nodedir;
  log(nodedir ? `node headers: ${nodedir}/include/node` : 'no local node headers found: node-gyp will download them');
  // Reuse compilations across runs when ccache is there (the staging folder's name changes,
  // hence the base dir; the sloppiness is the same as scripts/build.js).
  if (!env.CC && !env.CXX && onPath('ccache')) {
    Object.assign(env, { CC: 'ccache cc', CXX: 'ccache c++', CCACHE_NOHASHDIR: '1',
      CCACHE_SLOPPINESS: 'time_macros,include_file_mtime,include_file_ctime' });
  }

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-prebuild-'));
  if (env.CC === 'ccache cc') env.CCACHE_BASEDIR = staging;
  let interrupted = false;
  const onSignal = () => { interrupted = true; }; // the child gets it too; cleanup below still runs
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    stage(staging);
    const args = [
      require.resolve('prebuildify/bin.js'),
      '--napi', '--strip',
      '--target', process.versions.node, // headers version; with --napi the binary is version-independent
      '--node-gyp', path.join(root, 'node_modules', '.bin', 'node-gyp'),
    ];
    log(`staging in ${staging}; running: prebuildify ${args.slice(1).map((a) => path.isAbsolute(a) ? path.relative(root, a) : a).join(' ')}`);
    execFileSync(process.execPath, args, { cwd: staging, env, stdio: 'inherit' });
    if (interrupted) throw new Error('interrupted');

    const target = `${process.platform}-${process.arch}`;
    const outDir = path.join(staging, 'prebuilds', target);
    const pkgName = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name;
    const taken = path.join(outDir, `${pkgName}.node`);
    if (!fs.existsSync(taken)) {
      throw new Error(`prebuildify did not produce ${path.relative(staging, taken)} (found: ${fs.readdirSync(outDir).join(', ') || 'nothing'})`);
    }
    const releaseDir = path.join(staging, 'build', 'Release');
    const left = ADDONS.filter((a) => fs.existsSync(path.join(releaseDir, `${a}.node`)));
    const takenAddon = ADDONS.filter((a) => !left.includes(a));
    if (takenAddon.length !== 1 || left.length !== 1) {
      throw new Error(`expected node-gyp to build ${ADDONS.join(' and ')} and prebuildify to take one; build/Release has ${left.join(', ') || 'neither'}`);
    }
    const built = { [takenAddon[0]]: taken, [left[0]]: path.join(releaseDir, `${left[0]}.node`) };
    strip(built[left[0]]); // prebuildify already stripped the one it took

    const dest = path.join(root, 'prebuilds', target);
    fs.mkdirSync(dest, { recursive: true });
    for (const addon of ADDONS) {
      const file = path.join(dest, `${addon}.node`);
      install(built[addon], file);
      log(`wrote ${path.relative(root, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    if (keep) log(`kept ${staging}`);
    else fs.rmSync(staging, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  log(`FAILED: ${err.message}`);
  process.exit(1);
}
