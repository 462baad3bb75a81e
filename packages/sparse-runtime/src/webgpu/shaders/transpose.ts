/**
 * Layout changes at the ends of a run: the caller's row-major batch `[B, F]` into the device
 * layout `[F, Bp]` (padding samples set to 0), and back.
 */
import { ENTRY } from './common.js';

/** Uniform layout of both transposes (u32 each). */
export const TRANSPOSE_PARAMS = ['total', 'rowStride', 'width', 'batch', 'padded'] as const;

const HEAD = /* wgsl */ `
struct Params { total: u32, rowStride: u32, width: u32, batch: u32, padded: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;`;

/** `[B, F]` row-major → `[F, Bp]`; one thread per element of the output (`F · Bp`). */
export function toDeviceLayoutShader(): string {
  return `${HEAD}
${ENTRY}
  let f = t / p.padded;
  let b = t - f * p.padded;
  y[t] = select(0.0, x[min(b, p.batch - 1u) * p.width + f], b < p.batch);
}`;
}

/** `[F, Bp]` → `[B, F]` row-major; one thread per element of the output (`B · F`). */
export function fromDeviceLayoutShader(): string {
  return `${HEAD}
${ENTRY}
  let b = t / p.width;
  let f = t - b * p.width;
  y[t] = x[f * p.padded + b];
}`;
}
