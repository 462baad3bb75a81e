/**
 * "Install only what you need": the repository's scripts/pack-check.sh builds and packs @dc/core
 * and @dc/prune, npm-installs only those two tarballs into an empty folder and runs a prune-only
 * pipeline there (scripts/pack-check-app.mjs).
 * In the slow project because it runs two builds (about 30 s).
 * Its time limit includes waiting for the other pack checks (the script runs one at a time).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/pack-check.sh', import.meta.url));
const app = fileURLToPath(new URL('../scripts/pack-check-app.mjs', import.meta.url));

describe('pack check', () => {
  it('installs only @dc/core + @dc/prune from their tarballs and prunes there', () => {
    const out = execFileSync('bash', [script, app, 'packages/core', 'packages/prune'], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain('pack-check: ok');
    expect(out).toContain('only @dc/core and @dc/prune installed');
  });
});
