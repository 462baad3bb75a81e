/** `dc`'s commands keep tfjs's console advice off the terminal: a GraphModel file run on tfjs's cpu backend in Node prints its result alone. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { dcJson } from './run-dc.test-support.js';

const cli = new URL('./cli.ts', import.meta.url).pathname;

describe('dc and tfjs console advice', () => {
  it("dc run of a GraphModel file on tfjs's cpu backend prints no banner recommending tfjs-node, only its result", async () => {
    const model = await writeGraphModelFixture();
    const file = join(dirname(model), 'quiet.dcm');
    await dcJson('compress', model, '--no-retrain', '--sparsity', '0.5', '--bits', '5', '-o', file);
    const x = join(dirname(model), 'x.npy');
    writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i % 5) / 5), [2, 8, 8, 3])));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'run', file, '--data', x]);
    expect(stdout).toMatch(/^.*quiet\.dcm: tfjs GraphModel run on 2 samples \(tfjs cpu, \d+ ms\)\n/);
    expect(stderr).toBe('');
  }, 60_000);
});
