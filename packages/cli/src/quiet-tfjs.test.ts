/** `dc`'s commands keep tfjs's console advice off the terminal: a GraphModel file run on tfjs's cpu backend in Node prints its result alone. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { compressedGraphFixture, dcInChild } from './run-dc.test-support.js';

describe('dc and tfjs console advice', () => {
  it("dc run of a GraphModel file on tfjs's cpu backend prints no banner recommending tfjs-node, only its result", async () => {
    const file = await compressedGraphFixture('quiet.dcm');
    const x = join(dirname(file), 'x.npy');
    writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i % 5) / 5), [2, 8, 8, 3])));
    const { code, stdout, stderr } = await dcInChild(['run', file, '--data', x]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^.*quiet\.dcm: tfjs GraphModel run on 2 samples \(tfjs cpu, \d+ ms\)\n/);
  }, 60_000);
});
