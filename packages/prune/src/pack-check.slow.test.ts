/**
 * "Install only what you need": the repository's scripts/pack-check.sh builds and packs @dc/core
 * and @dc/prune, npm-installs only those two tarballs into an empty folder and runs a prune-only
 * pipeline there (scripts/pack-check-app.mjs).
 * In the slow project because it runs two builds (about 30 s).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPackCheck } from '../../../scripts/run-pack-check.mjs';

const app = fileURLToPath(new URL('../scripts/pack-check-app.mjs', import.meta.url));

describe('pack check', () => {
  it('installs only @dc/core + @dc/prune from their tarballs and prunes there', () => {
    const out = runPackCheck(app, ['packages/core', 'packages/prune']);
    expect(out).toContain('pack-check: ok');
    expect(out).toContain('only @dc/core and @dc/prune installed');
  });
});
