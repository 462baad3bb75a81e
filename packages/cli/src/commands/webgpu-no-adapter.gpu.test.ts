/**
 * `dc run --backend webgpu` where Vulkan offers no adapter (a driver manifest naming a library that
 * does not exist): `BACKEND_UNAVAILABLE` with a hint in the CLI's terms, for both kinds of file.
 * In a child process, since Dawn reads VK_ICD_FILENAMES once per process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { compressedGraphFixture, dcInChild } from '../run-dc.test-support.js';

const root = new URL('../../../../', import.meta.url).pathname;

/** A Vulkan driver manifest whose library does not exist: Dawn starts and finds no adapter. */
function absentDriver(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dc-no-adapter-'));
  const icd = join(dir, 'icd.json');
  writeFileSync(icd, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(dir, 'libvulkan_absent.so'), api_version: '1.3.0' } }));
  return icd;
}

describe('dc run --backend webgpu without an adapter', () => {
  it('refuses a layer-graph file and a GraphModel file with BACKEND_UNAVAILABLE, its hint naming --backend cpu and VK_ICD_FILENAMES', async () => {
    const graphFile = await compressedGraphFixture('fixture.dcm');
    const digits = join(dirname(graphFile), 'digits.npy');
    writeFileSync(digits, Buffer.from(dump(new Float32Array(3 * 28 * 28), [3, 28, 28, 1])));
    for (const args of [[join(root, 'apps/demo/compressed/lenet-5.dcm'), '--data', digits], [graphFile]]) {
      const r = await dcInChild(['run', ...args, '--backend', 'webgpu'], { VK_ICD_FILENAMES: absentDriver() });
      expect([r.code, r.stderr], args[0]).toEqual([1, expect.stringMatching(/^dc: error BACKEND_UNAVAILABLE: .*\n\s*hint: dc runs WebGPU in Node on Dawn .*VK_ICD_FILENAMES.* Or run with --backend cpu\.$/m)]);
    }
  }, 120_000);
});
