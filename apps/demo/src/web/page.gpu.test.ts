/**
 * End to end: builds the demo page with vite, writes a real Huffman-coded .dcm, serves both with
 * serveDemoPage, and drives the page in headless Chromium (Debian's, WebGPU on SwiftShader where
 * the adapter exists). The page's answers must equal the Node cpu backend's on the same inputs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { huffmanDecoder } from '@dc/huffman/decode';
import { createSession, loadCompressedModel, type Session } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMnistTestSample } from './mnist-sample.js';
import { digitBatch, type DigitSample } from './sample-format.js';
import { serveDemoPage, type DemoServer } from './serve.js';
import { chromiumMissing, launchChromium } from './testing/chromium.js';
import { buildDigitModel } from './testing/digit-model.js';

const missing = chromiumMissing();
const WEB_CONFIG = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));
/** Where the screenshot is kept for people to look at. */
const SCREENSHOT = join(tmpdir(), 'dc-demo-page.png');

interface PageState {
  backend?: { name: string; detail: string; reason?: string };
  model?: { name: string; fileBytes: number; source: string };
  sampleOutputs?: Float32Array;
  correct?: number;
  drawInput?: Float32Array;
  drawOutput?: Float32Array;
  error?: string;
}

let work: string;
let dcmPath: string;
let dcm: Uint8Array;
let sample: DigitSample;
let cpu: Session;
let expected: Float32Array;
let server: DemoServer;
let browser: BrowserContext;

const argmax = (out: ArrayLike<number>, at: number) => {
  let best = 0;
  for (let i = 1; i < 10; i++) if (out[at + i] > out[at + best]) best = i;
  return best;
};
const state = (page: Page) => page.evaluate(() => (window as unknown as { dcDemo: PageState }).dcDemo);

async function openPage(init?: () => void): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(server.url);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 60_000 });
  const s = await state(page);
  if (s.error || errors.length > 0) throw new Error(`the page failed: ${s.error ?? errors.join('; ')}`);
  return page;
}

