/**
 * Starts a Node worker thread on an ES module of this workspace. On the built JavaScript that is
 * a plain `new Worker(url)`; when `entry` is a TypeScript file (the caller runs from its sources,
 * as under vitest or tsx), the worker first registers tsx's loader and resolves workspace
 * packages to their sources (the `source` export condition), as the tests do.
 */
import type { Worker } from 'node:worker_threads';

/** The ESM entry of a package as `import` resolves it from `parent`. */
async function resolveEsm(specifier: string, parent: string): Promise<string> {
  const meta = import.meta as ImportMeta & { resolve?: (s: string) => string };
  if (typeof meta.resolve === 'function') return meta.resolve(specifier);
  // vitest's module runner has no import.meta.resolve; its require resolution picks the ESM file.
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  return pathToFileURL(createRequire(parent).resolve(specifier)).href;
}

/**
 * A worker on `entry` (a `file:` URL of a `.js` or `.ts` module). The caller picks the extension
 * it runs as: `new URL(import.meta.url.endsWith('.ts') ? './w.ts' : './w.js', import.meta.url)`.
 */
export async function startNodeWorker(entry: URL): Promise<Worker> {
  const { Worker: NodeWorker } = await import('node:worker_threads');
  if (!entry.pathname.endsWith('.ts')) return new NodeWorker(entry);
  const tsx = await resolveEsm('tsx/esm/api', entry.href);
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new NodeWorker(boot, { eval: true, execArgv: ['--conditions=source'] });
}

/** `./<name>.js` or `./<name>.ts` next to `moduleUrl`, whichever the calling module runs as. */
export function siblingModule(name: string, moduleUrl: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);
}
