'use strict';
// The HTTP side of the inference server (Node's `http`):
//   POST /predict  { "inputs": nested array } or { "inputs": flat array, "shape": [...] }, optionally
//                  "dtype": "float32"; one sample (the model's input shape) or a batch of them
//                  ([N, ...input shape]) -> { "outputs": logits, "top": k best classes }
//   GET /health    answered at once, never behind inference (503 while shutting down)
//   GET /metrics   Prometheus text format
// Requests go through the dynamic batcher (batcher.js); the model runs off the event loop.
const http = require('http');
const { Batcher, QueueFullError, TimeoutError } = require('./batcher');
const { Metrics } = require('./metrics');

const FLOAT32_MAX = 3.4028234663852886e38;

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const badRequest = (message) => new HttpError(400, message);
const shapeText = (shape) => `[${shape.join(', ')}]`;
const typeName = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function checkNumber(v, where) {
  if (typeof v !== 'number') throw badRequest(`${where}: expected a number, got ${typeName(v)}`);
  if (Math.abs(v) > FLOAT32_MAX) throw badRequest(`${where}: ${v} is out of the range of float32`);
}

// The shape of a nested array (every level as long as its first element) and its values, checked.
function fromNested(inputs) {
  const shape = [];
  for (let level = inputs; Array.isArray(level); level = level[0]) {
    if (level.length === 0) throw badRequest(`inputs: empty arrays are not accepted (at depth ${shape.length})`);
    shape.push(level.length);
  }
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let n = 0;
  const walk = (v, depth, where) => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw badRequest(`${where}: expected a number, got array (the inputs are ragged)`);
      checkNumber(v, where);
      data[n++] = v;
      return;
    }
    if (!Array.isArray(v)) throw badRequest(`${where}: expected an array of ${shape[depth]}, got ${typeName(v)} (the inputs are ragged)`);
    if (v.length !== shape[depth]) throw badRequest(`${where}: expected ${shape[depth]} elements, got ${v.length} (the inputs are ragged)`);
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${where}[${i}]`);
  };
  walk(inputs, 0, 'inputs');
  return { shape, data };
}

function fromFlat(inputs, shape) {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw badRequest(`shape: expected a non-empty array of positive integers, got ${JSON.stringify(shape)}`);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  if (inputs.length !== numel) throw badRequest(`inputs: shape ${shapeText(shape)} needs ${numel} values, got ${inputs.length}`);
  const data = new Float32Array(numel);
  for (let i = 0; i < numel; i++) {
    checkNumber(inputs[i], `inputs[${i}]`);
    data[i] = inputs[i];
  }
  return { shape, data };
}

const BODY_KEYS = new Set(['inputs', 'shape', 'dtype']);

/** A /predict body -> { data: Float32Array, rows, batched }, or an HttpError(400) saying what is wrong. */
function parseInputs(body, inputShape, maxBatch) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`the body must be a JSON object, got ${typeName(body)}`);
  const unknown = Object.keys(body).filter((k) => !BODY_KEYS.has(k));
  if (unknown.length > 0) throw badRequest(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (expected "inputs", "shape", "dtype")`);
  if (!('inputs' in body)) throw badRequest('missing field "inputs"');
  if (body.dtype !== undefined && body.dtype !== 'float32') {
    throw badRequest(`dtype: the model takes float32 inputs, got ${JSON.stringify(body.dtype)}`);
  }
  if (!Array.isArray(body.inputs)) throw badRequest(`inputs: expected an array, got ${typeName(body.inputs)}`);
  const { shape, data } = body.shape === undefined ? fromNested(body.inputs) : fromFlat(body.inputs, body.shape);
  const same = (a, off) => a.length - off === inputShape.length && inputShape.every((d, i) => a[i + off] === d);
  if (same(shape, 0)) return { data, rows: 1, batched: false };
  if (same(shape, 1)) {
    if (shape[0] > maxBatch) throw new HttpError(413, `a request may hold at most ${maxBatch} samples, got ${shape[0]}`);
    return { data, rows: shape[0], batched: true };
  }
  throw badRequest(`shape ${shapeText(shape)} does not match the model's input: ${shapeText(inputShape)} (one sample) or ${shapeText(['N', ...inputShape])} (a batch)`);
}

