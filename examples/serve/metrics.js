'use strict';
// Counters, gauges and histograms rendered in Prometheus' text exposition format (version 0.0.4).

const escapeLabel = (v) => String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
};
// Prometheus writes numbers as Go's strconv does: +Inf, -Inf, NaN; otherwise the shortest form.
const num = (v) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

class Counter {
  constructor(name, help) {
    this.name = name;
    this.help = help;
    this.values = new Map(); // label text -> value
  }

  inc(labels = {}, by = 1) {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels = {}) {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, v] of this.values) lines.push(`${this.name}${key} ${num(v)}`);
    return lines;
  }
}

class Gauge {
  constructor(name, help, read) {
    this.name = name;
    this.help = help;
    this.read = read;
  }

  render() {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${num(this.read())}`];
  }
}

class Histogram {
  constructor(name, help, buckets) {
    this.name = name;
    this.help = help;
    this.buckets = [...buckets].sort((a, b) => a - b);
    this.counts = new Array(this.buckets.length).fill(0); // per bucket, not cumulative
    this.sum = 0;
    this.count = 0;
  }

  observe(v) {
    const i = this.buckets.findIndex((le) => v <= le);
    if (i >= 0) this.counts[i] += 1;
    this.sum += v;
    this.count += 1;
  }

  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i];
      lines.push(`${this.name}_bucket{le="${num(le)}"} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${num(this.sum)}`, `${this.name}_count ${this.count}`);
    return lines;
  }
}

/** The server's metrics; `render()` is the body of GET /metrics. */
class Metrics {
  constructor({ maxBatch, queueDepth, inflightBatches }) {
    this.requests = new Counter('serve_requests_total', 'HTTP requests answered, by route and status code.');
    this.latency = new Histogram(
      'serve_request_duration_seconds',
      'Time from the arrival of a /predict request to its answer, whatever the status.',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    const sizes = [];
    for (let s = 1; s < maxBatch; s *= 2) sizes.push(s);
    sizes.push(maxBatch);
    this.batchSize = new Histogram('serve_batch_size', 'Samples per forward call of the model.', sizes);
    this.inference = new Histogram(
      'serve_inference_duration_seconds',
      'Time of one forward call of the model (one batch).',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    this.gauges = [
      new Gauge('serve_queue_depth', 'Requests waiting for a batch.', queueDepth),
      new Gauge('serve_inflight_batches', 'Batches running in the model now.', inflightBatches),
    ];
  }

  render() {
    const all = [this.requests, this.latency, this.batchSize, this.inference, ...this.gauges];
    return `${all.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

module.exports = { Counter, Gauge, Histogram, Metrics };
