/**
 * Headless Chromium for the page's end-to-end test: Debian's `/usr/bin/chromium` driven by
 * `playwright-core` (never a downloaded browser), WebGPU enabled, a fresh profile, no network
 * chatter. Test-only code.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser test cannot run here, or `undefined` when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium libvulkan1)`;
}

/** Launches Chromium with a fresh profile under `workDir` (removed by the caller). */
export async function launchChromium(workDir: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  // A persistent context is how Playwright takes a --user-data-dir of our choosing.
  return chromium.launchPersistentContext(join(workDir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    env: { ...process.env, XDG_RUNTIME_DIR: workDir },
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
