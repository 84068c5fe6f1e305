'use strict';
// An HTTP inference server for a TorchScript model (see README.md):
//   node examples/serve/main.js --model model.pt --input-shape 3,8,8 --port 8080
//   curl -s localhost:8080/predict -H 'content-type: application/json' -d '{"inputs": [...]}'
// SIGTERM (or SIGINT): stop accepting, answer what was accepted, exit 0.
const fs = require('fs');
const { parseArgs } = require('util');
const torch = require('../..');
const { loadRunner } = require('./model');
const { createServer } = require('./server');

const OPTIONS = {
  model: { type: 'string', help: 'TorchScript file (torch.jit.save) to serve (required)' },
  'input-shape': { type: 'string', help: 'shape of one sample, e.g. 3,224,224 (required)' },
  labels: { type: 'string', help: 'JSON file: an array of class names, by index' },
  host: { type: 'string', default: '127.0.0.1', help: 'address to listen on' },
  port: { type: 'string', default: '8080', help: 'port to listen on (0: any free port)' },
  'max-batch': { type: 'string', default: '8', help: 'most samples in one forward call (1: no batching)' },
  'max-delay-ms': { type: 'string', default: '5', help: 'longest wait for a batch to fill' },
  'max-queue': { type: 'string', default: '256', help: 'requests waiting at most; more get 503' },
  'timeout-ms': { type: 'string', default: '10000', help: 'per-request deadline from its arrival, 504 after it (0: none)' },
  'max-body-bytes': { type: 'string', default: '8388608', help: 'largest request body; larger get 413' },
  topk: { type: 'string', default: '5', help: 'best classes returned for 2-d (logit) outputs (0: none)' },
  concurrency: { type: 'string', default: '1', help: 'batches running in the model at once' },
  threads: { type: 'string', default: '0', help: "libtorch's intra-op threads (0: libtorch's default)" },
  'shutdown-timeout-ms': { type: 'string', default: '30000', help: 'on SIGTERM, exit 1 if the drain takes longer' },
  help: { type: 'boolean', default: false, help: 'this text' },
};

function parse(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) {
    console.log('usage: node examples/serve/main.js --model FILE --input-shape D1,D2,... [options]\n');
    for (const [name, o] of Object.entries(OPTIONS)) console.log(`  --${name.padEnd(20)}${o.help}${o.default !== undefined && o.type === 'string' ? ` (default ${o.default})` : ''}`);
    process.exit(0);
  }
  const int = (name, min) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${name} must be an integer >= ${min}, got ${values[name]}`);
    return v;
  };
  if (values.model === undefined) throw new RangeError('--model is required');
  if (values['input-shape'] === undefined) throw new RangeError('--input-shape is required');
  const inputShape = values['input-shape'].split(',').map(Number);
  if (!inputShape.every((d) => Number.isInteger(d) && d > 0)) throw new RangeError(`--input-shape must be positive integers separated by commas, got ${values['input-shape']}`);
  let labels = null;
  if (values.labels !== undefined) {
    labels = JSON.parse(fs.readFileSync(values.labels, 'utf8'));
    if (!Array.isArray(labels)) throw new TypeError(`--labels: ${values.labels} must hold a JSON array of class names`);
  }
  return {
    model: values.model,
    inputShape,
    labels,
    host: values.host,
    port: int('port', 0),
    maxBatch: int('max-batch', 1),
    maxDelayMs: int('max-delay-ms', 0),
    maxQueue: int('max-queue', 1),
    timeoutMs: int('timeout-ms', 0),
    maxBodyBytes: int('max-body-bytes', 1),
    topk: int('topk', 0),
    concurrency: int('concurrency', 1),
    threads: int('threads', 0),
    shutdownTimeoutMs: int('shutdown-timeout-ms', 0),
  };
}

async function main() {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${e.message} (--help lists the options)`);
    process.exit(2);
  }
  if (args.threads > 0) torch.setNumThreads(args.threads);
  let runner;
  try {
    runner = await loadRunner(torch, args.model);
  } catch (e) {
    console.error(`error: cannot load ${args.model}: ${e.message}`);
    process.exit(1);
  }
  const app = createServer({ torch, runner, ...args, log: (m) => console.error(m) });
  const port = await app.listen(args.port, args.host);
  console.log(`serving ${args.model} on http://${args.host}:${port} (max batch ${args.maxBatch}, max delay ${args.maxDelayMs} ms)`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      console.error(`${signal}: drain not done after ${args.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, args.shutdownTimeoutMs);
    const done = app.shutdown();
    console.log(`${signal}: not accepting connections; finishing ${app.active} request(s)`);
    await done;
    clearTimeout(timer);
    console.log('shut down');
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
