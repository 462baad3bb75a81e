/**
 * `dc`'s commands keep tfjs's console advice off the terminal wherever `dc run` loads tfjs (a
 * GraphModel file, photographs, `--backend tfjs`, `--reference`), and `dc run` of a `.dcm` on its
 * own cpu backend, or `dc export` of a GraphModel file, does not load tfjs at all.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dump } from 'npyjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compressedGraphFixture, dcInChild, dcJson } from './run-dc.test-support.js';

const lenet5 = new URL('../../../apps/demo/compressed/lenet-5.dcm', import.meta.url).pathname;

/** Two digit-like 28 × 28 grey images, as a folder of PNGs and as `[2, 28, 28, 1]` bytes in `x.npy`. */
function digits(dir: string): { photos: string; npy: string } {
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const bytes = Uint8Array.from({ length: 2 * 784 }, (_, i) => ((i % 28) * 9 + Math.floor(i / 28) * 3) % 256);
  for (let k = 0; k < 2; k++) {
    const png = new PNG({ width: 28, height: 28 });
    for (let i = 0; i < 784; i++) png.data.set([bytes[k * 784 + i], bytes[k * 784 + i], bytes[k * 784 + i], 255], i * 4);
    writeFileSync(join(photos, `digit-${k}.png`), PNG.sync.write(png));
  }
  const npy = join(dir, 'x.npy');
  writeFileSync(npy, Buffer.from(dump(Float32Array.from(bytes), [2, 28, 28, 1])));
  return { photos, npy };
}

describe('dc and tfjs console advice', () => {
  it("dc run of a GraphModel file on tfjs's cpu backend prints no banner recommending tfjs-node, only its result", async () => {
    const file = await compressedGraphFixture('quiet.dcm');
    const x = join(dirname(file), 'x.npy');
    writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i % 5) / 5), [2, 8, 8, 3])));
    const { code, stdout, stderr } = await dcInChild(['run', file, '--data', x]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^.*quiet\.dcm: tfjs GraphModel run on 2 samples \(tfjs cpu, \d+ ms\)\n/);
  }, 60_000);

  it('dc run of a .dcm prints no banner where it loads tfjs: photographs, --backend tfjs, --reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-quiet-'));
    const { photos, npy } = digits(dir);
    await dcJson('export', lenet5, '-o', join(dir, 'exported'));
    for (const args of [
      ['--data', photos],
      ['--data', npy, '--backend', 'tfjs'],
      ['--data', npy, '--reference', join(dir, 'exported', 'model.json')],
    ]) {
      const { code, stdout, stderr } = await dcInChild(['run', lenet5, ...args]);
      expect([args, code, stderr]).toEqual([args, 0, '']);
      expect(stdout).toMatch(/lenet-5\.dcm/);
    }
  }, 120_000);

  it('dc run of a .dcm on its cpu backend with .npy data, and dc export of a GraphModel file, do not load tfjs (a third of a second or more at start)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-quiet-'));
    const { npy } = digits(dir);
    // tfjs keeps its engine on the global object (`_tfengine`) from the moment it loads.
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`tfjs loaded: ${'_tfengine' in globalThis}\\n`));\n");
    const { code, stdout, stderr } = await dcInChild(['run', lenet5, '--data', npy], { NODE_OPTIONS: `--import=${probe}` });
    expect([code, stderr]).toEqual([0, 'tfjs loaded: false\n']);
    expect(stdout).toMatch(/lenet-5\.dcm on 2 samples \(cpu,/);
    const graphFile = await compressedGraphFixture('loads.dcm');
    const graph = await dcInChild(['run', graphFile, '--data', npy], { NODE_OPTIONS: `--import=${probe}` });
    expect(graph.stderr).toMatch(/tfjs loaded: true\n$/); // the probe sees tfjs where a run needs it
    // dc export decodes a GraphModel file without tfjs, a layer-graph file through it (quieted).
    const exported = await dcInChild(['export', graphFile, '-o', join(dir, 'graph')], { NODE_OPTIONS: `--import=${probe}` });
    expect([exported.code, exported.stderr]).toEqual([0, 'tfjs loaded: false\n']);
    const layers = await dcInChild(['export', lenet5, '-o', join(dir, 'layers')], { NODE_OPTIONS: `--import=${probe}` });
    expect([layers.code, layers.stderr]).toEqual([0, 'tfjs loaded: true\n']);
  }, 90_000);
});
