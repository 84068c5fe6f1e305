'use strict';
// Lets a plain `node` child process require the TypeScript sources (lib/, test/opinfo/) the way
// jest's ts-jest does: transpile only, CommonJS. Used by test/opinfo.test.ts, which replays the
// OpInfo cases in child processes so that a crash in the addon costs one op, not the suite.
const fs = require('fs');
const ts = require('typescript');

const options = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  sourceMap: false,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
  module._compile(outputText, filename);
};
