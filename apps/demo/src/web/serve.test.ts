import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDigitSample } from './sample-format.js';
import { serveDemoPage, type DemoServer } from './serve.js';

let work: string;
let server: DemoServer;
const dcm = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dc-serve-'));
  await mkdir(join(work, 'page', 'assets'), { recursive: true });
  await writeFile(join(work, 'page', 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(work, 'page', 'assets', 'a.js'), 'export {};');
  await writeFile(join(work, 'm.dcm'), dcm);
  server = await serveDemoPage({ dcmPath: join(work, 'm.dcm'), pageDir: join(work, 'page') });
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, type: res.headers.get('content-type'), body: new Uint8Array(await res.arrayBuffer()) };
};

describe('serveDemoPage', () => {
  it('serves the page, its assets and the model on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get('/?backend=cpu');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(new TextDecoder().decode(page.body)).toContain('<title>t</title>');
    expect((await get('/assets/a.js')).type).toMatch(/^text\/javascript/);
    const model = await get('/model.dcm');
    expect(model.body).toEqual(dcm);
  });

  it('makes the MNIST digit sample when the built page has none', async () => {
    const s = decodeDigitSample((await get('/mnist-sample.bin')).body);
    expect(s.count).toBe(100);
    expect([...s.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
  });

  it('answers 404 for missing files and folders, 403 outside the page', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
    expect((await get('/..%2f..%2fm.dcm')).status).toBe(403);
  });

  it('refuses to start without a built page or a model file, saying what to do', async () => {
    await expect(serveDemoPage({ dcmPath: join(work, 'm.dcm'), pageDir: work })).rejects.toThrow(/not built.*index\.html/);
    await expect(serveDemoPage({ dcmPath: join(work, 'missing.dcm'), pageDir: join(work, 'page') })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', hint: expect.stringContaining('pnpm demo') });
  });
});
