'use strict';
// The Python side of the tests: a venv at .venv with the pinned PyTorch (CPU, from the local wheel
// mirror here), used to generate expected values and to read back what torchnode writes.
//   node scripts/pyenv.js                 create .venv if needed, print its python
//   node scripts/pyenv.js --run file.py   ... then run a script with it
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const venv = path.join(root, '.venv');
const python = path.join(venv, 'bin', 'python');
// pyyaml: torchgen (scripts/generate-ops.py) parses native_functions.yaml with it; numpy:
// PyTorch's OpInfo database (scripts/fixtures/opinfo.py) imports it; torchvision: reference models
// and weights (a CUDA build beside the CPU torch: see scripts/fixtures/common for the nms stub);
// tensorboard: reads back the event files torch.utils.tensorboard writes.
const REQUIREMENTS = ['torch==2.13.0', 'torchvision==0.28.0', 'tensorboard', 'pyyaml', 'numpy'];
const log = (m) => process.stderr.write(`pyenv: ${m}\n`);

function hasTorch() {
  try {
    const v = execFileSync(python, ['-c', 'import yaml, numpy, torch, tensorboard, importlib.util as u; assert u.find_spec("torchvision"); print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return v.startsWith('2.13.');
  } catch {
    return false;
  }
}

function ensure() {
  if (fs.existsSync(python) && hasTorch()) return python;
  log(`creating ${venv} with ${REQUIREMENTS.join(' ')}`);
  if (!fs.existsSync(python)) execFileSync(process.env.PYTHON || 'python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  // --retries 0: an unreachable index fails fast instead of retrying for minutes.
  execFileSync(python, ['-m', 'pip', 'install', '-q', '--retries', '0', '--timeout', '10', ...REQUIREMENTS], { stdio: 'inherit' });
  if (!hasTorch()) throw new Error('the venv has no working torch 2.13');
  return python;
}

module.exports = { ensure, python };

if (require.main === module) {
  try {
    const py = ensure();
    const i = process.argv.indexOf('--run');
    if (i >= 0) execFileSync(py, process.argv.slice(i + 1), { stdio: 'inherit', cwd: root });
    else process.stdout.write(`${py}\n`);
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
