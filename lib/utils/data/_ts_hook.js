'use strict';
// Used only while torchnode runs from its TypeScript sources (under ts-jest): a DataLoader worker
// (or a test's child process) has no TypeScript loader of its own, so this one transpiles each .ts
// file on require, as ts-jest does (transpile only, CommonJS), keeping the output in a cache
// folder so that later workers start fast.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { threadId } = require('worker_threads');

if (!require.extensions['.ts']) {
  const ts = require('typescript');
  const dir = path.join(os.tmpdir(), `torchnode-ts-${ts.version}`);
  fs.mkdirSync(dir, { recursive: true });
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const cached = path.join(dir, `${crypto.createHash('sha1').update(filename).update(source).digest('hex')}.js`);
    let out;
    try {
      out = fs.readFileSync(cached, 'utf8');
    } catch {
      out = ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
      const tmp = `${cached}.${process.pid}.${threadId}`;
      fs.writeFileSync(tmp, out);
      fs.renameSync(tmp, cached);
    }
    module._compile(out, filename);
  };
}
