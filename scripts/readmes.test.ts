/**
 * The READMEs against the repository: every `@dc/...` path they mention is exported by that
 * package, every relative link and in-page anchor resolves, and every generated figures table
 * equals what scripts/readme-tables.mjs renders from its saved JSON.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmes, renderTables } from './readme-tables.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = readmes(ROOT).map((path) => ({ path, name: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

/** Every workspace package's name → its `exports` subpaths ('.', './tfjs', ...). */
function exportMaps(): Map<string, string[]> {
  const maps = new Map<string, string[]>();
  for (const dir of ['packages', 'apps', 'examples']) {
    for (const { path } of readmes(join(ROOT, dir)).map((p) => ({ path: join(dirname(p), 'package.json') })).filter((p) => existsSync(p.path))) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name: string; exports?: Record<string, unknown> };
      maps.set(pkg.name, Object.keys(pkg.exports ?? {}));
    }
  }
  return maps;
}

/**
 * Packages a README names before they exist in the workspace, with why. Keep it short: an entry
 * here is a promise to a reader.
 */
const PLANNED: Record<string, string> = {};

/** GitHub's anchor of a heading. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

describe('READMEs', () => {
  it('mention only @dc/... paths that the packages export', () => {
    const maps = exportMaps();
    const bad: string[] = [];
    for (const f of files) {
      for (const [spec] of f.text.matchAll(/@dc\/[a-z0-9-]+(?:\/[a-z0-9-]+)*/g)) {
        const [, name, sub] = /^(@dc\/[a-z0-9-]+)(\/.*)?$/.exec(spec)!;
        const exported = maps.get(name);
        if (!exported) {
          if (!(name in PLANNED)) bad.push(`${f.name}: ${spec} (no such package)`);
        } else if (sub && !exported.includes(`.${sub}`)) bad.push(`${f.name}: ${spec} (not in ${name}'s exports: ${exported.join(', ')})`);
      }
    }
    // A module named by its built file is a path users cannot import.
    for (const f of files) for (const [m] of f.text.matchAll(/(?:module|from) `[^`]*dist\/[^`]*\.js`/g)) bad.push(`${f.name}: ${m} (import it through an exported entry)`);
    expect(bad).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    const bad: string[] = [];
    for (const f of files) {
      const anchors = new Set([...f.text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
      for (const [, target] of f.text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        if (path && !existsSync(join(dirname(f.path), path))) bad.push(`${f.name}: ${target} (no such file)`);
        else if (!path && anchor && !anchors.has(anchor)) bad.push(`${f.name}: ${target} (no such heading)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('quote figures tables exactly as scripts/readme-tables.mjs renders them from their JSON', () => {
    for (const f of files) expect(f.text, `${f.name}: run node scripts/readme-tables.mjs`).toBe(renderTables(f.text, dirname(f.path)));
  });

  it('quote benchmarks of the shipped files as they are now (a re-encoded file needs a new measurement)', () => {
    const stale: string[] = [];
    for (const f of files) {
      for (const [, path] of f.text.matchAll(/<!-- table: (\S+) -->/g)) {
        const saved = JSON.parse(readFileSync(join(dirname(f.path), path), 'utf8')) as { kind: string; output: { runtime?: { file: string; model: { fileBytes?: number } }[] } };
        for (const r of saved.kind === 'runtime-bench' ? saved.output.runtime! : []) {
          const shipped = /apps\/demo\/compressed\/[^/]+\.dcm$/.exec(r.file)?.[0];
          if (shipped && r.model.fileBytes !== statSync(join(ROOT, shipped)).size) stale.push(`${path}: ${shipped} measured at ${r.model.fileBytes} B, now ${statSync(join(ROOT, shipped)).size} B`);
        }
      }
    }
    expect(stale).toEqual([]);
  });
});
