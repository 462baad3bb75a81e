import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { writeFileAtomic } from './write-file-atomic.js';

describe('writeFileAtomic', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dc-atomic-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes new bytes and replaces an old file, leaving no temporary file', async () => {
    const path = join(dir, 'model.dcm');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    await writeFileAtomic(path, Uint8Array.of(4, 5));
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(dir)).toEqual(['model.dcm']);
  });

  it('leaves the old file intact and throws WRITE_FAILED when the write fails', async () => {
    const sub = join(dir, 'sub');
    await mkdir(sub);
    const path = join(sub, 'model.dcm');
    await writeFile(path, 'old');
    // The target is a directory's name: the rename over it fails after the temp file was written.
    const target = join(sub, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'x');
    const error = await writeFileAtomic(target, Uint8Array.of(9)).catch((e: unknown) => e);
    expect(isDcError(error) && error.code).toBe('WRITE_FAILED');
    expect((await readdir(sub)).sort()).toEqual(['model.dcm', 'taken']);
    expect(await readFile(path, 'utf8')).toBe('old');
    // A missing folder: nothing is created.
    const missing = await writeFileAtomic(join(dir, 'nope', 'model.dcm'), Uint8Array.of(1)).catch((e: unknown) => e);
    expect(isDcError(missing) && missing.code).toBe('WRITE_FAILED');
  });

  it('leaves the old file intact when the bytes cannot be written', async () => {
    const path = join(dir, 'keep.dcm');
    await writeFile(path, 'old');
    const notBytes = { length: 3 } as unknown as Uint8Array; // makes writeFile throw after the temp file is opened
    const error = await writeFileAtomic(path, notBytes).catch((e: unknown) => e);
    expect(isDcError(error) && error.code).toBe('WRITE_FAILED');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