/**
 * The results of one batch, per row: the model's output row and, for a 2-d output (logits), the
 * `topk` best classes by softmax probability.
 */
function classifierSplit(torch, { topk, labels }) {
  return (output) => {
    if (!(output instanceof torch.Tensor)) throw new Error(`the model returned ${typeName(output)}, not a Tensor`);
    return torch.tidy(() => {
      const rows = output.shape[0];
      const flat = Array.from(output.to(torch.float32).contiguous().toTypedArray());
      const width = flat.length / rows;
      const rowShape = output.shape.slice(1);
      const reshape = (values, shape) => (shape.length <= 1 ? values : Array.from({ length: shape[0] }, (_, i) => reshape(values.slice((i * values.length) / shape[0], ((i + 1) * values.length) / shape[0]), shape.slice(1))));
      const results = [];
      for (let r = 0; r < rows; r++) results.push({ outputs: reshape(flat.slice(r * width, (r + 1) * width), rowShape) });
      const k = Math.min(topk, output.dim() === 2 ? output.shape[1] : 0);
      if (k > 0) {
        const { values, indices } = output.softmax(1).topk(k, 1);
        const p = values.toTypedArray();
        const ix = indices.toTypedArray();
        for (let r = 0; r < rows; r++) {
          results[r].top = Array.from({ length: k }, (_, j) => {
            const index = Number(ix[r * k + j]);
            return labels ? { index, label: labels[index] ?? null, probability: p[r * k + j] } : { index, probability: p[r * k + j] };
          });
        }
      }
      return results;
    });
  };
}

/**
 * An inference server over `runner` ({ forwardAsync(batch) -> Promise<Tensor> }).
 * Options: inputShape (one sample), maxBatch, maxDelayMs, maxQueue (requests waiting; more get
 * 503), timeoutMs (per request; 504 after it; 0: none), maxBodyBytes (413 beyond), topk, labels,
 * concurrency (batches running at once), log (a function, or null).
 */
