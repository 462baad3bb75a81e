import { isDcError, type DcError } from '../errors/dc-error.js';

/**
 * The `DcError` code `fn` throws, for asserting on bad input: `'no error'` when it returns, and
 * `'not a DcError: …'` for any other exception (so an equality assertion on a code fails on it).
 */
export function thrownErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isDcError(e) ? e.code : `not a DcError: ${String(e)}`;
  }
  return 'no error';
}

/** The `DcError` that `fn` throws; any other exception is rethrown, and returning is a failure. */
export function thrownError(fn: () => unknown): DcError {
  try {
    fn();
  } catch (e) {
    if (isDcError(e)) return e;
    throw e;
  }
  throw new Error('expected a DcError, but the call returned');
}

/** The `DcError` that `promise` rejects with; any other rejection is rethrown, and resolving is a failure. */
export async function rejectedError(promise: Promise<unknown>): Promise<DcError> {
  try {
    await promise;
  } catch (e) {
    if (isDcError(e)) return e;
    throw e;
  }
  throw new Error('expected a DcError, but the promise resolved');
}
