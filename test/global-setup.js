'use strict';
// Makes the Python venv (real PyTorch) and regenerates the fixtures from it, so expected values
// always come from PyTorch itself. A script runs again whenever it, or a file it reads (SHARED),
// changed since its last run (its stamp file is older); a clean checkout, as in CI, runs them all.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const mtime = (f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : -1);
// What fixture scripts import or run besides themselves.
const SHARED = ['scripts/fixtures/common', 'examples/seed/python'];
const newest = (dir) => Math.max(-1, ...fs.readdirSync(dir).map((f) => mtime(path.join(dir, f))));

module.exports = async () => {
  const root = path.join(__dirname, '..');
  const python = require(path.join(root, 'scripts', 'pyenv.js')).ensure();
  const out = path.join(__dirname, 'fixtures', 'generated');
  fs.mkdirSync(out, { recursive: true });
  const dir = path.join(root, 'scripts', 'fixtures');
  const shared = Math.max(...SHARED.map((d) => newest(path.join(root, d))));
  for (const script of fs.readdirSync(dir).filter((f) => f.endsWith('.py')).sort()) {
    const source = path.join(dir, script);
    const stamp = path.join(out, `.${script}.stamp`);
    if (mtime(stamp) > Math.max(mtime(source), shared)) continue;
    execFileSync(python, [source, out], { stdio: 'inherit', cwd: root });
    fs.writeFileSync(stamp, '');
  }
};
