'use strict';
// Load test of examples/serve (autocannon): the server CLI on the TorchScript classifier of
// scripts/fixtures/serve.py, driven by `connections` clients POSTing one sample each for `seconds`,
// once per configuration (no batching: --max-batch 1; dynamic batching: --max-batch 8
// --max-delay-ms 2), while one more client keeps asking GET /health. Prints throughput, p50/p99
// latency of /predict, p99 of /health during the load and the mean batch size (from /metrics).
//   npm run build:ts && node scripts/pyenv.js --run scripts/fixtures/serve.py test/fixtures/generated
//   node bench/serve_load.js [seconds] [connections] [model]
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const autocannon = require('autocannon');

const root = path.join(__dirname, '..');
const seconds = Number(process.argv[2] || 10);
const connections = Number(process.argv[3] || 32);
const model = process.argv[4] || path.join(root, 'test', 'fixtures', 'generated', 'serve', 'classifier.pt');
const cases = JSON.parse(fs.readFileSync(path.join(path.dirname(model), 'cases.json'), 'utf8'));
const CONFIGS = [
  ['no batching', ['--max-batch', '1', '--max-delay-ms', '0']],
  ['dynamic batching', ['--max-batch', '8', '--max-delay-ms', '2']],
];

function startServer(extra) {
  const args = [path.join(root, 'examples', 'serve', 'main.js'), '--model', model, '--input-shape', cases.input_shape.join(','), '--port', '0', '--max-queue', '1024', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
}

const metric = (text, name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

async function measure(name, extra) {
  const { child, port } = await startServer(extra);
  const url = `http://127.0.0.1:${port}`;
  const body = JSON.stringify({ inputs: cases.inputs[0] });
  const load = autocannon({ url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds });
  const health = autocannon({ url: `${url}/health`, connections: 1, duration: seconds });
  const [p, h] = await Promise.all([load, health]);
  const page = await (await fetch(`${url}/metrics`)).text();
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  const code = await exited;
  return {
    configuration: name,
    'req/s': Math.round(p.requests.average),
    'p50 ms': p.latency.p50,
    'p99 ms': p.latency.p99,
    'non-2xx': p.non2xx + p.errors,
    '/health p99 ms': h.latency.p99,
    'mean batch': Number((metric(page, 'serve_batch_size_sum') / metric(page, 'serve_batch_size_count')).toFixed(2)),
    'exit code': code,
  };
}

async function main() {
  console.log(`examples/serve under load: ${connections} connections POST /predict for ${seconds} s per configuration, plus 1 connection on GET /health (${path.relative(root, model)})`);
  const rows = [];
  for (const [name, extra] of CONFIGS) rows.push(await measure(name, extra));
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
