#!/usr/bin/env node
/**
 * `node scripts/readme-tables.mjs [--check]`
 *
 * READMEs quote measured figures only in tables generated from the saved JSON output of the
 * command that measured them, so a figure cannot drift from its measurement. A generated table
 * sits between two marker comments naming its JSON file (relative to the README):
 *
 *   <!-- table: figures/runtime-bench.json -->
 *   ...generated: the command, when and under what load, then the table...
 *   <!-- /table -->
 *
 * The JSON file says which renderer to use (`kind`), the `command` that produced it and the
 * machine `load` while it ran, and holds that command's `--json` output. Without `--check` the
 * script rewrites every table of every README; with it, it exits 1 naming the stale ones.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BLOCK = /<!-- table: (\S+) -->\n[\s\S]*?<!-- \/table -->/g;

const int = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, digits) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** Milliseconds with three significant figures (0.0221, 20.0, 607). */
const ms = (n) => (n >= 100 ? int(n) : n.toPrecision(3));
const percent = (fraction) => `${fixed(fraction * 100, 2)}%`;
const row = (cells) => `| ${cells.join(' | ')} |`;

/** One output's fidelity as a corpus table shows it (a list after non-max suppression: its detections matched by IoU, its scores and class ids judged with them, not shown apart). */
const outputMetric = (o) => (o.kind === 'nms-boxes' ? `matched box IoU ${percent(o.iou)} (${int(o.detectionsShown)} judged), Δ ${fixed(o.scoreChange, 3)}${o.classAgreement !== undefined ? `, class kept ${percent(o.classAgreement)}` : ''}` : o.detectionsShown !== undefined ? `box IoU ${percent(o.iou)}, kp ${percent(o.keypointMove)} (${int(o.detectionsShown)} shown), Δ ${fixed(o.scoreChange, 3)}` : o.top1Agreement !== undefined ? `top-1 ${percent(o.top1Agreement)}${o.scoreChange !== undefined ? `, Δp ${fixed(o.scoreChange, 3)}` : ''}` : o.iou !== undefined ? `IoU ${percent(o.iou)}` : o.minCosine !== undefined ? `cos ${fixed(o.minCosine, 3)}` : o.keypointMove !== undefined ? `kp ${percent(o.keypointMove)}` : o.scoreChange !== undefined ? `Δ ${fixed(o.scoreChange, 3)}` : `${percent(o.relativeError)}`);
/** A fidelity report's outputs (entries the original cannot reproduce left unjudged, counted) and ✓ / ✗ for the budget; empty where not measured. */
const fidelity = (f) => (f ? f.outputs.filter((o) => o.kind !== 'nms-scores' && o.kind !== 'nms-classes').map((o) => outputMetric(o) + (o.unjudged ? ` (${int(o.unjudged)} unjudged)` : '')).join(', ') + (f.withinBudget ? ' ✓' : ' ✗') : '');
/** A corpus model's name, the backend where not wasm, and the input range of its photographs where not byte / 255. */
const corpusModelName = (m) => (m.backend === 'cpu' ? `${m.model} (cpu: ${m.wasmFailure.replace(/\|/g, '\\|')})` : m.model) + (m.pixels ? ` (inputs [${fixed(m.pixels.offset, 2)}, ${fixed(255 * m.pixels.scale + m.pixels.offset, 2)}])` : '');

/** A corpus run's summary rows that both corpus tables show: models loaded, within budget on the test photographs, the original under jitter. */
const corpusSummary = (output, ratioRows) => {
  const s = output.summary;
  return [
    '',
    row(['summary', '']),
    '|---|---|',
    row(['models loaded / failed', `${s.loaded} / ${s.failed} of ${s.models}${output.complete ? '' : ' (run not complete)'}`]),
    ...ratioRows,
    row(['within budget on the test photographs: `.dcm` / uint8', `${s.withinBudgetOnTest} / ${s.uint8WithinBudgetOnTest} of ${s.loaded}`]),
    ...(s.originalWithinBudgetJittered === undefined ? [] : [row(['the original within budget of itself on the test photographs jittered by one grey level', `${s.originalWithinBudgetJittered} of ${s.loaded}`])]),
  ];
};

