/**
 * `pnpm docs:figures`: rewrites the generated blocks of docs/format.md (the example header and the
 * size table) from the shipped sample files. A unit test (format-doc.test.ts) fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FORMAT_DOC, formatFigures, rewriteGenerated } from '../packages/core/src/container/format-figures.test-support.js';

const doc = readFileSync(FORMAT_DOC, 'utf8');
const next = rewriteGenerated(doc, formatFigures());
if (next === doc) {
  console.log('docs/format.md: figures already current');
} else {
  writeFileSync(FORMAT_DOC, next);
  console.log('docs/format.md: figures rewritten');
}
