/**
 * `npx dc` after an npm install of the packed tarballs only: the repository's scripts/pack-check.sh
 * builds and packs @dc/core, @dc/huffman, @dc/rans, @dc/prune, @dc/quantize, @dc/allocate,
 * @dc/graph-model, @dc/sparse-runtime and @dc/cli, npm-installs those tarballs into an empty folder and runs scripts/pack-check/check.sh
 * there: `npx dc --help`, then `npx dc inspect` on the shipped LeNet-5 file. In the slow project
 * because it runs nine builds and an npm install (95 s of CPU, 3 min wall at load 9 on 2 cores; the builds are most of it).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPackCheck } from '../../../scripts/run-pack-check.mjs';

const app = fileURLToPath(new URL('../scripts/pack-check', import.meta.url));
const shipped = fileURLToPath(new URL('../../../apps/demo/compressed/lenet-5.dcm', import.meta.url));
const PACKAGES = ['core', 'huffman', 'rans', 'prune', 'quantize', 'allocate', 'graph-model', 'sparse-runtime', 'cli'].map((p) => `packages/${p}`);

describe('pack and install', () => {
  it('npx dc --help works where only the packed tarballs were npm-installed, and dc inspect reads a file there', () => {
    const out = runPackCheck(app, PACKAGES);
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { help: string; dc: string[]; fileBytes: number; nodes: string[] };
    expect(result.dc).toEqual(['allocate', 'cli', 'core', 'graph-model', 'huffman', 'prune', 'quantize', 'rans', 'sparse-runtime']);
    expect(result.help).toMatch(/^Usage: dc /);
    for (const command of ['compress', 'inspect', 'run']) expect(result.help).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.fileBytes).toBe(statSync(shipped).size);
    expect(result.nodes).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'ip1', 'ip2']);
  });
});
