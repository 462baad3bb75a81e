/**
 * The size limits of the `.dcm` format (docs/format.md, "Limits"). A reader checks every declared
 * size against them before it allocates anything, so that the work any file costs is bounded by
 * its own length and these figures.
 */

/** The largest header a reader accepts: its JSON text, after inflating when stored deflated. */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * The deepest nesting of arrays and objects in the header (the root object is depth 1): deeper
 * JSON parses, but serialising it again (provenance in reports, re-encoding) overflows the stack.
 */
export const MAX_HEADER_DEPTH = 64;

/** The most elements one parameter tensor may have (2^28: 1 GiB as float32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/** The most entries a codebook may have (codes are at most 16 bits wide). */
export const MAX_CODEBOOK_ENTRIES = 65536;

/** The largest file: its length is a u32 in the preamble. */
export const MAX_FILE_BYTES = 2 ** 32 - 1;
