#!/usr/bin/env node
// Screenshots a demo report (report.html from `pnpm demo`) in headless Chromium, for the README.
// Debian's /usr/bin/chromium through playwright-core, launched by the demo's own helper (build
// the demo first: `pnpm build`).
//
// Usage: node apps/demo/scripts/report-screenshot.mjs out/report.html apps/demo/docs/report.png [width]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumMissing, launchChromium } from '../dist/web/testing/chromium.js';

const [html, png, width = '1100'] = process.argv.slice(2);
if (!html || !png) {
  console.error('usage: report-screenshot.mjs <report.html> <out.png> [width]');
  process.exit(2);
}
const missing = chromiumMissing();
if (missing) {
  console.error(`report-screenshot: ${missing}`);
  process.exit(1);
}
const work = await mkdtemp(join(tmpdir(), 'dc-report-shot-'));
const browser = await launchChromium(work);
try {
  const page = await browser.newPage();
  await page.setViewportSize({ width: Number(width), height: 800 });
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.screenshot({ path: png, fullPage: true });
  console.log(`report-screenshot: wrote ${png}`);
} finally {
  await browser.close();
  await rm(work, { recursive: true, force: true });
}
