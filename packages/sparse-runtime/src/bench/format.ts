/** A plain-text table of a {@link RuntimeBenchResult}, for terminals and logs. */
import type { RuntimeBenchResult } from './run-runtime-bench.js';

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0));

const speedup = (x: number, target?: number, met?: boolean) => `${x.toFixed(2)}×${target ? ` (goal ≥ ${target}×: ${met ? 'met' : 'MISSED'})` : ''}`;

/** Formats the result as a table (returns the text; prints nothing). */
export function formatRuntimeBench(r: RuntimeBenchResult): string {
  const lines = [
    `sparse runtime: ${r.model.name} (${r.model.source}), ${r.model.kept.toLocaleString('en')} of ${r.model.parameters.toLocaleString('en')} weights kept, inputs: ${r.inputs}`,
    `load (file → ready cpu session): first ${fmt(r.load.totalMs)} ms (decode + plan ${fmt(r.load.decodeMs)} ms, prepare ${fmt(r.load.prepareMs)} ms), then ${fmt(r.load.warmMedianMs)} ms (median of 5)${r.model.fileBytes ? `, file ${r.model.fileBytes.toLocaleString('en')} bytes` : ''}`,
    '',
    ...(r.threads > 1
      ? [
          `| batch | cpu, 1 thread (ms) | cpu, ${r.threads} threads (ms) | dense tfjs-wasm (ms) | speedup, 1 thread | speedup, ${r.threads} threads |`,
          '|------:|-------------------:|-------------------:|---------------------:|:------------------|:------------------|',
          ...r.rows.map((row) => `| ${row.batch} | ${fmt(row.cpuMs)} | ${fmt(row.cpuThreadsMs!)} | ${fmt(row.denseWasmMs)} | ${speedup(row.speedup, row.target, row.meetsTarget)} | ${speedup(row.threadsSpeedup!, row.threadsTarget, row.meetsThreadsTarget)} |`),
        ]
      : [
          '| batch | cpu, 1 thread (ms) | dense tfjs-wasm (ms) | speedup |',
          '|------:|-------------------:|---------------------:|:--------|',
          ...r.rows.map((row) => `| ${row.batch} | ${fmt(row.cpuMs)} | ${fmt(row.denseWasmMs)} | ${speedup(row.speedup, row.target, row.meetsTarget)} |`),
        ]),
    '',
    `node ${r.environment.node ?? '?'}, tfjs ${r.environment.tfjs} (${r.environment.tfjsBackend})`,
  ];
  return lines.join('\n');
}
