'use strict';
// `npm install` / `npm run build:native`: find (or fetch) libtorch, then build the addon with
// cmake-js. Skips the build when a loadable build or prebuild is already there (unless --force).
const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');
const libtorch = require('./libtorch');

const root = path.join(__dirname, '..');
const log = (m) => process.stderr.write(`torchnode: ${m}\n`);

function main() {
  const force = process.argv.includes('--force');
  const found = libtorch.locateOrFetch({ log });
  log(`using ${libtorch.describe(found)}`);
  const built = path.join(root, 'build', 'Release', 'torchnode.node');
  if (!force && fs.existsSync(built)) {
    log(`addon already built (${path.relative(root, built)}); npm run build:native rebuilds it`);
    return;
  }
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'build', '--parallel', String(Math.max(1, require('os').availableParallelism?.() ?? 2)),
    `--CDTorch_DIR=${path.join(found.root, 'share', 'cmake', 'Torch')}`];
  log(`building: node ${args.map((a) => path.basename(a) === 'cmake-js' ? 'cmake-js' : a).join(' ')}`);
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, CCACHE_SLOPPINESS: 'pch_defines,time_macros,include_file_mtime,include_file_ctime' } });
}

try {
  main();
} catch (err) {
  log(err.message);
  process.exit(1);
}