/** The WebGPU timing table: per model and batch size, alone and side by side with tfjs-backend-webgpu. */
function webGpuTimingTable(runs) {
  const lines = [
    row(['model (kept weights)', 'where', 'batch', 'webgpu alone', 'side by side: webgpu (sparse)', 'tfjs-backend-webgpu (dense)', 'speed-up']),
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const [r, where] of runs) {
    r.results.forEach((x, i) => {
      const t = r.tfjsWebGpu?.find((y) => y.batch === x.batch);
      const first = i === 0;
      lines.push(row([
        first ? `${r.model} (${int(r.keptWeights)})` : '', first ? `${where} (${r.adapter})` : '', int(x.batch),
        `${int(x.samplesPerSecond)} samples/s (${ms(x.msPerBatch)} ms)`, t ? `${ms(t.webgpuMs)} ms` : '', t ? `${ms(t.tfjsWebGpuMs)} ms` : '', t ? `${fixed(t.speedup, 1)}×` : '',
      ]));
    });
  }
  return lines.join('\n');
}

/** One renderer per kind of saved output; each returns the markdown table. */
const RENDERERS = {
  /** `pnpm bench --only runtime --json`: the cpu backend against dense tfjs-wasm, per file and batch size. */
  'runtime-bench'(output) {
    const lines = [
      row(['model', 'kept weights', 'file', 'batch', 'cpu, 1 thread', 'cpu, all cores', 'dense tfjs-wasm', 'speed-up, 1 thread', 'speed-up, all cores']),
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    const goal = (x, target, met) => `${fixed(x, 1)}×${target ? ` (goal ≥ ${target}×: ${met ? 'met' : 'not met'})` : ''}`;
    for (const r of output.runtime) {
      r.rows.forEach((b, i) => {
        const model = i === 0 ? [`${r.model.name} (${r.file.replace(/^.*?\/(apps|out|examples)\//, '$1/')})`, `${int(r.model.kept)} of ${int(r.model.parameters)}`, r.model.fileBytes ? `${int(r.model.fileBytes)} B` : ''] : ['', '', ''];
        const threads = b.cpuThreadsMs === undefined ? ['', ''] : [`${ms(b.cpuThreadsMs)} ms (${r.threads} threads)`, goal(b.threadsSpeedup, b.threadsTarget, b.meetsThreadsTarget)];
        lines.push(row([...model, int(b.batch), `${ms(b.cpuMs)} ms`, threads[0], `${ms(b.denseWasmMs)} ms`, goal(b.speedup, b.target, b.meetsTarget), threads[1]]));
      });
    }
    lines.push('', row(['model', 'first load (decode + plan, prepare)', 'later loads (median of 5)']), '|---|---:|---:|');
    for (const r of output.runtime) {
      lines.push(row([r.model.name, `${ms(r.load.totalMs)} ms (${ms(r.load.decodeMs)} + ${ms(r.load.prepareMs)})`, `${ms(r.load.warmMedianMs)} ms`]));
    }
    return lines.join('\n');
  },
  /**
   * `pnpm bench --only webgpu,webgpu-browser --json`: per real file and batch size, the WebGPU
   * backend alone, then side by side with tfjs-backend-webgpu's dense network on one device, in
   * Node (Dawn) and in headless Chromium.
   */
  'webgpu-bench'(output) {
    return webGpuTimingTable([...output.webgpu.map((r) => [r, 'Node, Dawn']), ...(output['webgpu-browser'] ?? []).map((r) => [r, r.where])]);
  },
  /**
   * `bash scripts/device-webgpu-check.sh run` on a machine with a real GPU: the conformance checks
   * (how many within the tolerance, the worst error), then the timing as `webgpu-bench` shows it.
   */
  'webgpu-device'(output) {
    const worst = output.rows.reduce((a, r) => (r.maxRelativeError > a.maxRelativeError ? r : a));
    const summary = [
      row(['adapter', 'conformance checks within ' + output.tolerance.toExponential(0), 'worst relative error', 'whole check']),
      '|---|---:|---|---:|',
      row([output.adapter, `${output.passed} of ${output.passed + output.failed}`, `${worst.maxRelativeError.toExponential(2)} (${worst.name}, batch ${int(worst.batch)})`, `${int(output.seconds)} s`]),
    ];
    return [...summary, '', webGpuTimingTable(output.timing.map((r) => [r, 'Node, Dawn']))].join('\n');
  },
  /**
   * `pnpm figures:memory`: the runtime's peak activation memory per model, per sample (batch norms
   * folded or not, and if nothing were freed), then at each batch size for a backend that runs the
   * whole batch at once, for the cpu backend (chunks of 16 samples) and for the webgpu backend's
   * pooled device buffers (when the figures have them).
   */
  'activation-memory'(output) {
    const kb = (bytes) => `${fixed(bytes / 1024, 1)} KiB`;
    const mb = (bytes) => (bytes >= 1024 * 1024 ? `${fixed(bytes / 1024 / 1024, 1)} MiB` : kb(bytes));
    const batches = output.memory[0].batches.map((b) => b.batch);
    const gpu = output.memory[0].batches[0].webgpuBytes !== undefined;
    const lines = [
      row(['model (nodes → steps)', 'per sample', 'unfolded BN', 'nothing freed', ...batches.map((b) => `batch ${int(b)}: whole / cpu${gpu ? ' / webgpu' : ''}`)]),
      `|---|---:|---:|---:|${batches.map(() => '---:|').join('')}`,
    ];
    for (const m of output.memory) {
      lines.push(row([`${m.model} (${m.nodes} → ${m.steps})`, kb(m.perSampleBytes), kb(m.perSampleUnfoldedBytes), kb(m.perSampleKeepAllBytes), ...m.batches.map((b) => `${mb(b.wholeBatchBytes)} / ${mb(b.cpuBytes)}${gpu ? ` / ${mb(b.webgpuBytes)}` : ''}`)]));
    }
    return lines.join('\n');
  },
  /**
   * `dc compress --json` runs on a user's model (`{ model, command, bar: { ratio, errorIncrease }, result }`):
   * the float32 bytes of the model.json's parameters against the written file, and the test error
   * of the baseline against the file's, run by the sparse runtime.
   */
  'compress-runs'(output) {
    const lines = [row(['model', 'float32 parameters', 'file', 'ratio', 'baseline error', 'file error', 'bar', 'wall (load)', 'command']), '|---|---:|---:|---:|---:|---:|---|---:|---|'];
    for (const e of output.rows) {
      const r = e.result;
      const increase = r.testError - r.baselineTestError;
      const met = r.compressionRatio >= e.bar.ratio && increase <= e.bar.errorIncrease + 1e-9;
      const bar = `≥ ${e.bar.ratio}× at ≤ +${e.bar.errorIncrease} pp (${met ? 'met' : 'not met'})`;
      lines.push(row([e.model, `${int(r.originalBytes)} B`, `${int(r.fileBytes)} B`, `${fixed(r.compressionRatio, 2)}×`, `${fixed(r.baselineTestError, 2)}%`, `${fixed(r.testError, 2)}% (${increase >= 0 ? '+' : ''}${fixed(increase, 2)} pp)`, bar, `${int(r.wallSeconds)} s (${r.load.start} → ${r.load.end})`, `\`${e.command}\``]));
    }
    return lines.join('\n');
  },
  /**
   * `node scripts/bench-graph-models.mjs --save …`: per corpus model, the weights as float32, as
   * converter-style uint8 and brotli-11 of the original shards beside the `.dcm` at the fidelity
   * budget, the fidelity reached on the test photographs (and uint8's, and the original's own on
   * the test photographs jittered by one grey level, where the run measured it; entries the
   * original cannot reproduce are not judged, their count beside the metric), load + first
   * inference; failures with their reason; the medians against the bar.
   */
  'graph-models'(output) {
    const lines = [
      row(['model', 'original', 'float32 weights', 'uint8', 'brotli-11', '.dcm', '× float32', '× uint8', '.dcm fidelity (test)', 'uint8 fidelity (test)', 'original, jittered (test)', 'compressed / eligible tensors (with scales, float16)', 'load + 1st inference', 'plan (CPU, runs)']),
      '|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|',
    ];
    for (const m of output.models) {
      if (m.status !== 'ok') {
        lines.push(row([m.model, '', '', '', '', '', '', '', `failed: ${m.reason.replace(/\|/g, '\\|')}`, '', '', '', '', '']));
        continue;
      }
      const dcm = `${int(m.dcmBytes)} B`;
      const time = `${int(m.loadMs)} + ${int(m.firstInferenceMs)} ms`;
      // Tensors pruned, clustered or rounded, of those the planner could touch (with scales / float16: runs that recorded them).
      const forms = [m.tensors.scaled, m.tensors.float16].filter((x) => x !== undefined);
      const coded = `${m.tensors.compressed} / ${m.tensors.eligible}${forms.length ? ` (${forms.join(', ')})` : ''}`;
      lines.push(row([corpusModelName(m), `${int(m.originalBytes)} B`, `${int(m.float32Bytes)} B`, `${int(m.uint8Bytes)} B`, `${int(m.brotliBytes)} B`, dcm, `${fixed(m.ratioVsFloat32, 2)}×`, `${fixed(m.ratioVsUint8, 2)}×`, fidelity(m.testFidelity), fidelity(m.uint8Fidelity), fidelity(m.jitterFidelity?.test), coded, time, `${int(m.cpuSeconds)} s, ${int(m.evaluations.total)}`]));
    }
    const s = output.summary;
    const bar = (x, goal) => `${fixed(x, 2)}× (bar ≥ ${goal}×: ${x >= goal ? 'met' : 'not met'})`;
    lines.push(...corpusSummary(output, [row(['median `.dcm` vs float32 weights', bar(s.medianRatioVsFloat32, 8)]), row(['median `.dcm` vs uint8', bar(s.medianRatioVsUint8, 2)])]));
    return lines.join('\n');
  },
  /**
   * `node scripts/bench-graph-models.mjs --without-calibration --save …`: per corpus model, the file
   * `dc compress --no-retrain` writes without `--calibration` (its fixed defaults) beside
   * converter-style uint8, each one's fidelity on the test photographs judged as the planned files'
   * are, and the original's own under one grey level of jitter.
   */
  'graph-models-without-calibration'(output) {
    const lines = [row(['model', 'float32 weights', 'uint8', '.dcm', '× float32', '× uint8', '.dcm fidelity (test)', 'uint8 fidelity (test)', 'original, jittered (test)']), '|---|---:|---:|---:|---:|---:|---|---|---|'];
    for (const m of output.models) {
      if (m.status !== 'ok') lines.push(row([m.model, '', '', '', '', '', `failed: ${m.reason.replace(/\|/g, '\\|')}`, '', '']));
      else lines.push(row([corpusModelName(m), `${int(m.float32Bytes)} B`, `${int(m.uint8Bytes)} B`, `${int(m.dcmBytes)} B`, `${fixed(m.ratioVsFloat32, 2)}×`, `${fixed(m.ratioVsUint8, 2)}×`, fidelity(m.testFidelity), fidelity(m.uint8Fidelity), fidelity(m.jitterFidelity?.test)]));
    }
    const s = output.summary;
    lines.push(...corpusSummary(output, [row(['median `.dcm` vs float32 weights / vs uint8', `${fixed(s.medianRatioVsFloat32, 2)}× / ${fixed(s.medianRatioVsUint8, 2)}×`])]));
    return lines.join('\n');
  },
  /**
   * `pnpm bench --only training --json`: seconds per MNIST epoch per model, tfjs backend and thread
   * count, with issue #15's goals (LeNet-5 ≤ 60 s, LeNet-300-100 ≤ 5 s wall on this 2-core machine)
   * on each model's fastest row of the demo's backend.
   */
  'training-bench'(output) {
    const t = output.training;
    const backends = {
      cpu: 'cpu (pure JS)',
      wasm: 'wasm, missing kernels only',
      'wasm-fast': 'wasm + `replaceSlowKernels` (the demo\'s)',
      'wasm-fast-xnnpack2': 'wasm + `replaceSlowKernels`, threaded XNNPACK build',
      'wasm-fast-grad': 'wasm + `replaceSlowKernels` + `replaceSlowGradients` (`dc compress`\'s)',
    };
    const models = { 'lenet-300-100': 'LeNet-300-100', lenet5: 'LeNet-5', 'seed-convnet': 'seed convnet', 'rows-convnet': '1-D convnet over the rows (Conv1D 128, global max pooling)', vit: 'small vision transformer (conv stem to [7, 7, 32], one block, 2 heads)' };
    const goals = { 'lenet-300-100': 5, lenet5: 60 };
    const fastest = (model) => Math.min(...t.results.filter((r) => r.model === model && r.backend === 'wasm-fast' && !r.error).map((r) => r.secondsPerEpoch));
    const lines = [row(['model', 'backend', 'threads', 'steps timed', 's/epoch (wall)', 's/epoch (CPU time)', '× cpu (wall)', 'goal (wall)']), '|---|---|---:|---:|---:|---:|---:|---|'];
    for (const r of t.results) {
      const threads = r.xnnpackThreads > 1 ? `1 (XNNPACK ${r.xnnpackThreads})` : String(r.threads);
      const name = models[r.model] ?? r.model;
      if (r.error) {
        lines.push(row([name, backends[r.backend] ?? r.backend, threads, '—', `failed: ${r.error}`, '', '', '']));
        continue;
      }
      const goal = goals[r.model] !== undefined && r.backend === 'wasm-fast' && r.secondsPerEpoch === fastest(r.model) ? `≤ ${goals[r.model]} s: ${r.secondsPerEpoch <= goals[r.model] ? 'met' : 'not met'}` : '';
      const steps = r.full ? `${int(r.stepsTimed)} of a full epoch` : int(r.stepsTimed);
      lines.push(row([name, backends[r.backend] ?? r.backend, threads, steps, fixed(r.secondsPerEpoch, 1), fixed(r.cpuSecondsPerEpoch, 1), r.speedupVsCpu ? `${fixed(r.speedupVsCpu, 1)}×` : '—', goal]));
    }
    return lines.join('\n');
  },
  /**
   * `pnpm fuzz --save`: outcome → cases of the structure-aware fuzzer, then the run's findings,
   * slowest case, peak memory and the deflate-bomb rejection time.
   */
  fuzz(output) {
    const share = (n) => `${fixed((100 * n) / output.cases, 2)}%`;
    const outcomes = Object.entries(output.outcomes).sort((a, b) => b[1] - a[1]);
    const bomb = [...output.bomb.cpuMs].sort((a, b) => a - b);
    const slow = output.slowest;
    return [
      row(['outcome', 'cases', 'share']),
      '|---|---:|---:|',
      ...outcomes.map(([outcome, n]) => row([outcome, int(n), share(n)])),
      row(['**all**', `**${int(output.cases)}**`, '']),
      '',
      row(['check', 'result']),
      '|---|---|',
      row(['findings: exceptions other than `DcError`, broken invariants, non-finite outputs that tfjs, running the same model, does not compute', int(output.findingCount)]),
      row(['cases over 1 s of CPU time', int(output.over1s)]),
      row(['slowest case', `${ms(slow.cpuMs)} ms CPU (${slow.seed}: ${slow.mutations.join('; ')} → ${slow.outcome})`]),
      row(['peak RSS', `${int(output.peakRssMiB)} MiB`]),
      row(['whole run', `${int(output.cpuMs / 1000)} s CPU, ${int(output.wallMs / 1000)} s wall`]),
      row([`${output.bomb.inflatesTo} deflate-bomb header in a ${int(output.bomb.fileBytes)}-byte file`, `${output.bomb.code}, median ${ms(bomb[bomb.length >> 1])} ms CPU (max ${ms(bomb.at(-1))}, ${bomb.length} runs)`]),
    ].join('\n');
  },
  /**
   * `pnpm demo --json` runs, one row each (`{ command, result }`: the command and its output), and
   * the paper's figures between them (`{ paper: { model, file, ratio, testError } }`).
   */
  'demo-runs'(output) {
    const lines = [row(['command', 'file', 'ratio', 'test error', 'wall', 'runtime speed-up, batch 1 / 1,000']), '|---|---:|---:|---:|---:|---:|'];
    for (const entry of output.rows) {
      if (entry.paper) {
        const p = entry.paper;
        lines.push(row([`paper (Han et al. 2016), ${p.model}`, p.file, `${p.ratio}×`, p.testError, '', '']));
        continue;
      }
      const r = entry.result;
      const wall = r.wallSeconds ? `${int(r.wallSeconds)} s${entry.wallNote ? ` (${entry.wallNote})` : ''}` : '';
      const speed = r.bench?.speedup ? `${fixed(r.bench.speedup.batch1, 1)}× / ${fixed(r.bench.speedup.batch1000, 1)}×` : '';
      lines.push(row([`\`${entry.command}\`${entry.transcribed ? ' †' : ''}`, `${int(r.fileBytes)} B`, `${fixed(r.compressionRatio, 1)}×`, percent(r.testError), wall, speed]));
    }
    if (output.rows.some((e) => e.transcribed)) {
      lines.push('', "† transcribed from an earlier README (that run's `--json` output was not kept; its speed-ups used a different dense baseline and are left out); re-run the command and save its output to replace the row.");
    }
    return lines.join('\n');
  },
  /**
   * Ratio against test error: demo runs (`{ model, point, command, result, load?, transcribed? }`,
   * `result` being the run's `--json` output or its figures) and published points
   * (`{ model, paper: { source, ratio, testError } }`).
   */
  pareto(output) {
    // validation: the file's error on the held-out training images (baseline's in brackets), where the run held some out.
    const lines = [row(['model', 'point', 'ratio', 'test error', 'validation error (baseline)', 'file', 'wall', 'measured by']), '|---|---|---:|---:|---:|---:|---:|---|'];
    for (const e of output.rows) {
      if (e.paper) {
        lines.push(row([e.model, e.paper.source, e.paper.ratio, e.paper.testError, '', '', '', 'published']));
        continue;
      }
      const r = e.result;
      const how = `\`${e.command}\`${e.transcribed ? ' †' : ''}${e.load ? ` (load ${e.load})` : ''}`;
      const validation = r.validation ? `${percent(r.validation.compressedError)} (${percent(r.validation.baselineError)})` : '';
      lines.push(row([e.model, `**${e.point}**`, `${fixed(r.compressionRatio, 1)}×`, percent(r.testError), validation, `${int(r.fileBytes)} B`, r.wallSeconds ? `${int(r.wallSeconds)} s` : '', how]));
    }
    if (output.rows.some((e) => e.transcribed)) lines.push('', '† transcribed from an earlier README (its `--json` output was not kept).');
    return lines.join('\n');
  },
};

/** The generated block for the JSON file at `path` (as the README names it). */
export function renderBlock(readmeDir, path) {
  const saved = JSON.parse(readFileSync(join(readmeDir, path), 'utf8'));
  const render = RENDERERS[saved.kind];
  if (!render) throw new Error(`${path}: unknown kind ${saved.kind} (known: ${Object.keys(RENDERERS).join(', ')})`);
  const source = `\`${saved.command}\` (${saved.measured}; ${saved.load}), saved in [${path}](${path}):`;
  return `<!-- table: ${path} -->\n${source}\n\n${render(saved.output)}\n<!-- /table -->`;
}

/** `text` with every generated table re-rendered. */
export function renderTables(text, readmeDir) {
  return text.replace(BLOCK, (_, path) => renderBlock(readmeDir, path));
}

/** Every README.md of the repository (not in node_modules or dist). */
export function readmes(dir = ROOT) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git', '.turbo', 'out', '.cache'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readmes(path));
    else if (entry.name === 'README.md') out.push(path);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const readme of readmes()) {
    const text = readFileSync(readme, 'utf8');
    const next = renderTables(text, dirname(readme));
    if (next === text) continue;
    stale.push(relative(ROOT, readme));
    if (!check) writeFileSync(readme, next);
  }
  if (check && stale.length) {
    console.error(`readme-tables: stale tables in ${stale.join(', ')}; run node scripts/readme-tables.mjs`);
    process.exit(1);
  }
  console.log(stale.length ? `readme-tables: ${check ? 'stale' : 'rewrote'} ${stale.join(', ')}` : 'readme-tables: every table is current');
}
