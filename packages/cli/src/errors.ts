/** How the CLI reports a failure: the `DcError` code, message and hint on stderr (and as JSON with `--json`), exit code 1. */
import { isDcError } from '@dc/core';

/** The JSON shape of a failure with `--json`. */
export interface CliError {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string };
}

/** Turns anything thrown into the CLI's error object. */
export function toCliError(e: unknown): CliError {
  if (isDcError(e)) return { error: { code: e.code, message: e.message, hint: e.hint } };
  return { error: { code: 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) } };
}

/** The text printed on stderr for a failure. */
export function formatCliError(e: CliError): string {
  return `dc: error ${e.error.code}: ${e.error.message.replace(/^\[[A-Z_]+\] /, '')}${e.error.hint ? `\n  hint: ${e.error.hint}` : ''}`;
}
