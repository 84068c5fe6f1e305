// examples/serve under load (autocannon, bounded in time), as a deployment runs it: the CLI on the
// TorchScript classifier of scripts/fixtures/serve.py, with and without dynamic batching. Good
// requests are mixed with malformed ones on every connection while another client keeps asking
// /health. Every good request gets PyTorch's answer, every malformed one its 4xx, /health always
// answers, and the server drains and exits 0 on SIGTERM. Figures are printed, never asserted.
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { expectClose, fixture } from './helpers';

/* eslint-disable @typescript-eslint/no-require-imports */
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<Result>;
interface Result {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

const root = path.join(__dirname, '..');
const dir = path.join(__dirname, 'fixtures', 'generated', 'serve');
const cases = fixture<{ input_shape: number[]; inputs: number[][][][]; alone: { logits: number[][] } }>('serve/cases.json');

async function startServer(extra: string[]): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const args = [path.join(root, 'examples', 'serve', 'main.js'), '--model', path.join(dir, 'classifier.pt'), '--input-shape', cases.input_shape.join(','), '--port', '0', '--max-queue', '1024', '--threads', '1', ...extra];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
  return { child, port, exited };
}

type Seen = { status: number; body: string }[];

async function underLoad(name: string, extra: string[]): Promise<void> {
  const { child, port, exited } = await startServer(extra);
  try {
    const url = `http://127.0.0.1:${port}`;
    const seen: Record<'good' | 'badJson' | 'badShape', Seen> = { good: [], badJson: [], badShape: [] };
    const record = (kind: keyof typeof seen) => (status: number, body: string) => void seen[kind].push({ status, body });
    const json = { 'content-type': 'application/json' };
    const wrongShape = cases.inputs[0]!.map((plane) => plane.map((row) => row.slice(1)));
    const load = autocannon({
      url,
      connections: 8,
      duration: 3,
      requests: [
        { method: 'POST', path: '/predict', headers: json, body: JSON.stringify({ inputs: cases.inputs[0] }), onResponse: record('good') },
        { method: 'POST', path: '/predict', headers: json, body: '{"inputs": [1, 2', onResponse: record('badJson') },
        { method: 'POST', path: '/predict', headers: json, body: JSON.stringify({ inputs: wrongShape }), onResponse: record('badShape') },
      ],
    });
    const health: Seen = [];
    const healthLoad = autocannon({ url: `${url}/health`, connections: 1, duration: 3, requests: [{ method: 'GET', onResponse: (status: number, body: string) => void health.push({ status, body }) }] });
    const [p, h] = await Promise.all([load, healthLoad]);
    console.log(`${name}: ${Math.round(p.requests.average)} req/s (a third of them malformed), p50 ${p.latency.p50} ms, p99 ${p.latency.p99} ms; /health p99 ${h.latency.p99} ms over ${h.requests.total} requests`);

    expect([p.errors, p.timeouts, h.errors, h.timeouts]).toEqual([0, 0, 0, 0]);
    expect(seen.good.length).toBeGreaterThan(10);
    expect(seen.good.filter((r) => r.status !== 200)).toEqual([]);
    // Every answer is PyTorch's logits for the sample, whatever batch it travelled in.
    for (const r of [seen.good[0]!, seen.good[seen.good.length - 1]!]) expectClose(JSON.parse(r.body).outputs, cases.alone.logits[0]!, 1e-4, 1e-5);
    expect(seen.badJson.length).toBeGreaterThan(10);
    expect(new Set(seen.badJson.map((r) => `${r.status} ${JSON.parse(r.body).error.split(':')[0]}`))).toEqual(new Set(['400 malformed JSON']));
    expect(new Set(seen.badShape.map((r) => r.status))).toEqual(new Set([400]));
    expect(health.length).toBeGreaterThan(10);
    expect(health.filter((r) => r.status !== 200)).toEqual([]);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}

test('without batching: good requests answered, malformed ones 4xx, /health answering', async () => {
  await underLoad('no batching', ['--max-batch', '1', '--max-delay-ms', '0']);
});

test('with dynamic batching: the same', async () => {
  await underLoad('dynamic batching', ['--max-batch', '8', '--max-delay-ms', '2']);
});
