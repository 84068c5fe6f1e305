'use strict';
// Finds libtorch for the build and at run time. One resolution order, used by CMake
// (through scripts/build.js), by binding.gyp, and by lib/native.ts when the addon loads:
//   (a) LIBTORCH=<folder with lib/, include/, share/cmake/Torch>
//   (b) an installed Python PyTorch (the `torch` package folder has the same layout)
//   (c) the pinned PyTorch wheel, unpacked into a cache folder (fetched with pip when allowed)
// Only libtorch 2.13.x is accepted.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const PINNED = '2.13.0';
const PINNED_SERIES = '2.13.';

function cacheRoot() {
  return process.env.TORCHNODE_CACHE || path.join(os.homedir(), '.cache', 'torchnode');
}

function cachedLibtorch() {
  return path.join(cacheRoot(), `libtorch-${PINNED}`);
}

// The version a libtorch folder declares, or null when the folder is not a libtorch.
function versionOf(root) {
  const file = path.join(root, 'share', 'cmake', 'Torch', 'TorchConfigVersion.cmake');
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const m = /set\(PACKAGE_VERSION "([^"]+)"\)/.exec(text);
  return m ? m[1] : null;
}

function hasCuda(root) {
  return fs.existsSync(path.join(root, 'lib', 'libtorch_cuda.so'));
}

const HOW_TO = [
  `  (a) set LIBTORCH to a libtorch ${PINNED} folder (the one holding lib/, include/ and share/cmake/Torch);`,
  `  (b) install PyTorch ${PINNED} for the python3 on PATH (pip install torch==${PINNED});`,
  `  (c) let the build fetch the wheel: pip download --no-deps torch==${PINNED} must work, and it is unpacked into ${cachedLibtorch()}`,
  '      (set TORCHNODE_CACHE to move that folder).',
].join('\n');

function describe(found) {
  return `libtorch ${found.version}${found.cuda ? ' (CUDA)' : ' (CPU)'} from ${found.source}: ${found.root}`;
}

function checked(root, source) {
  const version = versionOf(root);
  if (version === null) return { root, source, version: null };
  return { root, source, version, cuda: hasCuda(root) };
}

function wrongVersion(found) {
  return new Error(
    `torchnode needs libtorch ${PINNED_SERIES}x but ${found.source} points at libtorch ${found.version} (${found.root}).\n` +
      `Point at the right one in one of these ways:\n${HOW_TO}`,
  );
}

// The Python `torch` package folder, found without importing torch (which takes a second).
function pythonTorchFolder() {
  const python = process.env.PYTHON || 'python3';
  try {
    const out = execFileSync(
      python,
      ['-c', "import importlib.util as u; s = u.find_spec('torch'); print(s.submodule_search_locations[0] if s else '')"],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20000 },
    ).trim();
    return out || null;
  } catch {
    return null;
  }
}

// Resolves without fetching: returns { root, source, version, cuda } or throws.
function locate({ log = () => {} } = {}) {
  if (process.env.LIBTORCH) {
    const found = checked(path.resolve(process.env.LIBTORCH), 'LIBTORCH');
    if (found.version === null) {
      throw new Error(`LIBTORCH=${process.env.LIBTORCH} is not a libtorch folder (no share/cmake/Torch/TorchConfigVersion.cmake).\n${HOW_TO}`);
    }
    if (!found.version.startsWith(PINNED_SERIES)) throw wrongVersion(found);
    return found;
  }
  const pyFolder = pythonTorchFolder();
  if (pyFolder) {
    const found = checked(pyFolder, 'the installed Python PyTorch');
    if (found.version !== null && found.version.startsWith(PINNED_SERIES)) return found;
    if (found.version !== null) log(`Skipping ${describe(found)}: torchnode needs ${PINNED_SERIES}x.`);
  }
  const cached = checked(cachedLibtorch(), 'the torchnode cache');
  if (cached.version !== null && cached.version.startsWith(PINNED_SERIES)) return cached;
  const err = new Error(`torchnode could not find libtorch ${PINNED}. Provide it in one of these ways:\n${HOW_TO}`);
  err.code = 'LIBTORCH_NOT_FOUND';
  throw err;
}

// (c): download the pinned wheel with pip and unpack lib/, include/ and share/ into the cache.
function fetchWheel({ log = () => {} } = {}) {
  const target = cachedLibtorch();
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheRoot(), '.fetch-'));
  try {
    const python = process.env.PYTHON || 'python3';
    log(`Fetching torch==${PINNED} with pip into ${target} ...`);
    execFileSync(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--retries', '0', '--timeout', '10', '-d', work, `torch==${PINNED}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const wheel = fs.readdirSync(work).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error('pip download produced no wheel');
    const unpacked = path.join(work, 'unpacked');
    // Python's zipfile: pip is already a requirement of this path, unzip is not.
    execFileSync(python, ['-c', UNPACK, path.join(work, wheel), unpacked], { stdio: 'inherit' });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(path.join(unpacked, 'torch'), target);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return checked(target, 'the torchnode cache (fetched with pip)');
}

const UNPACK = `
import sys, zipfile
def wanted(n):
    if n.startswith('torch/lib/'):  # the Python binding and test libraries are not needed
        base = n.rsplit('/', 1)[-1]
        return base != 'libtorch_python.so' and 'test' not in base
    return n.startswith(('torch/include/', 'torch/share/'))
with zipfile.ZipFile(sys.argv[1]) as z:
    names = [n for n in z.namelist() if wanted(n)]
    z.extractall(sys.argv[2], names)
`;

// Resolves, fetching the wheel when nothing is installed (what a build does).
function locateOrFetch({ log = () => {} } = {}) {
  try {
    return locate({ log });
  } catch (err) {
    if (err.code !== 'LIBTORCH_NOT_FOUND') throw err;
    try {
      return fetchWheel({ log });
    } catch (fetchErr) {
      throw new Error(`${err.message}\nFetching the wheel failed: ${fetchErr.message}`);
    }
  }
}

// Shared libraries to open, in dependency order, before the addon itself is loaded.
function runtimeLibraries(found) {
  const lib = path.join(found.root, 'lib');
  const names = ['libc10.so', 'libtorch_cpu.so'];
  if (found.cuda) names.push('libc10_cuda.so', 'libtorch_cuda.so');
  names.push('libtorch.so');
  return names.map((n) => path.join(lib, n)).filter((p) => fs.existsSync(p));
}

module.exports = { PINNED, locate, locateOrFetch, runtimeLibraries, describe };

// CLI: `node scripts/libtorch.js [--root|--include|--lib|--cuda|--describe]` prints one fact,
// fetching when needed (binding.gyp and CMake call it this way).
if (require.main === module) {
  const log = (m) => process.stderr.write(`${m}\n`);
  try {
    const found = locateOrFetch({ log });
    const flag = process.argv[2] || '--describe';
    const out = {
      '--root': found.root,
      '--include': [path.join(found.root, 'include'), path.join(found.root, 'include', 'torch', 'csrc', 'api', 'include')].join(' '),
      '--lib': path.join(found.root, 'lib'),
      '--cuda': found.cuda ? '1' : '0',
      '--describe': describe(found),
    }[flag];
    if (out === undefined) throw new Error(`unknown flag ${flag}`);
    process.stdout.write(`${out}\n`);
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
