'use strict';
// Deletes compiled files in dist/cjs whose source in lib/ is gone: tsc never removes them, and a
// stale dist/cjs/x.js shadows a newer dist/cjs/x/index.js in Node's module resolution.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'cjs');
const source = (rel) => rel.replace(/(\.d\.ts|\.js\.map|\.js)$/, '');
const hasSource = (base) => ['.ts', '.js'].some((ext) => fs.existsSync(path.join(root, 'lib', base + ext)));

function prune(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(full);
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
    } else if (!hasSource(source(path.relative(out, full)))) {
      fs.rmSync(full);
    }
  }
}
if (fs.existsSync(out)) prune(out);
