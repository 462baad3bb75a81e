import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Workspace packages export "./src/*.ts" under the "source" condition, so tests run on the
// sources without a build step; published consumers get dist/ through "default".
const conditions = ['source', 'module', 'node', 'import', 'default'];
const resolve = { conditions };
const ssr = { resolve: { conditions, externalConditions: ['source'] } };
// Vitest's default leaves one core to its main process, which mostly waits: on a 2-core CI
// machine that is one test file at a time. So every core, but no more workers than memory holds:
// a slow file's real-MNIST training takes ~0.5 GB, and a many-core machine would otherwise run
// one per core at once; 1 GiB of the machine per worker leaves room for the rest.
const WORKERS = Math.max(1, Math.min(availableParallelism(), Math.floor(totalmem() / 2 ** 30)));

// tfjs's cpu backend greets each worker that first uses it in Node ("Hi, looks like you are running
// TensorFlow.js in Node.js...": ~120 of them, a third of a CI log's lines). Not the tests' output;
// a test that spies on the console still sees it.
const TFJS_NODE_GREETING = 'looks like you are running TensorFlow.js in Node.js';

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    onConsoleLog: (log) => !log.includes(TFJS_NODE_GREETING),
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'scripts/*.test.ts'],
          exclude: ['**/*.slow.test.ts', '**/*.gpu.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
          maxWorkers: WORKERS,
          typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'] },
        },
      },
      {
        resolve,
        ssr,
        test: {
          // Real-MNIST training runs: minutes, not seconds, so a project of their own.
          name: 'slow',
          // The LeNet-300-100 measurements of prune, quantize and huffman share one trained
          // baseline: the demo's shipped checkpoint, put in their cache by the global setup.
          env: { DC_BASELINE_CACHE: process.env.DC_BASELINE_CACHE ?? join(tmpdir(), 'dc-slow-tests-lenet300-baseline.json') },
          globalSetup: ['./scripts/slow-test-setup.ts'],
          include: ['packages/*/src/**/*.slow.test.ts', 'apps/*/src/**/*.slow.test.ts', 'examples/*/src/**/*.slow.test.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
          // Each file trains on one core: on every core at once, beside the unit files (same
          // group, as the worker counts match), not one file after another at the end.
          maxWorkers: WORKERS,
        },
      },
      {
        resolve,
        ssr,
        test: {
          // WebGPU in Node (Dawn + SwiftShader) and in headless Chromium.
          name: 'gpu',
          include: ['packages/*/src/**/*.gpu.test.ts', 'apps/*/src/**/*.gpu.test.ts'],
          testTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
