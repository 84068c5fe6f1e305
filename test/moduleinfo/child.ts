// One replay process (see test/moduleinfo.test.ts): runs the ModuleInfo files listed in index.json
// from argv[3] on, printing `start <i>` before each and `result <json>` after it, so the parent can
// tell which module a crash (a signal from the addon) or a hang happened in and go on after it.
// Whole models for the Python round trip are written into argv[4].
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../lib';
import { runModule, type ModuleResult } from './runner';

const [dir, startArg, saveDir] = process.argv.slice(2);
const index = JSON.parse(fs.readFileSync(path.join(dir!, 'index.json'), 'utf8')) as { modules: { key: string; file: string }[] };
const out = (line: string): void => {
  process.stdout.write(line + '\n');
};
out(`count ${index.modules.length}`);
for (let i = Number(startArg ?? 0); i < index.modules.length; i++) {
  const { key, file } = index.modules[i]!;
  out(`start ${i}`);
  const t0 = Date.now();
  const failed = (category: string, e: unknown): ModuleResult => ({
    key, cls: key.replace(/^nn\./, ''), status: 'fail', category, reason: `${category}: ${String(e).split('\n').slice(0, 2).join(' ').slice(0, 200)}`,
    cases: 1, failedCases: 1, checks: {}, failures: {}, init: [0, 0], argErrors: [0, 0], argErrorFailures: [], roundtrips: [], notes: [],
  });
  const fixture = path.join(dir!, file);
  let r: ModuleResult;
  let entry: unknown;
  try {
    entry = torch.load(fixture);
  } catch (e) {
    entry = undefined;
    r = failed('torch.load of the case file failed', e);
  }
  if (entry !== undefined) {
    try {
      r = runModule(entry, fixture, saveDir!);
    } catch (e) {
      r = failed('harness', e);
    }
  }
  out(`result ${JSON.stringify({ ...r!, ms: Date.now() - t0 })}`);
}
