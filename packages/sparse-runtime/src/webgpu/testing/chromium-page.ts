/**
 * Test harness for WebGPU in headless Chromium: builds the page in `test-browser/` with vite,
 * serves it on http://127.0.0.1 (a secure context, so `navigator.gpu` exists), and drives Debian's
 * `/usr/bin/chromium` with `playwright-core` (never a downloaded browser). Test-only code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium libvulkan1)`;
}

/** Chromium's version (`156.0.7530.1`), from `chromium --version`. */
export function chromiumVersion(): string {
  const out = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return /(\d+\.\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim();
}

const PAGE_DIR = fileURLToPath(new URL('../../../test-browser/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json', '.dcm': 'application/octet-stream' };

/** A served page in a running Chromium. */
export interface ChromiumPage {
  readonly page: Page;
  readonly origin: string;
  /** Serves `bytes` at `path` (e.g. `/model.dcm`) from now on. */
  serve(path: string, bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** The pages of `test-browser/`: the test page, and the benchmark page (which bundles tfjs too). */
export type PageName = 'index' | 'bench';

async function buildPage(outDir: string, page: PageName): Promise<void> {
  const vite = await import('vite');
  await vite.build({
    root: PAGE_DIR,
    configFile: false,
    logLevel: 'error',
    resolve: { conditions: ['source', ...vite.defaultClientConditions] },
    // The cpu backend's module workers (and the page's lazily loaded tfjs chunk) need ES output.
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false, rollupOptions: { input: join(PAGE_DIR, `${page}.html`) } },
  });
}

function serveDir(dir: string, extra: Map<string, Uint8Array>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const fixed = extra.get(path);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    const send = (body: Uint8Array, type: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (fixed) return send(fixed, TYPES['.dcm']);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then((b) => send(b, TYPES[extname(file)] ?? 'application/octet-stream'), () => res.writeHead(404).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Builds and serves a page of `test-browser/` (default the test page), launches Chromium with WebGPU enabled and opens the page. */
export async function openChromiumPage(page: PageName = 'index'): Promise<ChromiumPage> {
  const work = await mkdtemp(join(tmpdir(), 'dc-webgpu-page-'));
  const outDir = join(work, 'dist');
  await buildPage(outDir, page);
  const extra = new Map<string, Uint8Array>();
  const server = await serveDir(outDir, extra);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  let browser: BrowserContext | undefined;
  try {
    // A persistent context is how Playwright takes a fresh --user-data-dir of our choosing.
    browser = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      env: { ...process.env, XDG_RUNTIME_DIR: work },
      args: [
        '--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic',
      ],
    });
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${origin}/${page}.html`);
    await tab.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 30_000 }).catch((e: unknown) => {
      throw new Error(`the test page did not start: ${errors.join('; ') || (e as Error).message}`);
    });
    const b = browser;
    return {
      page: tab,
      origin,
      serve: (path, bytes) => void extra.set(path, bytes),
      async close() {
        await b.close();
        await new Promise((r) => server.close(r));
        await rm(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
