/**
 * `dc run --backend webgpu` where Vulkan offers no adapter (a driver manifest naming a library that
 * does not exist): `BACKEND_UNAVAILABLE` with a hint in the CLI's terms, for both kinds of file.
 * In a child process, since Dawn reads VK_ICD_FILENAMES once per process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';

const root = new URL('../../../../', import.meta.url).pathname;
const cli = join(root, 'packages/cli/src/cli.ts');

/** `dc <args>` in a child process on a Vulkan driver that does not exist: its exit code and stderr. */
async function dcWithoutAdapter(...args: string[]): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dc-no-adapter-'));
  const icd = join(dir, 'icd.json');
  writeFileSync(icd, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(dir, 'libvulkan_absent.so'), api_version: '1.3.0' } }));
  const run = promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], { cwd: root, env: { ...process.env, VK_ICD_FILENAMES: icd } });
  return run.then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
}

describe('dc run --backend webgpu without an adapter', () => {
  it('refuses a layer-graph file and a GraphModel file with BACKEND_UNAVAILABLE, its hint naming --backend cpu and VK_ICD_FILENAMES', async () => {
    const model = await writeGraphModelFixture();
    const graphFile = join(dirname(model), 'fixture.dcm');
    await dcJson('compress', model, '--no-retrain', '--sparsity', '0.5', '--bits', '5', '-o', graphFile);
    const digits = join(dirname(model), 'digits.npy');
    writeFileSync(digits, Buffer.from(dump(new Float32Array(3 * 28 * 28), [3, 28, 28, 1])));
    for (const args of [[join(root, 'apps/demo/compressed/lenet-5.dcm'), '--data', digits], [graphFile]]) {
      const r = await dcWithoutAdapter('run', ...args, '--backend', 'webgpu');
      expect([r.code, r.stderr], args[0]).toEqual([1, expect.stringMatching(/^dc: error BACKEND_UNAVAILABLE: .*\n\s*hint: dc runs WebGPU in Node on Dawn .*VK_ICD_FILENAMES.* Or run with --backend cpu\.$/m)]);
    }
  }, 120_000);
});
