// One replay process (see test/opinfo.test.ts): runs the OpInfo files listed in index.json from
// argv[3] on, printing `start <i>` before each and `result <json>` after it, so the parent can tell
// which op a crash (a signal from the addon) or a hang happened in and start a new process after it.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../lib';
import { runOp, type OpResult } from './runner';

const [dir, startArg] = process.argv.slice(2);
const index = JSON.parse(fs.readFileSync(path.join(dir!, 'index.json'), 'utf8')) as { ops: { key: string; file: string }[] };
const out = (line: string): void => {
  process.stdout.write(line + '\n');
};
out(`count ${index.ops.length}`);
for (let i = Number(startArg ?? 0); i < index.ops.length; i++) {
  const { key, file } = index.ops[i]!;
  out(`start ${i}`);
  const t0 = Date.now();
  const failed = (category: string, e: unknown): OpResult => ({
    key, status: 'fail', category, reason: `${category}: ${String(e).split('\n').slice(0, 2).join(' ').slice(0, 200)}`,
    cases: 1, failedCases: 1, grads: 0, errorInputs: 0, notes: [],
  });
  let r: OpResult;
  let entry: unknown;
  try {
    entry = torch.load(path.join(dir!, file));
  } catch (e) {
    entry = undefined;
    r = failed('torch.load of the case file failed', e);
  }
  if (entry !== undefined) {
    try {
      r = runOp(entry);
    } catch (e) {
      r = failed('harness', e);
    }
  }
  out(`result ${JSON.stringify({ ...r!, ms: Date.now() - t0 })}`);
}
