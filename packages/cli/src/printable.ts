/**
 * What dc prints, made safe to show: names and messages come from files (a `.dcm` header, a
 * model.json), and a forged one could hold characters that act on the terminal instead of
 * printing — an escape sequence that clears the screen or moves the cursor, a carriage return
 * that overwrites a figure already printed, a bidi override that shows text in another order.
 */
import type { CliIo } from './program.js';

/**
 * C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it matches
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character that would act on a terminal rather than print written as a
 * `\uXXXX` escape (tab and newline kept). JSON text keeps its meaning: such a character can only
 * stand inside a JSON string, where the escape is JSON's own.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `io` writing every line it is given {@link printable}. */
export function printableIo(io: CliIo): CliIo {
  return { stdout: (t) => io.stdout(printable(t)), stderr: (t) => io.stderr(printable(t)) };
}
