/**
 * `pnpm figures:memory`: rewrites packages/sparse-runtime/figures/activation-memory.json (the
 * runtime README's peak activation memory table) from the example topologies, then re-renders
 * the README tables. A unit test fails when the saved figures drift from the code.
 */
import { writeFileSync } from 'node:fs';
import { MEMORY_FIGURES, memoryFigures } from '../packages/sparse-runtime/src/bench/activation-memory-figures.test-support.js';

const figures = await memoryFigures(`${new Date().toISOString().slice(0, 10)}, the runtime's plan`);
writeFileSync(MEMORY_FIGURES, `${JSON.stringify(figures, null, 2)}\n`);
console.log(`wrote ${MEMORY_FIGURES}; now run node scripts/readme-tables.mjs`);
