// examples/serve, the inference server, against PyTorch (scripts/fixtures/serve.py): a TorchScript
// classifier Python scripted answers POST /predict with PyTorch's logits and top-5 classes, alone
// and through dynamic batches; malformed requests get 4xx and the server goes on; a full queue
// gives 503, a deadline 504; /health answers while a slow TorchScript batch runs off the event
// loop; the CLI (on the built package) drains its in-flight requests on SIGTERM and exits 0.
import { spawn, spawnSync } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import * as torch from '../lib';
import { expectClose, fixture, liveTensorsAfterGc } from './helpers';

const root = path.join(__dirname, '..');
const dir = path.join(__dirname, 'fixtures', 'generated', 'serve');
const classifier = path.join(dir, 'classifier.pt');
const slow = path.join(dir, 'slow.pt');

type Top = { index: number; label?: string | null; probability: number };
type Expected = { logits: number[][]; probs: number[][]; top_values: number[][]; top_indices: number[][] };
const cases = fixture<{ input_shape: number[]; labels: string[]; inputs: number[][][][]; alone: Expected; batched: Expected; wrong_channels_error: string }>('serve/cases.json');

interface Runner {
  forwardAsync(batch: torch.Tensor): Promise<torch.Tensor>;
}
interface App {
  server: http.Server;
  batcher: { queue: unknown[]; inflight: number };
  readonly active: number;
  listen(port?: number, host?: string): Promise<number>;
  shutdown(): Promise<void>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { createServer } = require('../examples/serve/server') as { createServer(o: Record<string, unknown>): App };
const { loadRunner } = require('../examples/serve/model') as { loadRunner(t: typeof torch, file: string): Promise<Runner> };

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

function request(port: number, method: string, route: string, body?: string | object, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path: route, agent: false, headers: data === undefined ? headers : { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          if (/json/.test(res.headers['content-type'] ?? '')) json = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
const predict = (port: number, body: string | object, headers?: Record<string, string>) => request(port, 'POST', '/predict', body, headers);

/** The value of one sample line of a Prometheus text page. */
function metric(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  if (found === undefined) throw new Error(`no metric ${line} in\n${text}`);
  return Number(found.slice(line.length + 1));
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/** A runner that holds every batch until `open()`, then runs it on the real one. */
function gated(real: Runner): Runner & { open(): void; calls: number } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const g = {
    calls: 0,
    open,
    forwardAsync: async (batch: torch.Tensor) => {
      g.calls += 1;
      await gate;
      return real.forwardAsync(batch);
    },
  };
  return g;
}

let runner: Runner;
const apps: App[] = [];
async function start(options: Record<string, unknown>): Promise<[number, App]> {
  const app = createServer({ torch, runner, inputShape: cases.input_shape, labels: cases.labels, ...options });
  apps.push(app);
  return [await app.listen(0), app];
}

beforeAll(async () => {
  runner = await loadRunner(torch, classifier);
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.shutdown();
});

function expectPrediction(answer: any, expected: Expected, row: number, rtol = 1e-5): void {
  expectClose(answer.outputs, expected.logits[row], rtol, 1e-6);
  const top = answer.top as Top[];
  expect(top.map((t) => t.index)).toEqual(expected.top_indices[row]);
  expect(top.map((t) => t.label)).toEqual(expected.top_indices[row]!.map((i) => cases.labels[i]));
  expectClose(top.map((t) => t.probability), expected.top_values[row], rtol, 1e-6);
}

test("predictions are PyTorch's, one sample or a batch, nested or flat with a shape", async () => {
  const [port] = await start({ maxBatch: 8, maxDelayMs: 0 });
  for (let i = 0; i < cases.inputs.length; i++) {
    const r = await predict(port, { inputs: cases.inputs[i] });
    expect(r.status).toBe(200);
    expectPrediction(r.json, cases.alone, i);
  }
  // Nothing a request made stays alive after its answer.
  const live = await liveTensorsAfterGc();
  await Promise.all(cases.inputs.map((x) => predict(port, { inputs: x })));
  expect(await liveTensorsAfterGc()).toBe(live);
  const flat = cases.inputs.flat(3);
  const r = await predict(port, { inputs: flat, shape: [cases.inputs.length, ...cases.input_shape], dtype: 'float32' });
  expect(r.status).toBe(200);
  expect(r.json.outputs).toHaveLength(cases.inputs.length);
  cases.inputs.forEach((_, i) => expectPrediction({ outputs: r.json.outputs[i], top: r.json.top[i] }, cases.batched, i));
});

test('concurrent requests are batched, and each gets its own answer', async () => {
  // A batch leaves when 3 samples wait (the deadline is far): 6 requests make two batches of 3.
  const [port] = await start({ maxBatch: 3, maxDelayMs: 60000 });
  const answers = await Promise.all(cases.inputs.map((x) => predict(port, { inputs: x })));
  answers.forEach((r, i) => {
    expect(r.status).toBe(200);
    expectPrediction(r.json, cases.alone, i, 1e-4);
  });
  const m = (await request(port, 'GET', '/metrics')).text;
  // Prometheus text: each family's HELP and TYPE, then its samples, one `name{labels} value` a line.
  let family = '';
  for (const line of m.trimEnd().split('\n')) {
    const head = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
    if (head !== null) {
      if (head[1] === 'HELP') family = head[2]!;
      else expect([head[2], head[3]]).toEqual([family, expect.stringMatching(/^(counter|gauge|histogram)$/)]);
      continue;
    }
    expect(line).toMatch(/^(\w+)(\{(\w+="[^"]*",?)+\})? (\+Inf|-?\d+(\.\d+)?(e[+-]\d+)?)$/);
    expect(line.startsWith(family)).toBe(true);
  }
  expect(m).toMatch(/^# HELP serve_requests_total .*\n# TYPE serve_requests_total counter$/m);
  expect(metric(m, 'serve_batch_size_count')).toBe(2);
  expect(metric(m, 'serve_batch_size_bucket{le="2"}')).toBe(0);
  expect(metric(m, 'serve_batch_size_bucket{le="3"}')).toBe(2);
  expect(metric(m, 'serve_batch_size_sum')).toBe(6);
  expect(metric(m, 'serve_requests_total{route="/predict",status="200"}')).toBe(6);
  expect(metric(m, 'serve_request_duration_seconds_count')).toBe(6);
  expect(metric(m, 'serve_request_duration_seconds_bucket{le="+Inf"}')).toBe(6);
  expect(metric(m, 'serve_queue_depth')).toBe(0);
  expect(metric(m, 'serve_inflight_batches')).toBe(0);
});

test('a batch that does not fill leaves at its deadline', async () => {
  const g = gated(runner);
  const [port, app] = await start({ runner: g, maxBatch: 8, maxDelayMs: 20 });
  // Only the deadline can send the lone first request; the next three wait for it, then go as one.
  const first = predict(port, { inputs: cases.inputs[0] });
  await until(() => app.batcher.inflight === 1);
  const rest = [1, 2, 3].map((i) => predict(port, { inputs: cases.inputs[i] }));
  await until(() => app.batcher.queue.length === 3);
  g.open();
  const answers = await Promise.all([first, ...rest]);
  answers.forEach((r, i) => {
    expect(r.status).toBe(200);
    expectPrediction(r.json, cases.alone, i, 1e-4);
  });
  const m = (await request(port, 'GET', '/metrics')).text;
  expect(metric(m, 'serve_batch_size_count')).toBe(2);
  expect(metric(m, 'serve_batch_size_bucket{le="1"}')).toBe(1);
  expect(metric(m, 'serve_batch_size_bucket{le="2"}')).toBe(1);
  expect(metric(m, 'serve_batch_size_bucket{le="4"}')).toBe(2);
});

test('malformed requests get 4xx with a clear message; good ones still succeed', async () => {
  const [port] = await start({ maxBatch: 4, maxDelayMs: 0, maxBodyBytes: 64 * 1024 });
  const good = cases.inputs[0]!;
  const wrongShape = good.map((plane) => plane.map((row) => row.slice(1)));
  const ragged = [good[0], good[1], good[2]!.slice(1)];
  const withString = JSON.parse(JSON.stringify(good)) as unknown[][][];
  withString[1]![2]![3] = 'x';
  const bad: [string | object, number, string, Record<string, string>?][] = [
    ['{"inputs": [1, 2', 400, 'malformed JSON: '],
    ['[1, 2, 3]', 400, 'the body must be a JSON object, got array'],
    [{ input: good }, 400, 'unknown field "input"'],
    [{}, 400, 'missing field "inputs"'],
    [{ inputs: 'abc' }, 400, 'inputs: expected an array, got string'],
    [{ inputs: wrongShape }, 400, "shape [3, 8, 7] does not match the model's input: [3, 8, 8] (one sample) or [N, 3, 8, 8] (a batch)"],
    [{ inputs: ragged }, 400, 'inputs[2]: expected 8 elements, got 7 (the inputs are ragged)'],
    [{ inputs: withString }, 400, 'inputs[1][2][3]: expected a number, got string'],
    [{ inputs: [[[1e39]]] }, 400, 'inputs[0][0][0]: 1e+39 is out of the range of float32'],
    [{ inputs: good, dtype: 'int64' }, 400, 'dtype: the model takes float32 inputs, got "int64"'],
    [{ inputs: [1, 2, 3], shape: [3, 8, 8] }, 400, 'inputs: shape [3, 8, 8] needs 192 values, got 3'],
    [{ inputs: [1, 2], shape: [2, -1] }, 400, 'shape: expected a non-empty array of positive integers, got [2,-1]'],
    [{ inputs: Array(5).fill(good) }, 413, 'a request may hold at most 4 samples, got 5'],
    [{ inputs: Array(40).fill(good) }, 413, 'the body is '],
    [JSON.stringify({ inputs: good }), 415, 'expected content-type application/json, got text/plain', { 'content-type': 'text/plain' }],
  ];
  for (const [body, status, message, headers] of bad) {
    const r = await predict(port, body, headers);
    expect([r.status, r.json.error]).toEqual([status, expect.stringContaining(message)]);
    const ok = await predict(port, { inputs: good });
    expect(ok.status).toBe(200);
    expectPrediction(ok.json, cases.alone, 0);
  }
  // A chunked body (no content-length) is cut off once it passes the limit.
  const chunked = await new Promise<Reply>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/predict', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) });
      });
    });
    req.on('error', reject);
    const piece = JSON.stringify(good);
    req.write(`{"inputs": [${piece}`);
    for (let i = 0; i < 40; i++) req.write(`, ${piece}`);
    req.end(']}');
  });
  expect([chunked.status, chunked.json.error]).toEqual([413, 'the body is over 65536 bytes']);
  expect((await predict(port, { inputs: good })).status).toBe(200);
  expect((await request(port, 'GET', '/predict')).status).toBe(405);
  expect((await request(port, 'GET', '/nowhere')).json.error).toBe('no route /nowhere (routes: POST /predict, GET /health, GET /metrics)');
  const m = (await request(port, 'GET', '/metrics')).text;
  expect(metric(m, 'serve_requests_total{route="/predict",status="400"}')).toBe(12);
  expect(metric(m, 'serve_requests_total{route="/predict",status="413"}')).toBe(3);
  expect(metric(m, 'serve_requests_total{route="/predict",status="200"}')).toBe(bad.length + 1);
});

test("a batch the model fails on gets 500 with PyTorch's message; the server goes on", async () => {
  // Told that samples have 2 channels, the server passes them to a CNN that takes 3.
  const [port] = await start({ inputShape: [2, 8, 8], maxDelayMs: 0 });
  const r = await predict(port, { inputs: cases.inputs[0]!.slice(0, 2) });
  expect(r.status).toBe(500);
  expect(r.json.error).toContain(cases.wrong_channels_error);
  expect((await request(port, 'GET', '/health')).status).toBe(200);
});

test('a full queue answers 503 at once; the queued requests are answered later', async () => {
  const g = gated(runner);
  const [port, app] = await start({ runner: g, maxBatch: 1, maxDelayMs: 0, maxQueue: 2 });
  const first = predict(port, { inputs: cases.inputs[0] });
  await until(() => app.batcher.inflight === 1);
  const queued = [predict(port, { inputs: cases.inputs[1] }), predict(port, { inputs: cases.inputs[2] })];
  await until(() => app.batcher.queue.length === 2);
  const refused = await predict(port, { inputs: cases.inputs[3] });
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBe('1');
  expect(refused.json.error).toBe('the queue is full (2 requests waiting); retry later');
  g.open();
  const answers = await Promise.all([first, ...queued]);
  answers.forEach((r, i) => {
    expect(r.status).toBe(200);
    expectPrediction(r.json, cases.alone, i);
  });
});

test('with concurrency 2, two batches run at once', async () => {
  const g = gated(runner);
  const [port, app] = await start({ runner: g, maxBatch: 1, maxDelayMs: 0, concurrency: 2 });
  const pending = cases.inputs.slice(0, 3).map((x) => predict(port, { inputs: x }));
  await until(() => app.batcher.inflight === 2 && app.batcher.queue.length === 1);
  g.open();
  (await Promise.all(pending)).forEach((r, i) => expectPrediction(r.json, cases.alone, i));
  expect(g.calls).toBe(3);
});

test('a client that hangs up while sending its body is counted, and the server goes on', async () => {
  const [port, app] = await start({ maxDelayMs: 0 });
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/predict', agent: false, headers: { 'content-type': 'application/json', 'content-length': '1000' } });
  req.on('error', () => {});
  req.write('{"inputs": [');
  await until(() => app.active === 1);
  req.destroy();
  await until(() => app.active === 0);
  const m = (await request(port, 'GET', '/metrics')).text;
  expect(metric(m, 'serve_requests_total{route="/predict",status="499"}')).toBe(1);
  expect((await predict(port, { inputs: cases.inputs[0] })).status).toBe(200);
});

test('a request whose client goes away leaves the queue and never reaches the model', async () => {
  const g = gated(runner);
  const [port, app] = await start({ runner: g, maxBatch: 1, maxDelayMs: 0 });
  const first = predict(port, { inputs: cases.inputs[0] });
  await until(() => app.batcher.inflight === 1);
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/predict', agent: false, headers: { 'content-type': 'application/json' } });
  req.on('error', () => {});
  req.end(JSON.stringify({ inputs: cases.inputs[1] }));
  await until(() => app.batcher.queue.length === 1);
  req.destroy();
  await until(() => app.batcher.queue.length === 0);
  g.open();
  expect((await first).status).toBe(200);
  const m = (await request(port, 'GET', '/metrics')).text;
  expect(metric(m, 'serve_requests_total{route="/predict",status="499"}')).toBe(1);
  expect(g.calls).toBe(1);
});

test('a request past its deadline gets 504, queued or running, and the server goes on', async () => {
  const g = gated(runner);
  const [port, app] = await start({ runner: g, maxBatch: 1, maxDelayMs: 0, timeoutMs: 300 });
  const [running, queued] = await Promise.all([predict(port, { inputs: cases.inputs[0] }), predict(port, { inputs: cases.inputs[1] })]);
  for (const r of [running, queued]) {
    expect(r.status).toBe(504);
    expect(r.json.error).toBe('no answer within 300 ms');
  }
  expect(app.batcher.queue.length).toBe(0);
  g.open();
  await until(() => app.batcher.inflight === 0);
  const ok = await predict(port, { inputs: cases.inputs[2] });
  expect(ok.status).toBe(200);
  expectPrediction(ok.json, cases.alone, 2);
  expect(g.calls).toBe(2); // the timed-out queued request never reached the model
});

test('/health and /metrics answer while a slow TorchScript batch runs', async () => {
  const slowRunner = await loadRunner(torch, slow);
  const [port, app] = await start({ runner: slowRunner, maxBatch: 1, maxDelayMs: 0 });
  let settled = false;
  const pending = predict(port, { inputs: cases.inputs[0] }).then((r) => {
    settled = true;
    return r;
  });
  await until(() => app.batcher.inflight === 1);
  for (let i = 0; i < 3; i++) {
    const h = await request(port, 'GET', '/health');
    expect(h.status).toBe(200);
    expect(h.json).toEqual({ status: 'ok', queue: 0, inflightBatches: 1 });
    expect(metric((await request(port, 'GET', '/metrics')).text, 'serve_inflight_batches')).toBe(1);
  }
  expect(settled).toBe(false);
  expect((await pending).status).toBe(200);
});

test('the CLI refuses bad options and unreadable models with a message', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'examples', 'serve', 'main.js'), ...args], { cwd: root, encoding: 'utf8' });
  const bad = cli('--model', classifier, '--input-shape', '3,8,8', '--max-batch', '0');
  expect([bad.status, bad.stderr]).toEqual([2, 'error: --max-batch must be an integer >= 1, got 0 (--help lists the options)\n']);
  const missing = cli('--model', path.join(dir, 'missing.pt'), '--input-shape', '3,8,8');
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/^error: cannot load .*missing\.pt: /);
});

test('the CLI on SIGTERM stops accepting, answers its in-flight requests and exits 0', async () => {
  const child = spawn(process.execPath, [path.join(root, 'examples', 'serve', 'main.js'), '--model', slow, '--input-shape', cases.input_shape.join(','), '--port', '0', '--max-batch', '1', '--threads', '1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(() => /on http:\/\/127\.0\.0\.1:\d+/.test(stdout) || child.exitCode !== null);
    const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
    if (m === null) throw new Error(`the server did not start:\n${stdout}\n${stderr}`);
    const port = Number(m[1]);
    const inflight = cases.inputs.slice(0, 3).map((x) => predict(port, { inputs: x }));
    // All three accepted: one batch running, two waiting.
    for (;;) {
      const h = await request(port, 'GET', '/health');
      if (h.json.inflightBatches === 1 && h.json.queue === 2) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGTERM');
    await until(() => /SIGTERM: not accepting connections/.test(stdout));
    await expect(request(port, 'GET', '/health')).rejects.toThrow(/ECONNREFUSED/);
    const answers = await Promise.all(inflight);
    answers.forEach((r) => {
      expect(r.status).toBe(200);
      expect(r.json.outputs).toHaveLength(10);
    });
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/shut down\n$/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
