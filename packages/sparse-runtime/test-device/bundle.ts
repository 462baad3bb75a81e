/**
 * Bundles `main.ts` and everything it imports (tfjs included) into one ES module for Node 20, for
 * a machine with nothing installed (scripts/device-webgpu-check.sh). `webgpu` (Dawn, a native
 * addon) stays an import: the script carries that package beside the bundle.
 * Usage, from packages/sparse-runtime: `node --import tsx test-device/bundle.ts <out.mjs>`.
 */
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const out = resolve(process.argv[2] ?? 'device-check.mjs');
const conditions = ['source', 'node', 'import', 'module', 'default'];
await build({
  configFile: false,
  logLevel: 'warn',
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions },
  ssr: { noExternal: true, external: ['webgpu'], resolve: { conditions, externalConditions: conditions } },
  build: {
    ssr: fileURLToPath(new URL('main.ts', import.meta.url)),
    outDir: dirname(out),
    emptyOutDir: false,
    minify: false,
    target: 'node20',
    reportCompressedSize: false,
    // tfjs-core's Node platform calls require('util'): give the ES module a require.
    rollupOptions: { output: { format: 'es', entryFileNames: basename(out), inlineDynamicImports: true, banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } },
  },
});
