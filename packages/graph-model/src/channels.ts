/**
 * Which channels a weight's per-channel scales run along (docs/format.md §9.3): the output
 * channels of the op that consumes it. tfjs kernels keep them last — `Conv2D` and `MatMul`
 * `[.., in, out]` (one scale per `out`), `DepthwiseConv2dNative` `[kh, kw, c, m]` (one per output
 * channel `c·m`, the last two axes) — which is the axis a batch norm folded into the kernel scales.
 * A LayersModel's kernels are laid out alike; its depthwise ones are named `…/depthwise_kernel`.
 */
import { nodesOf, sourceName } from './graph-def.js';
import type { GraphModelSource } from './source.js';

/**
 * The channel count of each float32 weight of rank ≥ 2 (see the module comment): the
 * product of its last two extents when a depthwise convolution consumes it (a LayersModel's
 * `depthwise_kernel`), else its last extent.
 */
export function channelCounts(source: GraphModelSource): Map<string, number> {
  const depthwise = new Set<string>();
  for (const n of nodesOf(source.artifacts.modelTopology)) {
    if (/Depthwise/.test(n.op ?? '')) for (const i of n.input ?? []) depthwise.add(sourceName(i));
  }
  const out = new Map<string, number>();
  for (const t of source.tensors) {
    if (t.dtype !== 'float32' || t.shape.length < 2) continue;
    out.set(t.name, depthwise.has(t.name) || /(^|\/)depthwise_kernel$/.test(t.name) ? t.shape.at(-1)! * t.shape.at(-2)! : t.shape.at(-1)!);
  }
  return out;
}
