import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectedPositions, connectivityHash } from '../connectivity.js';
import { errorCatalogue } from '../errors/codes.js';
import { FORMAT_DOC, formatFigures, rewriteGenerated } from './format-figures.test-support.js';
import { MAX_HEADER_BYTES, MAX_TENSOR_ELEMENTS } from './limits.js';

describe('docs/format.md', () => {
  const doc = readFileSync(FORMAT_DOC, 'utf8');

  it('quotes the figures of the shipped files as they are (`pnpm docs:figures` rewrites them)', () => {
    const blocks = formatFigures();
    for (const name of Object.keys(blocks)) expect(doc).toContain(`<!-- generated:${name} -->`);
    expect(rewriteGenerated(doc, blocks) === doc, 'docs/format.md figures are stale: run `pnpm docs:figures`').toBe(true);
  });

  it('states the limits the reader enforces, and names only codes of the catalogue', () => {
    expect(MAX_HEADER_BYTES).toBe(4 * 2 ** 20);
    expect(doc).toContain('| 4 MiB (4,194,304 bytes) |');
    expect(MAX_TENSOR_ELEMENTS).toBe(2 ** 28);
    expect(doc).toContain('| `2^28` |');
    const checks = doc.slice(doc.indexOf('## 4. Checks'), doc.indexOf('## 5.'));
    const codes = new Set([...checks.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]));
    expect([...codes].filter((c) => !(c in errorCatalogue))).toEqual([]);
    expect(codes.size).toBeGreaterThanOrEqual(12);
  });

  it('gives the seeded connectivity hash (§2.10) with test vectors and an example this code reproduces', () => {
    const section = doc.slice(doc.indexOf('### 2.10 Seeded connectivity'), doc.indexOf('## 3. Limits'));
    for (const constant of ['0x9e3779b1', '0x85ebca6b', '0xc2b2ae35', '(h >> 16)', '(h >> 13)']) expect(section).toContain(constant);
    const table = section.slice(section.indexOf('<!-- connectivity-hash-vectors -->'));
    const vectors = [...table.matchAll(/^\| (\d+) \| (\d+) \| `(0x[0-9a-f]{8})` \|$/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
    expect(vectors).toHaveLength(8);
    for (const [i, seed, h] of vectors) expect(connectivityHash(i, seed)).toBe(h);
    const positions = connectedPositions({ seed: 12345, keep: 429496730 }, 4800);
    expect(Math.round(0.1 * 2 ** 32)).toBe(429496730);
    expect(section).toContain(`${positions.length} of the 4,800 elements`);
    expect(section).toContain(`the first at ${Array.from(positions.subarray(0, 10)).join(', ')}.`);
  });
});
