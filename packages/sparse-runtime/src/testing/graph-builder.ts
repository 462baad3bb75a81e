/**
 * A small helper for writing model topologies in tests: nodes are added with their inputs and
 * their output shapes come from core's op table, so generators can choose what fits.
 */
import { opSpec, type LayerConfig, type LayerTopology, type Shape } from '@dc/core';

/** Builds a topology node by node. */
export class GraphBuilder {
  readonly layers: LayerTopology[] = [];
  private readonly shapes = new Map<string, Shape>();
  private count = 0;

  constructor(readonly inputShape: Shape, readonly inputName = 'input') {
    this.shapes.set(inputName, inputShape);
  }

  /** Adds a node named `${prefix}_${n}` reading `inputs` and returns its name. */
  add(prefix: string, config: LayerConfig, inputs: readonly string[]): string {
    const name = `${prefix}_${this.count++}`;
    const shapes = inputs.map((i) => this.shape(i));
    this.shapes.set(name, opSpec(config.kind)!.outputShape(config, shapes, { where: `layer "${name}"`, code: 'INVALID_MODEL' }));
    this.layers.push({ name, config, inputs: [...inputs] });
    return name;
  }

  /** The output shape of a node (or the input). */
  shape(name: string): Shape {
    const s = this.shapes.get(name);
    if (!s) throw new Error(`no node "${name}"`);
    return s;
  }
}
