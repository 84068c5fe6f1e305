'use strict';
// Pretrained weights for the examples: the torch hub cache (torchvision's file names under
// $TORCH_HOME/hub/checkpoints), a download into it when the machine can reach the URL, or a local
// file (--weights). Without a connection the message says which file to place where.
const fs = require('fs');
const path = require('path');
const torch = require('../..');

/** Where torchvision keeps (or would download) the checkpoint of `weights`. */
function cachedFile(weights) {
  return path.join(torch.vision.models.getDir(), 'checkpoints', path.posix.basename(new URL(weights.url).pathname));
}

function missingMessage(weights, reason) {
  const file = cachedFile(weights);
  return (
    `${weights} needs ${path.basename(file)}, which is not in the torch hub cache${reason ? ` (${reason})` : ''}.\n` +
    `On a machine without internet, download ${weights.url}\n` +
    `elsewhere and copy it to ${file}\n` +
    `(the cache is $TORCH_HOME/hub/checkpoints, ~/.cache/torch/hub/checkpoints by default), or pass --weights <file>.`
  );
}

/**
 * A model with pretrained weights: `build({ weights })` through torchvision's builder (the cache,
 * else a download unless `offline`), or `build({ weights: null, ... })` then the state_dict in `file`.
 */
function pretrained(build, weights, { file = null, offline = false, options = {} } = {}) {
  if (file !== null) {
    const model = build({ weights: null, ...options });
    model.loadStateDict(torch.load(file));
    return model;
  }
  if (!fs.existsSync(cachedFile(weights))) {
    if (offline) throw new Error(missingMessage(weights, 'and --offline forbids a download'));
    try {
      return build({ weights, ...options });
    } catch (err) {
      if (fs.existsSync(cachedFile(weights))) throw err;
      throw new Error(missingMessage(weights, err.message));
    }
  }
  return build({ weights, ...options });
}

/** `--name value` options and the positional arguments of argv. */
function parseArgs(argv, flags) {
  const out = { positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const name = a.slice(2);
    if (!(name in flags)) throw new Error(`unknown option ${a}; options: ${Object.keys(flags).map((f) => `--${f}`).join(', ')}`);
    if (flags[name] === 'boolean') out[name] = true;
    else if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    else out[name] = argv[++i];
  }
  return out;
}

module.exports = { cachedFile, pretrained, parseArgs };
