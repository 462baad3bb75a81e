/**
 * tfjs's element-wise merge layers (`Add`, `Subtract`, `Multiply`, `Average`, `Maximum`,
 * `Minimum`) broadcast inputs of different shapes as NumPy does, aligned at the last axis: a
 * squeeze-and-excitation block (EfficientNet, MobileNetV3) multiplies `[h, w, c]` features by
 * `[1, 1, c]` channel weights, a spatial attention gate multiplies them by an `[h, w, 1]` map. The
 * IR's merges take equal shapes, so each smaller input is first expanded by nodes that every stage
 * and backend already runs and that only copy values: a reshape adds the leading axes of 1 a
 * lower-rank input lacks, and nearest `upSampling2d`s between reshapes repeat a single channel
 * (its values as an image's rows, repeated across columns) and a pixel over the height and width
 * (a sequence's steps as an image's rows).
 */
import { DcError } from '../errors/dc-error.js';
import type { Layer, LayerConfig } from '../ir/model.js';
import { repeatVectorNodes } from './repeat-vector.js';

const ELEMENTWISE = new Set(['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum']);

/** Whether `config` is an element-wise merge, whose inputs tfjs broadcasts. */
export const isElementwiseMerge = (config: LayerConfig): boolean => ELEMENTWISE.has(config.kind);

/** The shape tfjs broadcasts `shapes` (without the batch axis) to, aligned at the last axis; undefined when they do not broadcast. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const at = rank - s.length + i;
      if (s[i] === out[at] || s[i] === 1) continue;
      if (out[at] !== 1) return undefined;
      out[at] = s[i];
    }
  }
  return out;
}

/**
 * The nodes of element-wise merge layer `name` (`merge`) whose inputs (`inputs`, of `shapes`
 * without the batch axis) differ in shape: each input expanded to the broadcast shape, then the
 * merge under the layer's name. `UNSUPPORTED_LAYER` for shapes that do not broadcast, a
 * broadcast of rank above 3, or an extent tfjs left unknown.
 */
export function broadcastMergeNodes(name: string, inputs: readonly string[], merge: LayerConfig, given: readonly (readonly (number | null)[])[]): Layer[] {
  const shapes = given as readonly (readonly number[])[];
  const refuse = (why: string): never => {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${merge.kind}): inputs of shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} ${why}`, {
      tensor: name,
      hint: 'Element-wise merges broadcast inputs of rank 1 to 3 (without the batch axis) whose axes are each 1 or the largest extent, as a squeeze-and-excitation or attention gate does.',
    });
  };
  // tfjs leaves some extents unknown (a Conv1D's steps); repeating needs them.
  if (given.some((s) => s.some((d) => d === null))) return refuse('leave an extent unknown (null in tfjs), which a broadcast needs');
  const target = broadcastShape(shapes);
  if (!target) return refuse('do not broadcast');
  if (target.length > 3) return refuse(`broadcast to rank ${target.length}, above 3`);
  const nodes: Layer[] = [];
  const add = (suffix: string, config: LayerConfig, from: readonly string[]): string => {
    const node = `${name}_${suffix}`;
    nodes.push({ name: node, config, inputs: [...from], params: {} });
    return node;
  };
  const expanded = inputs.map((input, i) => {
    let shape = [...shapes[i]];
    if (shape.length === target.length && shape.every((d, a) => d === target[a])) return input;
    let value = input;
    const tag = `broadcast${i}`;
    if (shape.length < target.length) {
      shape = [...new Array<number>(target.length - shape.length).fill(1), ...shape];
      value = add(`${tag}_rank`, { kind: 'reshape', targetShape: shape }, [value]);
    }
    const channels = target[target.length - 1];
    if (shape[shape.length - 1] !== channels) value = repeatChannel(add, `${tag}_channels`, value, shape, channels);
    shape[shape.length - 1] = channels;
    if (target.length > 1 && shape.some((d, a) => d !== target[a])) value = repeatPositions(nodes, `${name}_${tag}_positions`, value, shape, target);
    return value;
  });
  nodes.push({ name, config: merge, inputs: expanded, params: {} });
  return nodes;
}

type AddNode = (suffix: string, config: LayerConfig, from: readonly string[]) => string;

/**
 * A single channel repeated `channels` times: the `n` values as an image of `n` rows, one column
 * and one channel, each pixel repeated across `channels` columns by a nearest `upSampling2d`, the
 * columns then read as the channels (a concatenation of copies would hand tfjs one input twice,
 * which its graph executor frees too early).
 */
function repeatChannel(add: AddNode, tag: string, value: string, shape: readonly number[], channels: number): string {
  const n = shape.reduce((a, b) => a * b, 1);
  const column = add(`${tag}_column`, { kind: 'reshape', targetShape: [n, 1, 1] }, [value]);
  const wide = add(tag, { kind: 'upSampling2d', size: [1, channels], interpolation: 'nearest' }, [column]);
  return add(`${tag}_nd`, { kind: 'reshape', targetShape: [...shape.slice(0, -1), channels] }, [wide]);
}

/**
 * A `[1 | h, 1 | w, c]` image (or `[1, c]` sequence) repeated over the axes where it has 1 by a
 * nearest `upSampling2d` named `stem`, its nodes pushed onto `nodes`; returns the repeated value.
 */
function repeatPositions(nodes: Layer[], stem: string, value: string, shape: readonly number[], target: readonly number[]): string {
  if (target.length === 3) {
    nodes.push({ name: stem, config: { kind: 'upSampling2d', size: [target[0] / shape[0], target[1] / shape[1]], interpolation: 'nearest' }, inputs: [value], params: {} });
    return stem;
  }
  // A sequence's one step repeated over the steps: the nodes a RepeatVector layer converts to.
  const repeated = repeatVectorNodes(stem, [value], { kind: 'upSampling2d', size: [target[0], 1], interpolation: 'nearest' }, target[1]);
  nodes.push(...repeated);
  return repeated[repeated.length - 1].name;
}
