'use strict';
// Makes the Python venv (real PyTorch) and regenerates every fixture from it, so expected values
// always come from PyTorch itself and never go stale.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

module.exports = async () => {
  const root = path.join(__dirname, '..');
  const python = require(path.join(root, 'scripts', 'pyenv.js')).ensure();
  const out = path.join(__dirname, 'fixtures', 'generated');
  fs.mkdirSync(out, { recursive: true });
  const dir = path.join(root, 'scripts', 'fixtures');
  for (const script of fs.readdirSync(dir).filter((f) => f.endsWith('.py')).sort()) {
    execFileSync(python, [path.join(dir, script), out], { stdio: 'inherit', cwd: root });
  }
};