function createServer({
  torch,
  runner,
  inputShape,
  maxBatch = 8,
  maxDelayMs = 5,
  maxQueue = 256,
  timeoutMs = 10000,
  maxBodyBytes = 8 << 20,
  topk = 5,
  labels = null,
  concurrency = 1,
  log = null,
}) {
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) throw new TypeError('inputShape must be an array of positive integers');
  for (const [name, v, min] of [['maxBatch', maxBatch, 1], ['maxDelayMs', maxDelayMs, 0], ['maxQueue', maxQueue, 1], ['timeoutMs', timeoutMs, 0], ['maxBodyBytes', maxBodyBytes, 1], ['topk', topk, 0], ['concurrency', concurrency, 1]]) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new RangeError(`${name} must be a number >= ${min}, got ${v}`);
  }
  let batcher;
  const metrics = new Metrics({ maxBatch, queueDepth: () => batcher.queue.length, inflightBatches: () => batcher.inflight });
  batcher = new Batcher({ torch, runner, inputShape, maxBatch, maxDelayMs, maxQueue, concurrency, metrics, split: classifierSplit(torch, { topk, labels }) });
  let draining = false;
  let active = 0; // requests not yet answered
  const activeWaiters = [];

  const send = (req, res, status, body, headers = {}) => {
    if (res.headersSent || res.destroyed) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain; version=0.0.4; charset=utf-8' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...(draining ? { connection: 'close' } : {}),
      ...headers,
    });
    res.end(text);
  };

  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (declared > maxBodyBytes) {
        reject(new HttpError(413, `the body is ${declared} bytes; at most ${maxBodyBytes} are accepted`, { connection: 'close' }));
        return;
      }
      const chunks = [];
      let size = 0;
      const onData = (chunk) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          req.off('data', onData);
          reject(new HttpError(413, `the body is over ${maxBodyBytes} bytes`, { connection: 'close' }));
          return;
        }
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      // A body cut short: the client hung up ('aborted' arrives as an error, then 'close').
      const cut = () => reject(new HttpError(499, 'the client closed the connection'));
      req.on('close', () => req.complete || cut());
      req.on('error', (e) => (req.complete ? reject(e) : cut()));
    });

  async function predict(req, res, started) {
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, `expected content-type application/json, got ${type}`);
    const text = await readBody(req);
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw badRequest(`malformed JSON: ${e.message}`);
    }
    const { data, rows, batched } = parseInputs(body, inputShape, maxBatch);
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort(new Error('the client went away'));
    });
    let results;
    try {
      // The deadline counts from the request's arrival, reading and parsing included.
      const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : 0;
      results = await batcher.submit(data, rows, { timeoutMs: left, signal: aborted.signal });
    } catch (e) {
      // nginx's 499: nobody is left to answer; counted, not logged.
      if (aborted.signal.aborted) throw new HttpError(499, 'the client closed the connection');
      if (e instanceof QueueFullError) throw new HttpError(503, e.message, { 'retry-after': '1' });
      if (e instanceof TimeoutError) throw new HttpError(504, `no answer within ${timeoutMs} ms`);
      throw e;
    }
    const answer = { outputs: results.map((r) => r.outputs) };
    if (results[0].top !== undefined) answer.top = results.map((r) => r.top);
    if (!batched) {
      answer.outputs = answer.outputs[0];
      if (answer.top !== undefined) answer.top = answer.top[0];
    }
    return answer;
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const route = url.pathname;
    const started = performance.now();
    let status = 500;
    try {
      if (route === '/health') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not allowed on /health`, { allow: 'GET, HEAD' });
        status = draining ? 503 : 200;
        send(req, res, status, { status: draining ? 'draining' : 'ok', queue: batcher.queue.length, inflightBatches: batcher.inflight });
      } else if (route === '/metrics') {
        if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed on /metrics`, { allow: 'GET' });
        status = 200;
        send(req, res, 200, metrics.render());
      } else if (route === '/predict') {
        if (req.method !== 'POST') throw new HttpError(405, `${req.method} is not allowed on /predict`, { allow: 'POST' });
        if (draining) throw new HttpError(503, 'the server is shutting down');
        const answer = await predict(req, res, started);
        status = 200;
        send(req, res, 200, answer);
      } else {
        throw new HttpError(404, `no route ${route} (routes: POST /predict, GET /health, GET /metrics)`);
      }
    } catch (e) {
      status = e instanceof HttpError ? e.status : 500;
      if (!(e instanceof HttpError)) log?.(`error: ${e.stack ?? e}`);
      send(req, res, status, { error: e.message }, e instanceof HttpError ? e.headers : {});
    } finally {
      const known = route === '/predict' || route === '/health' || route === '/metrics';
      metrics.requests.inc({ route: known ? route : 'other', status: String(status) });
      if (route === '/predict') metrics.latency.observe((performance.now() - started) / 1000);
    }
  }

  const server = http.createServer((req, res) => {
    active += 1;
    res.on('close', () => {
      active -= 1;
      if (active === 0) for (const resolve of activeWaiters.splice(0)) resolve();
    });
    handle(req, res);
  });

  return {
    server,
    metrics,
    batcher,
    /** Listens on host:port (0: any free port); resolves with the port. */
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address().port);
        });
      });
    },
    /** Requests being answered now. */
    get active() {
      return active;
    },
    /** Stops accepting connections, answers what was accepted, then closes every connection. */
    async shutdown() {
      draining = true;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await batcher.idle();
      if (active > 0) await new Promise((resolve) => activeWaiters.push(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

module.exports = { createServer, parseInputs, classifierSplit, HttpError };
