/** How the CLI reports a failure: the `DcError` code, message and hint on stderr (and as JSON with `--json`), exit code 1. */
import { isDcError } from '@dc/core';
import type { CommanderError } from 'commander';

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

/** Commander's exits that are no failure: help and the version, printed as asked. */
const NOT_FAILURES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * A usage error (an unknown or malformed flag, a missing argument, an unknown command) as the CLI's
 * other refusals read: `INVALID_OPTION`, commander's message, and where the options are listed
 * (`dc <command> --help`); undefined for commander's exits that are no failure.
 */
export function usageError(e: CommanderError, command: string | undefined): CliError | undefined {
  if (NOT_FAILURES.has(e.code)) return undefined;
  const help = command === undefined ? 'dc --help lists the commands' : `dc ${command} --help lists its arguments and options`;
  return { error: { code: 'INVALID_OPTION', message: e.message.replace(/^error: /, ''), hint: `${help}.` } };
}
