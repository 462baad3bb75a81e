/**
 * Every workspace package declares the Node versions it supports, and every published one keeps
 * tests and test support out of its tarball (the pack checks in the slow project look inside the
 * real tarballs; this catches a new package early).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_FILES = ['!**/*.test.*', '!**/*.test-d.*', '!**/*.test-support.*', '!**/test-utils.*', '!**/test'];

const manifests = ['packages', 'apps', 'examples'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .map((name) => join(ROOT, dir, name, 'package.json'))
    .filter(existsSync)
    .map((path) => JSON.parse(readFileSync(path, 'utf8')) as { name: string; private?: boolean; engines?: { node?: string }; files?: string[] }),
);

describe('package manifests', () => {
  it('declare engines.node like the root', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(manifests.length).toBeGreaterThan(5);
    for (const m of manifests) expect(m.engines?.node, m.name).toBe(root.engines.node);
  });

  it('keep tests and test support out of published tarballs', () => {
    for (const m of manifests.filter((p) => !p.private)) expect(m.files, m.name).toEqual(expect.arrayContaining(TEST_FILES));
  });
});
