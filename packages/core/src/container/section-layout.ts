/** Where sections go in the data area: one after another, each at a multiple of 8 bytes. */
import { SECTION_ALIGNMENT } from './header.js';

/** Rounds `n` up to a multiple of the section alignment. */
export function align(n: number): number {
  return Math.ceil(n / SECTION_ALIGNMENT) * SECTION_ALIGNMENT;
}

/**
 * Lays out `sections` one after another in a data area, each at a multiple of 8 bytes.
 * Returns each section's offset and the data area's length.
 */
export function layoutSections(lengths: readonly number[]): { offsets: number[]; length: number } {
  const offsets: number[] = [];
  let end = 0;
  for (const len of lengths) {
    const at = align(end);
    offsets.push(at);
    end = at + len;
  }
  return { offsets, length: end };
}
