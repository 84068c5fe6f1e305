'use strict';
// Runs the TypeScript ports of the seed tutorial (examples/seed/*.ts), each the twin of the Python
// original in examples/seed/python/ with the same name; test/seed.test.ts checks that both print
// the same. TypeScript is transpiled on the fly (no type checking here: `npx tsc --noEmit` does it).
//   npm run example:seed                 all of them
//   npm run example:seed -- 04_vgg        one (any unique prefix: 04, vgg)
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};

const examples = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts')).sort();
const wanted = process.argv[2];
const chosen = wanted === undefined ? examples : examples.filter((f) => f.includes(wanted));
if (chosen.length === 0) {
  console.error(`no seed example matches "${wanted}"; there are: ${examples.map((f) => f.slice(0, -3)).join(', ')}`);
  process.exit(1);
}
for (const file of chosen) {
  if (chosen.length > 1) console.log(`\n===== ${file.slice(0, -3)} =====`);
  require(path.join(__dirname, file));
}
