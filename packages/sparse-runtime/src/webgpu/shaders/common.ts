/**
 * Pieces every WGSL program shares: the workgroup size, the flat thread index over a 2-D dispatch
 * (so more than 65,535 workgroups fit) and the decoding of packed kernel entries.
 *
 * Activation layout on the device: batch innermost. Element `f` (the row-major per-sample index,
 * NHWC for images) of sample `b` lives at `f · Bp + b`, where the batch is padded to `Bp` (a
 * multiple of 4, of 16 past 4 samples). Programs see it as `array<vec4f>`, so one load fetches the
 * same element of 4 samples, and a thread of the dense and conv programs computes 4 such vec4
 * (16 samples), decoding each packed weight once for all of them. Flatten and reshape stay free:
 * `f` is unchanged.
 */

/** Samples per vec4. */
export const LANES = 4;

/** Batch size padded for the device layout: a multiple of 4, and of 16 past 4 samples. */
export function paddedBatch(batch: number): number {
  return batch <= LANES ? LANES : Math.ceil(batch / 16) * 16;
}

/** Vec4 groups of samples per thread in the dense and conv programs: 4 (16 samples), or 1 for tiny batches. */
export function quadsPerThread(padded: number): 1 | 4 {
  return padded >= 16 ? 4 : 1;
}

/** Threads per workgroup of every program (1-D). */
export const WORKGROUP_SIZE = 64;

/** Most workgroups along one dispatch dimension guaranteed by every WebGPU adapter. */
export const MAX_GROUPS_PER_DIM = 65_535;

/** Workgroup counts `[x, y]` covering `threads` threads, and the threads per row of the grid. */
export function dispatchFor(threads: number): { x: number; y: number; rowStride: number } {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP_SIZE));
  const x = Math.min(groups, MAX_GROUPS_PER_DIM);
  return { x, y: Math.ceil(groups / x), rowStride: x * WORKGROUP_SIZE };
}

/** The entry point header: `t` is the flat thread index; threads past `p.total` return. */
export const ENTRY = /* wgsl */ `
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * p.rowStride;
  if (t >= p.total) { return; }`;

/**
 * Bindings after the uniform block of a one-input program: the input `x` (unless `inPlace`), then
 * read-only f32 arrays named `arrays`, then the output `y`. Returns the declarations and the name to
 * read the input from (`y` in place: WebGPU forbids binding one buffer twice in a dispatch).
 */
export function unaryBindings(inPlace = false, arrays: readonly string[] = []): { decl: string; src: string } {
  const names = [...(inPlace ? [] : ['x']), ...arrays];
  const decl = names.map((n, i) => `@group(0) @binding(${i + 1}) var<storage, read> ${n}: array<${n === 'x' ? 'vec4f' : 'f32'}>;`);
  decl.push(`@group(0) @binding(${names.length + 1}) var<storage, read_write> y: array<vec4f>;`);
  return { decl: decl.join('\n'), src: inPlace ? 'y' : 'x' };
}

/** WGSL splitting thread `t` of an NHWC program into element `f`, sample vec4 `q`, channel `c` and pixel `pix`. */
export const NHWC_THREAD = /* wgsl */ `
  let f = t / p.quads;
  let q = t - f * p.quads;
  let c = f % p.channels;
  let pix = f / p.channels;`;

/** `n` statements made from `f(j)` for j = 0..n-1. */
export function unroll(n: number, f: (j: number) => string): string {
  return Array.from({ length: n }, (_, j) => f(j)).join(' ');
}

/**
 * Bindings 1–5 shared by the sparse-coded programs (dense and conv2d): input activations, column
 * offsets, packed entries, codebook and bias. Binding 0 is each program's own `Params` uniform.
 */
export const SPARSE_CODED_BINDINGS = /* wgsl */ `
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> offsets: array<u32>;
@group(0) @binding(3) var<storage, read> entries: array<u32>;
@group(0) @binding(4) var<storage, read> table: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;`;

/**
 * WGSL that decodes kept weight `k` into `row` and `w` (its value looked up in `table`), for the
 * packed (`codeBits > 0`) or wide layout of {@link PackedColumns}.
 */
export function decodeEntry(codeBits: number): string {
  if (codeBits > 0) {
    const mask = codeBits >= 32 ? 0xffffffff : 2 ** codeBits - 1;
    return `let word = entries[k];
    let row = word >> ${codeBits}u;
    let w = table[word & ${mask}u];`;
  }
  return `let row = entries[2u * k];
    let w = table[entries[2u * k + 1u]];`;
}

/** A float as a u32 uniform holds it: its float32 bits (the shader bitcasts them back with `bitcast<f32>`). */
export function f32Bits(v: number): number {
  return new Uint32Array(Float32Array.of(v).buffer)[0];
}
