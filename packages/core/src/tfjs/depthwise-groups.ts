/**
 * Keras' `Conv2D` (or `Conv1D`) whose `groups` equal its input channels — a depthwise convolution
 * written as a grouped one, as ConvNeXt's 7×7 blocks are (`Conv2D(dim, 7, groups=dim)`) — which tfjs
 * reads past: it would build an ungrouped kernel and fail on the saved one. Such a kernel
 * `[kh, kw, 1, filters]` holds, at each tap, output channel `o`'s weight for input channel
 * `floor(o / m)` (`m = filters / groups`): byte for byte the `DepthwiseConv2D` kernel `[kh, kw,
 * groups, m]`, whose output channel `c · m + j` reads channel `c`. So the layer is read as that
 * depthwise convolution (dc's `DepthwiseConv1D` for `Conv1D`), its weight renamed `depthwise_kernel`
 * and reshaped; any other grouping stays refused by name (`dropped-options.ts`).
 */
import type * as tf from '@tensorflow/tfjs';
import { mapLayerEntries } from './map-layer-entries.js';

/** The grouped classes and the depthwise class each is read as. */
const DEPTHWISE_OF: Readonly<Record<string, string>> = { Conv2D: 'DepthwiseConv2D', Conv1D: 'DepthwiseConv1D' };

/** The config keys a depthwise convolution names otherwise (`kernel_*` are its `depthwise_*`). */
const RENAMED: Readonly<Record<string, string>> = {
  kernel_initializer: 'depthwise_initializer',
  kernel_regularizer: 'depthwise_regularizer',
  kernel_constraint: 'depthwise_constraint',
};

/** The spec of layer `layer`'s kernel among `specs` (`<layer>/kernel`, under its models' names or not). */
function kernelSpec(specs: readonly tf.io.WeightsManifestEntry[], layer: string): tf.io.WeightsManifestEntry | undefined {
  return specs.find((s) => s.name === `${layer}/kernel` || s.name.endsWith(`/${layer}/kernel`));
}

/**
 * `artifacts` with each convolution whose groups equal its input channels read as the depthwise
 * convolution it is (see the module): its entry's class and config, and its kernel's name and shape
 * in `weightSpecs`; the artifacts themselves where none is.
 */
export function withDepthwiseGroups(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const renamed = new Map<string, tf.io.WeightsManifestEntry>();
  const topology = mapLayerEntries(artifacts.modelTopology, (entry) => {
    const depthwise = DEPTHWISE_OF[entry.class_name];
    const { groups, filters, name } = entry.config as { groups?: unknown; filters?: unknown; name?: unknown };
    if (!depthwise || typeof groups !== 'number' || groups <= 1 || typeof filters !== 'number' || typeof name !== 'string' || filters % groups !== 0) return undefined;
    const spec = kernelSpec(specs, name);
    // The kernel's input axis holds channels / groups: 1 for a depthwise convolution.
    if (!spec || spec.shape.length < 3 || spec.shape[spec.shape.length - 2] !== 1) return undefined;
    renamed.set(spec.name, { ...spec, name: spec.name.replace(/kernel$/, 'depthwise_kernel'), shape: [...spec.shape.slice(0, -2), groups, filters / groups] });
    const config = Object.fromEntries(Object.entries(entry.config).filter(([k]) => k !== 'groups' && k !== 'filters').map(([k, v]) => [RENAMED[k] ?? k, v]));
    return { ...entry, class_name: depthwise, config: { ...config, depth_multiplier: filters / groups } };
  });
  if (renamed.size === 0) return artifacts;
  return { ...artifacts, modelTopology: topology as tf.io.ModelArtifacts['modelTopology'], weightSpecs: specs.map((s) => renamed.get(s.name) ?? s) };
}
