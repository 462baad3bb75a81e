import { readFile } from 'node:fs/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileReadError, isMissingPath } from './file-read-error.js';

const failureOf = (path: string) => readFile(path).then(() => { throw new Error(`${path} was read`); }, (cause: unknown) => cause);

describe('fileReadError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-file-read-'));
  writeFileSync(join(dir, 'a-file'), 'x');

  it('is FILE_NOT_FOUND, whatever the fallback code, where nothing is at the path (or a file stands for a folder on the way)', async () => {
    for (const path of [join(dir, 'absent.json'), join(dir, 'a-file', 'inside.json')]) {
      const cause = await failureOf(path);
      expect(isMissingPath(cause)).toBe(true);
      const e = fileReadError(path, cause, 'BAD_MODEL_JSON', { what: 'model', hint: 'Pass a model.json.' });
      expect([e.code, e.message, e.hint, e.cause]).toEqual(['FILE_NOT_FOUND', `[FILE_NOT_FOUND] model ${path}: no such file or folder`, 'Pass a model.json.', cause]);
    }
  });

  it('keeps the fallback code and the system message for any other failure (a folder read as a file)', async () => {
    const cause = await failureOf(dir);
    expect(isMissingPath(cause)).toBe(false);
    const e = fileReadError(dir, cause, 'BAD_HEADER', { option: 'source' });
    expect([e.code, e.message, e.option]).toEqual(['BAD_HEADER', expect.stringMatching(/^\[BAD_HEADER\] cannot read .*: EISDIR/), 'source']);
    expect(e.hint).toMatch(/header/);
  });
});