describe.skipIf(missing !== undefined)(`demo page in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dc-demo-page-'));
    const vite = await import('vite');
    const pageDir = join(work, 'page');
    await vite.build({ configFile: WEB_CONFIG, logLevel: 'error', build: { outDir: pageDir } });
    dcm = (await buildDigitModel({ seed: 1 })).bytes;
    dcmPath = join(work, 'model.dcm');
    await writeFile(dcmPath, dcm);
    sample = await readMnistTestSample({ count: 100 });
    cpu = await createSession(await loadCompressedModel(dcm, { decoders: [huffmanDecoder] }), { backend: createCpuBackend() });
    expected = await cpu.predict(digitBatch(sample), sample.count);
    server = await serveDemoPage({ dcmPath, pageDir });
    browser = await launchChromium(work);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('classifies the MNIST sample as the Node cpu backend does, on WebGPU when there is an adapter', async () => {
    const page = await openPage();
    const s = await state(page);
    const hasAdapter = await page.evaluate(async () => {
      const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return !!(gpu && (await gpu.requestAdapter()));
    });
    const shown = (await page.textContent('#backend'))!;
    if (hasAdapter) {
      expect(s.backend?.name).toBe('webgpu');
      expect(shown).toMatch(/^backend: webgpu \(/);
    } else {
      expect(s.backend?.name).toBe('cpu');
      expect(shown).toMatch(/not WebGPU: \[BACKEND_UNAVAILABLE\] webgpu: /);
    }
    expect(s.model).toMatchObject({ name: 'page-test-lenet-300-100', fileBytes: dcm.length, source: './model.dcm' });

    // Same outputs (float tolerance on WebGPU, bit-exact on cpu) and the same labels in the grid.
    const out = s.sampleOutputs!;
    expect(out).toHaveLength(1000);
    for (let i = 0; i < 1000; i++) expect(Math.abs(out[i] - expected[i])).toBeLessThan(1e-4);
    if (s.backend?.name === 'cpu') expect(Array.from(out)).toEqual(Array.from(expected));
    const shownPreds = await page.$$eval('#grid .cell', (cells) => cells.map((c) => Number((c as HTMLElement).dataset.pred)));
    const nodePreds = Array.from({ length: sample.count }, (_, i) => argmax(expected, i * 10));
    expect(shownPreds).toEqual(nodePreds);
    const correct = nodePreds.filter((p, i) => p === sample.labels[i]).length;
    expect(s.correct).toBe(correct);
    expect(correct).toBeGreaterThanOrEqual(70);
    expect(await page.textContent('#accuracy')).toContain(`${correct} / 100 correct`);

    // A "7" drawn with the mouse: a bar across the top, then a stroke down to the left.
    const box = (await page.locator('#pad').boundingBox())!;
    const at = (x: number, y: number) => page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 12 });
    await at(0.25, 0.2);
    await page.mouse.down();
    await at(0.75, 0.2);
    await at(0.45, 0.85);
    await page.mouse.up();
    await page.waitForFunction(() => (window as unknown as { dcDemo: PageState }).dcDemo.drawOutput !== undefined, undefined, { timeout: 30_000 });
    const d = await state(page);
    const input = d.drawInput!;
    expect(input).toHaveLength(784);
    expect(Math.max(...input)).toBe(1);
    const inked = input.filter((v) => v > 0.5).length;
    expect(inked).toBeGreaterThan(30);
    expect(inked).toBeLessThan(300);
    const nodeDraw = await cpu.predict(input, 1);
    for (let i = 0; i < 10; i++) expect(Math.abs(d.drawOutput![i] - nodeDraw[i])).toBeLessThan(1e-4);
    expect(await page.textContent('#draw-result')).toBe(String(argmax(nodeDraw, 0)));
    expect(await page.locator('#bars .fill').count()).toBe(10);
    console.log(`drawn 7 classified as ${argmax(nodeDraw, 0)} (p = ${nodeDraw[argmax(nodeDraw, 0)].toFixed(3)}); backend ${s.backend?.name} (${s.backend?.detail})`);

    const png = await page.screenshot({ fullPage: true });
    await writeFile(SCREENSHOT, png);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1200); // IHDR width: the viewport
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(600);
    expect(png.length).toBeGreaterThan(40_000); // 100 digits and text, not a blank page
    console.log(`screenshot: ${SCREENSHOT} (${png.length} bytes)`);
    await page.close();
  });

  it('falls back to the cpu backend without WebGPU, says why, and loads a model from the file picker', async () => {
    const page = await openPage(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    const s = await state(page);
    expect(s.backend?.name).toBe('cpu');
    expect(s.backend?.reason).toBe('[BACKEND_UNAVAILABLE] webgpu: navigator.gpu is not available in this environment');
    expect(await page.textContent('#backend')).toContain('not WebGPU: [BACKEND_UNAVAILABLE] webgpu: navigator.gpu is not available');
    expect(Array.from(s.sampleOutputs!)).toEqual(Array.from(expected));

    await page.setInputFiles('#file', { name: 'picked.dcm', mimeType: 'application/octet-stream', buffer: Buffer.from(dcm) });
    await page.waitForFunction(() => (window as unknown as { dcDemo: PageState }).dcDemo.model?.source === 'picked.dcm', undefined, { timeout: 30_000 });
    await page.waitForSelector('body[data-state="ready"]');
    const picked = await state(page);
    expect(picked.model?.fileBytes).toBe(dcm.length);
    expect(Array.from(picked.sampleOutputs!)).toEqual(Array.from(expected));

    // A file that is not a .dcm: the page shows the decoder's DcError code.
    await page.setInputFiles('#file', { name: 'bad.dcm', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#error')).toMatch(/^\[[A-Z_]+\] /);
    await page.close();
  });
});
