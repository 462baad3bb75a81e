import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
});
