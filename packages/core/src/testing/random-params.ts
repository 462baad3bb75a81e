import type { ModelTopology } from '../compressed.js';
import type { Layer, Model, ParamName, Tensor } from '../ir/model.js';
import { checkGraph } from '../ops/check-graph.js';
import { sizeOfShape } from '../ops/op-spec.js';
import { createRandom } from '../random.js';

/** A topology to fill: what {@link withRandomParams} needs. */
export type TopologySpec = ModelTopology;

/**
 * An IR model with the given topology and random parameters of the shapes the op table requires:
 * kernels uniform with a fan-in scale, biases and batch-norm shifts small, batch-norm scales and
 * variances positive. Deterministic in `seed`.
 */
export function withRandomParams(spec: TopologySpec, seed = 1): Model {
  const graph = checkGraph(spec, 'INVALID_MODEL', { params: false });
  const r = createRandom(seed);
  const fill = (shape: readonly number[], param: ParamName): Tensor => {
    const n = sizeOfShape(shape);
    const fanIn = shape.length > 1 ? n / shape[shape.length - 1] : 1;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = r.next();
      values[i] = param === 'kernel' ? (u * 2 - 1) * Math.sqrt(3 / fanIn) : param === 'gamma' || param === 'movingVariance' ? 0.5 + u : (u * 2 - 1) * 0.2;
    }
    return { shape: [...shape], values };
  };
  const layers: Layer[] = spec.layers.map((l, i) => {
    const params: Partial<Record<ParamName, Tensor>> = {};
    for (const [param, shape] of Object.entries(graph.nodes[i].params) as [ParamName, readonly number[]][]) params[param] = fill(shape, param);
    return { ...l, params };
  });
  return { ...spec, layers };
}
