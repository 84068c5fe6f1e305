// The child-process replay loop and report writing shared by test/opinfo.test.ts and
// test/moduleinfo.test.ts. A child (test/opinfo/child.ts, test/moduleinfo/child.ts) prints
// `count <n>`, then `start <i>` before and `result <json>` after each entry, so the parent can tell
// which entry a crash (a signal from the addon) or a hang happened in and start a new process after it.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ReplayOptions<R> {
  /** The database's name in messages: 'OpInfo', 'ModuleInfo'. */
  label: string;
  /** One entry in messages: 'op', 'module'. */
  unit: string;
  /** The child script (run through test/opinfo/register-ts.js). */
  child: string;
  /** The child's arguments for a process that starts at entry `start`. */
  args: (start: number) => string[];
  /** A process that prints nothing for this long is taken as hung in its current entry. */
  stepTimeoutMs: number;
  totalTimeoutMs: number;
  /** The entry keys in file order (to name an entry that crashed its process). */
  keys: () => string[];
  /** The result recorded for an entry whose process crashed or hung. */
  crashed: (key: string, category: 'hang' | 'crash', reason: string) => R;
}

interface ChildRun<R> {
  results: R[];
  count: number;
  current: number;
  why: string;
  stderr: string;
}

/** One child process from `start` on: its results, and the entry it died or hung in (-1 when it finished). */
function runChild<R>(o: ReplayOptions<R>, start: number): Promise<ChildRun<R>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'opinfo', 'register-ts.js'), o.child, ...o.args(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const results: R[] = [];
    let count = -1;
    let current = -1;
    let buffered = '';
    let stderr = '';
    let hung = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms = o.stepTimeoutMs): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, ms);
    };
    // Starting (loading lib/ and the fixture) may take longer than one entry on a busy machine.
    arm(o.stepTimeoutMs * 4);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.stdout.on('data', (d: string) => {
      arm();
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('count ')) count = Number(line.slice(6));
        else if (line.startsWith('start ')) current = Number(line.slice(6));
        else if (line.startsWith('result ')) {
          results.push(JSON.parse(line.slice(7)) as R);
          current = -1;
        }
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const why = hung ? `hang: no progress for ${(count < 0 ? o.stepTimeoutMs * 4 : o.stepTimeoutMs) / 1000}s` : signal !== null ? `crash: process killed by ${signal}` : `crash: exit ${String(code)}`;
      resolve({ results, count, current: code === 0 && !hung ? -1 : current, why, stderr });
    });
  });
}

/**
 * Replays every entry in child processes: one that crashes the process (a signal from the addon) or
 * hangs is recorded as failing, and a new process goes on after it.
 */
export async function replay<R>(o: ReplayOptions<R>): Promise<R[]> {
  const results: R[] = [];
  const deadline = Date.now() + o.totalTimeoutMs;
  let start = 0;
  let keys: string[] | undefined;
  for (;;) {
    const r = await runChild(o, start);
    results.push(...r.results);
    if (r.count < 0) throw new Error(`${o.label} replay did not start: ${r.why}\n${r.stderr}`);
    if (r.current < 0) {
      if (results.length < r.count && r.results.length === 0) throw new Error(`${o.label} replay stopped: ${r.why}\n${r.stderr}`);
      if (results.length >= r.count) break;
      start = results.length; // died between two entries
    } else {
      keys ??= o.keys();
      const tail = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
      results.push(o.crashed(keys[r.current] ?? `#${r.current}`, r.why.startsWith('hang') ? 'hang' : 'crash',
        `${r.why}${tail ? `; ${tail.slice(0, 120)}` : ''}`));
      start = r.current + 1;
    }
    if (start >= r.count) break;
    if (Date.now() > deadline) throw new Error(`${o.label} replay took over ${o.totalTimeoutMs / 1000}s (stopped at ${o.unit} ${start} of ${r.count})`);
  }
  return results;
}

/** The keys listed under `field` in `dir`/index.json, in file order. */
export function indexKeys(dir: string, field: string): string[] {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as Record<string, { key: string }[]>;
  return index[field]!.map((o) => o.key);
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/**
 * Writes `report` to `file` and `json` beside it (.json for .txt), and prints the report up to the
 * line starting with `cut` (the console gets the summary, the file the whole report).
 */
export function writeReport(file: string, report: string, json: unknown, cut: string): void {
  fs.writeFileSync(file, report);
  fs.writeFileSync(file.replace(/\.txt$/, '.json'), JSON.stringify(json, null, 1));
  process.stdout.write(report.split(`\n${cut}`)[0] + `\n(full report: ${path.relative(process.cwd(), file)})\n`);
}
