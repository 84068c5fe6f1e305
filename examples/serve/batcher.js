'use strict';
// Dynamic batching: requests wait in a queue until `maxBatch` samples are waiting or the oldest has
// waited `maxDelayMs`; then up to `maxBatch` samples from the head of the queue become one input
// tensor for one `runner.forwardAsync` call, and the rows of its output go back to their requests.
// At most `concurrency` batches run at once; the model runs off the event loop, so the server keeps
// answering while they do.

class QueueFullError extends Error {
  constructor(maxQueue) {
    super(`the queue is full (${maxQueue} requests waiting); retry later`);
    this.name = 'QueueFullError';
  }
}

class TimeoutError extends Error {
  constructor() {
    super('the deadline passed');
    this.name = 'TimeoutError';
  }
}

class Batcher {
  /**
   * @param {object} o
   * @param {object} o.torch the torchnode module (tensors are made with it)
   * @param {{ forwardAsync(batch: any): Promise<any> }} o.runner
   * @param {number[]} o.inputShape the shape of one sample
   * @param {(output: any) => any[]} o.split turns the model's output tensor into one result per row
   */
  constructor({ torch, runner, inputShape, split, maxBatch, maxDelayMs, maxQueue, concurrency = 1, metrics = null }) {
    this.torch = torch;
    this.runner = runner;
    this.inputShape = inputShape;
    this.sampleSize = inputShape.reduce((a, b) => a * b, 1);
    this.split = split;
    this.maxBatch = maxBatch;
    this.maxDelayMs = maxDelayMs;
    this.maxQueue = maxQueue;
    this.concurrency = concurrency;
    this.metrics = metrics;
    this.queue = [];
    this.queuedRows = 0;
    this.inflight = 0;
    this.timer = null;
    this.idleWaiters = [];
  }

  /**
   * Queues `rows` samples (a Float32Array of rows * sampleSize values); resolves with their results
   * (one per row). Throws QueueFullError at once when `maxQueue` requests are waiting; rejects with
   * TimeoutError after `timeoutMs`. `signal` (an AbortSignal) drops a request still waiting.
   */
  submit(data, rows, { timeoutMs = 0, signal = null } = {}) {
    if (this.queue.length >= this.maxQueue) throw new QueueFullError(this.maxQueue);
    return new Promise((resolve, reject) => {
      const job = { data, rows, enqueued: performance.now(), settled: false, timer: null, resolve: null, reject: null };
      const finish = (fn) => (v) => {
        if (job.settled) return;
        job.settled = true;
        if (job.timer !== null) clearTimeout(job.timer);
        signal?.removeEventListener('abort', onAbort);
        fn(v);
      };
      job.resolve = finish(resolve);
      job.reject = finish(reject);
      const onAbort = () => {
        this.remove(job);
        job.reject(signal.reason ?? new Error('aborted'));
      };
      if (timeoutMs > 0) {
        job.timer = setTimeout(() => {
          this.remove(job);
          job.reject(new TimeoutError());
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort);
      this.queue.push(job);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Resolves once nothing waits and nothing runs. */
  idle() {
    if (this.queue.length === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  remove(job) {
    const i = this.queue.indexOf(job);
    if (i < 0) return;
    this.queue.splice(i, 1);
    this.queuedRows -= job.rows;
    this.checkIdle();
  }

  checkIdle() {
    if (this.queue.length > 0 || this.inflight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  schedule() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inflight < this.concurrency && this.queue.length > 0) {
      const waited = performance.now() - this.queue[0].enqueued;
      if (this.queuedRows < this.maxBatch && waited < this.maxDelayMs) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.schedule();
        }, this.maxDelayMs - waited);
        return;
      }
      this.dispatch();
    }
  }

  dispatch() {
    const jobs = [];
    let rows = 0;
    while (this.queue.length > 0 && (jobs.length === 0 || rows + this.queue[0].rows <= this.maxBatch)) {
      const job = this.queue.shift();
      jobs.push(job);
      rows += job.rows;
    }
    this.queuedRows -= rows;
    const data = new Float32Array(rows * this.sampleSize);
    let offset = 0;
    for (const job of jobs) {
      data.set(job.data, offset);
      offset += job.data.length;
    }
    this.inflight += 1;
    this.metrics?.batchSize.observe(rows);
    const started = performance.now();
    const torch = this.torch;
    const input = torch.tidy(() => torch.tensor(data).view([rows, ...this.inputShape]));
    let pending;
    try {
      pending = Promise.resolve(this.runner.forwardAsync(input));
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending
      .then((output) => {
        let results;
        try {
          results = this.split(output);
        } finally {
          if (output !== input && typeof output?.dispose === 'function') output.dispose();
        }
        if (results.length !== rows) throw new Error(`the model returned ${results.length} rows for a batch of ${rows}`);
        let row = 0;
        for (const job of jobs) {
          job.resolve(results.slice(row, row + job.rows));
          row += job.rows;
        }
      })
      .catch((e) => {
        for (const job of jobs) job.reject(e);
      })
      .finally(() => {
        input.dispose();
        this.metrics?.inference.observe((performance.now() - started) / 1000);
        this.inflight -= 1;
        this.schedule();
        this.checkIdle();
      });
  }
}

module.exports = { Batcher, QueueFullError, TimeoutError };
