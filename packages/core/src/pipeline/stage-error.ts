/**
 * What the pipeline throws when a stage fails: the stage's own `DcError` code (`UNKNOWN_LAYER`,
 * `TRAINER_REQUIRED`, ...) with `stage` saying where, so callers can branch on the code without
 * digging into `cause`. Only a throw that is not a `DcError` (a bug, a tfjs error) becomes
 * `STAGE_FAILED`, with the original as `cause`.
 */
import { DcError, isDcError } from '../errors/dc-error.js';

/** `error` as the pipeline reports it for `stage` (see the module comment). */
export function stageError(stage: string, error: unknown): DcError {
  if (isDcError(error)) {
    const inner = error.message.replace(/^\[[A-Z_]+\] /, '');
    const message = inner.includes(`stage "${stage}"`) ? inner : `stage "${stage}": ${inner}`;
    return new DcError(error.code, message, {
      stage,
      hint: error.hint,
      ...(error.tensor === undefined ? {} : { tensor: error.tensor }),
      ...(error.option === undefined ? {} : { option: error.option }),
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DcError('STAGE_FAILED', `stage "${stage}" failed: ${message}`, { stage, cause: error });
}
