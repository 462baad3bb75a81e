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

  it('keeps the fallback code for any other failure: a folder read as a file says so, others give the system message', async () => {
    const cause = await failureOf(dir);
    expect(isMissingPath(cause)).toBe(false);
    const e = fileReadError(dir, cause, 'BAD_MAGIC', { option: 'source' });
    expect([e.code, e.message, e.option]).toEqual(['BAD_MAGIC', `[BAD_MAGIC] ${dir} is a folder, not a file`, 'source']);
    expect(e.hint).toMatch(/not a Deep Compression/);
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(fileReadError('/root/x.dcm', denied, 'BAD_MAGIC').message).toBe('[BAD_MAGIC] cannot read /root/x.dcm: EACCES: permission denied');
  });
});
