/** Graph helpers over the IR: explicit edges and buffer lifetimes. */
import type { Model } from './model.js';

/** What the helpers need of a model or a compressed model: names and edges. */
export interface GraphLike {
  readonly inputName?: string;
  readonly layers: readonly { readonly name: string; readonly inputs?: readonly string[] }[];
}

/** The name `inputs` use for the model input when the model names none. */
export const DEFAULT_INPUT_NAME = 'input';

/** The model input's name. */
export function inputNameOf(model: Pick<Model, 'inputName'>): string {
  return model.inputName ?? DEFAULT_INPUT_NAME;
}

/** The input names of node `index`, with the implicit chain edge made explicit. */
export function inputsOf(model: GraphLike, index: number): readonly string[] {
  return model.layers[index].inputs ?? [index === 0 ? inputNameOf(model) : model.layers[index - 1].name];
}

/** True when every node takes exactly the previous node's output (a Sequential model). */
export function isChain(model: GraphLike): boolean {
  return model.layers.every((l, i) => {
    const inputs = inputsOf(model, i);
    return inputs.length === 1 && inputs[0] === (i === 0 ? inputNameOf(model) : model.layers[i - 1].name);
  });
}

/**
 * For each node index, the names of values (the model input or node outputs) no later node reads:
 * what an executor can free once that node has run. The output (last node) is never freed.
 */
export function releasesAfter(model: GraphLike): string[][] {
  const last = new Map<string, number>();
  model.layers.forEach((_l, i) => {
    for (const n of inputsOf(model, i)) last.set(n, i);
  });
  const out: string[][] = model.layers.map(() => []);
  for (const [name, i] of last) out[i].push(name);
  return out;
}
