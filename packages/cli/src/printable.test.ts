import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGraphModelContainer } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';
import { dc } from './run-dc.test-support.js';

/** Characters a terminal acts on: an escape sequence (clear the screen), a carriage return, a C1 CSI, a bidi override. */
const FORGED = 'w\u001b[2J\rok\u009b1m\u202eevil';
// eslint-disable-next-line no-control-regex -- control characters are what it matches
const ACTING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('printable: what dc prints cannot act on the terminal', () => {
  it('writes controls, C1 controls and bidi overrides as escapes, and keeps tabs, newlines and other text', () => {
    expect(printable(FORGED)).toBe('w\\u001b[2J\\u000dok\\u009b1m\\u202eevil');
    expect(printable('conv\t3×3 → 日本, été\nnext')).toBe('conv\t3×3 → 日本, été\nnext');
    expect(printable('\u0000\u007f\u2066\u2069')).toBe('\\u0000\\u007f\\u2066\\u2069');
  });

  it('keeps JSON text JSON, meaning the same', () => {
    const json = JSON.stringify({ name: FORGED, note: 'a\u2028b' });
    expect(JSON.parse(printable(json))).toEqual({ name: FORGED, note: 'a\u2028b' });
  });

  it("dc inspect shows a forged file's names escaped, and --json gives them back as they are", async () => {
    const graph = { format: 'graph-model' as const, modelTopology: { node: [{ name: 'x', op: 'Placeholder' }, { name: FORGED, op: 'Const' }, { name: 'y', op: 'Identity', input: ['x', `^${FORGED}`] }] } };
    const path = join(mkdtempSync(join(tmpdir(), 'dc-printable-')), 'forged.dcm');
    writeFileSync(path, encodeGraphModelContainer({ graph, weights: [{ name: FORGED, dtype: 'float32', shape: [2], values: Float32Array.of(1, 2) }] }).bytes);
    const text = await dc('inspect', path);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(ACTING);
    expect(text.stdout).toContain('w\\u001b[2J\\u000dok\\u009b1m\\u202eevil');
    const json = await dc('inspect', path, '--json');
    expect(json.stdout).not.toMatch(ACTING);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(FORGED).slice(1, -1));
  });
});
