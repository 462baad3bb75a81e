#!/usr/bin/env node
/**
 * `pnpm bench [--json] [--only training,huffman,rans,files,cluster,runtime,webgpu,webgpu-browser,graph-models] [--file a.dcm ...]`
 *
 * Runs every benchmark of the project on the built packages (`pnpm bench` builds first) and
 * prints one table per section, or with `--json` one JSON object on stdout. Ratios are always
 * measured side by side in the same run. Run it alone: these machines are shared and noisy.
 *
 * The runtime section runs real `.dcm` files (also the seed convnet's and the Fashion-MNIST
 * examples') on real MNIST test images, one thread and all cores, and the files section
 * compares their bytes with the same weights stored densely and gzip/brotli-compressed: `--file`
 * paths, else `out/<model>.dcm` written by `pnpm demo`, else the samples shipped in
 * apps/demo/compressed/.
 *
 * `graph-models` runs only when named in `--only`: it fetches a 144 MB corpus of pretrained tfjs
 * GraphModels on first use and runs for about an hour (see bench-graph-models.mjs).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg, entry) => import(join(ROOT, 'packages', pkg, 'dist', entry));
const { values } = parseArgs({
  options: { json: { type: 'boolean' }, only: { type: 'string' }, file: { type: 'string', multiple: true } },
  allowPositionals: false,
});
const only = values.only?.split(',');
const wanted = (section) => !only || only.includes(section);
const log = (msg) => process.stderr.write(`${msg}\n`);

function realFiles() {
  if (values.file?.length) return values.file;
  // The seeded files (`pnpm demo --preset seeded`) store seeds in place of positions.
  return ['lenet-300-100', 'lenet-5', 'lenet-300-100-seeded', 'lenet-5-seeded']
    .map((m) => [join(ROOT, 'out', `${m}.dcm`), join(ROOT, 'apps/demo/compressed', `${m}.dcm`)].find(existsSync))
    .filter(Boolean);
}

/**
 * Files of the runtime section: the LeNet files, plus (unless `--file` is given) the seed convnet
 * when `pnpm demo --model seed-convnet` wrote one, and the Fashion-MNIST examples' shipped files.
 */
function runtimeFiles() {
  if (values.file?.length) return values.file;
  const extra = [join(ROOT, 'out', 'seed-convnet.dcm'), ...['resnet', 'mobilenet'].map((m) => join(ROOT, 'examples/fashion-mnist/shipped', `${m}.dcm`))];
  return [...realFiles(), ...extra.filter(existsSync)];
}

/** Batch sizes of the WebGPU benchmarks: convnets run 100 at most (SwiftShader is slow). */
const webGpuBatches = (file) => (/lenet-5/.test(file) ? [1, 100] : [1, 1000]);

const sections = {
  async 'graph-models'() {
    const { benchGraphModels, formatGraphModels } = await import('./bench-graph-models.mjs');
    const result = await benchGraphModels({ root: ROOT });
    return { result, table: formatGraphModels(result) };
  },
  async training() {
    const { benchTraining, formatTable } = await import('./bench-training.mjs');
    const result = benchTraining({});
    return { result, table: formatTable(result) };
  },
  async huffman() {
    const { runHuffmanBench, formatHuffmanBench } = await dist('huffman', 'bench/index.js');
    const result = await runHuffmanBench();
    return { result, table: formatHuffmanBench(result) };
  },
  async rans() {
    // rANS beside Huffman on the same streams, in the same process.
    const { runRansBench, formatRansBench } = await dist('rans', 'bench/index.js');
    const { encodeHuffman, decodeHuffman } = await dist('huffman', 'index.js');
    const result = await runRansBench({ reference: { name: 'huffman', encode: encodeHuffman, decode: decodeHuffman } });
    return { result, table: formatRansBench(result) };
  },
  async files() {
    // Each real .dcm beside its weights stored densely (1 byte per weight) + gzip -9 / brotli -11.
    const { benchFiles, formatFilesBench } = await import('./bench-files.mjs');
    const result = await benchFiles(realFiles());
    return { result, table: await formatFilesBench(result) };
  },
  async cluster() {
    const { runClusterBench, formatClusterBench } = await dist('quantize', 'bench/index.js');
    const result = runClusterBench();
    return { result, table: formatClusterBench(result) };
  },
  async runtime() {
    const { runRuntimeBench, formatRuntimeBench } = await dist('sparse-runtime', 'bench/index.js');
    const { loadMnist } = await dist('core', 'mnist/index.js');
    const mnist = await loadMnist();
    const files = runtimeFiles();
    if (files.length === 0) log('runtime: no .dcm file found (run `pnpm demo` first); benchmarking a random LeNet-300-100-sized model');
    const runs = files.length ? files : [undefined];
    const results = [];
    for (const file of runs) {
      const result = await runRuntimeBench({ ...(file ? { file } : {}), inputs: mnist.test.images, inputsLabel: 'MNIST test images' });
      results.push({ file: file ?? 'random LeNet-300-100 (8% kept, 5 bits)', ...result });
    }
    return { result: results, table: results.map((r) => `${r.file}\n${formatRuntimeBench(r)}`).join('\n\n') };
  },
  async webgpu() {
    // Dawn (the `webgpu` package) on SwiftShader: correctness machine, not a speed figure for GPUs.
    // Each real file alone, then side by side with tfjs-backend-webgpu's dense network.
    process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
    const { runWebGpuBench, formatWebGpuBench } = await dist('sparse-runtime', 'webgpu/bench-webgpu.js');
    const result = [];
    for (const file of realFiles()) result.push({ file, ...(await runWebGpuBench({ file, batches: webGpuBatches(file), minMs: 1500 })) });
    return { result, table: result.map((r) => `${r.file}\n${formatWebGpuBench(r)}`).join('\n\n') };
  },
  async 'webgpu-browser'() {
    // The same in headless Chromium (Debian's /usr/bin/chromium, its SwiftShader adapter).
    const { runWebGpuBrowserBench } = await dist('sparse-runtime', 'webgpu/testing/browser-bench.js');
    const result = await runWebGpuBrowserBench({ files: realFiles().map((path) => ({ path, batches: webGpuBatches(path) })), minMs: 1500 });
    const table = result.map((r) => [`${r.file} (${r.where}, ${r.adapter})`, ...r.tfjsWebGpu.map((x) => `batch ${x.batch}: ${x.webgpuMs.toFixed(1)} ms vs tfjs-backend-webgpu ${x.tfjsWebGpuMs.toFixed(1)} ms (${x.speedup.toFixed(1)}×)`)].join('\n'));
    return { result, table: table.join('\n\n') };
  },
};

const out = {};
for (const [name, run] of Object.entries(sections)) {
  if (!wanted(name) || (name === 'graph-models' && !only?.includes(name))) continue;
  log(`bench: ${name} ...`);
  try {
    const { result, table } = await run();
    out[name] = result;
    if (!values.json) console.log(`\n## ${name}\n\n${table}`);
  } catch (error) {
    out[name] = { error: String(error?.message ?? error) };
    log(`bench: ${name} failed: ${error?.message ?? error}`);
  }
}
if (values.json) console.log(JSON.stringify(out));
