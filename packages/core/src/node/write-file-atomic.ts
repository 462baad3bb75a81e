/**
 * Writes a file so that readers see either the old file or the complete new one, never a part:
 * the bytes go to a temporary name in the same folder, are fsynced, then renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DcError } from '../errors/dc-error.js';

/**
 * Atomically replaces `path` with `bytes`. On any failure the temporary file is removed, the
 * previous file at `path` (if any) is left untouched, and a `DcError('WRITE_FAILED')` is thrown
 * with the system error as `cause`.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  // The suffix matches the repository's .gitignore pattern `*.dcm.tmp-*` for .dcm targets.
  const temp = join(dirname(path), `${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw new DcError('WRITE_FAILED', `could not write ${path}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  // Make the rename itself durable where the platform allows fsync on a directory.
  try {
    const dir = await open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Not supported on every platform (e.g. Windows); the data itself is already synced.
  }
}
