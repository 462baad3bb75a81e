import type { DcErrorCode } from './codes.js';
import { DcError, type DcErrorDetails } from './dc-error.js';

/** Whether `cause` is Node's error for a path where nothing exists (`ENOENT`, or `ENOTDIR`: a file named as a folder on the way). */
export function isMissingPath(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Whether `cause` is Node's error for reading a folder as a file (`EISDIR`). */
export function isFolderPath(cause: unknown): boolean {
  return (cause as { code?: unknown } | null)?.code === 'EISDIR';
}

/**
 * The error for a path that could not be read: `FILE_NOT_FOUND` where nothing exists there (one
 * code, whatever the file was for), else `code`: saying so where the path is a folder, else with
 * the system's message. `details.hint` says what the path should hold; `what` names it in the
 * message (e.g. `model file`).
 */
export function fileReadError(path: string, cause: unknown, code: DcErrorCode, details: Omit<DcErrorDetails, 'cause'> & { what?: string } = {}): DcError {
  const { what, ...rest } = details;
  const named = what ? `${what} ${path}` : path;
  if (isMissingPath(cause)) return new DcError('FILE_NOT_FOUND', `${named}: no such file or folder`, { ...rest, cause });
  if (isFolderPath(cause)) return new DcError(code, `${named} is a folder, not a file`, { ...rest, cause });
  return new DcError(code, `cannot read ${named}: ${(cause as Error)?.message ?? String(cause)}`, { ...rest, cause });
}
