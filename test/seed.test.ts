// Every snippet of the seed tutorial has a TypeScript twin (examples/seed/*.ts) that prints what
// the Python original (examples/seed/python/*.py, run by scripts/fixtures/seed.py) prints.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixture } from './helpers';

const expected = fixture<Record<string, string>>('seed.json');
const folder = path.join(__dirname, '..', 'examples', 'seed');
const examples = fs.readdirSync(folder).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

test('every example has its Python original and the other way round', () => {
  expect(examples).toEqual(Object.keys(expected).sort());
});

test.each(examples)('%s prints what PyTorch prints', (name) => {
  const out = execFileSync(process.execPath, [path.join(folder, 'run.js'), name], { encoding: 'utf8' });
  expect(out).toBe(expected[name]);
});
