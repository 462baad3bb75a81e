/**
 * The shape of one entry of the op table: what is backend-independent about an op, in one place —
 * how its configuration is read and checked, how many inputs it takes, which parameters it holds
 * and the shape of its output.
 */
import type { LayerConfig, LayerKind, ParamName } from '../ir/model.js';
import { fail, type ConfigReader, type ValidationCode } from './config-reader.js';

/** A shape without the batch dimension. */
export type Shape = readonly number[];

/** Where a check is, for messages, and which code a failure throws. */
export interface OpSite {
  /** E.g. `layer "conv1"`. */
  readonly where: string;
  readonly code: ValidationCode;
}

/** The table entry of one op kind. */
export interface OpSpec<C extends LayerConfig = LayerConfig> {
  readonly kind: C['kind'];
  /** The op-set version that introduced the kind (1: format v1's kinds). */
  readonly since: number;
  /** Fewest and most inputs. */
  readonly arity: readonly [number, number];
  /** Reads and checks a configuration (all its fields, defaults filled in). */
  read(r: ConfigReader): C;
  /** The output shape for these input shapes; throws the site's code when they do not fit. */
  outputShape(config: C, inputs: readonly Shape[], site: OpSite): Shape;
  /** The parameters the node holds and their shapes (none for most ops). */
  params(config: C, inputs: readonly Shape[]): Partial<Record<ParamName, Shape>>;
  /**
   * Optional: what is wrong with the (finite) values of parameter `param`, or undefined when
   * the op accepts them, for ops whose parameters have a domain (batch norm's variance).
   * Checked by `validateModel` and the file reader (`VALUE_OUT_OF_RANGE`).
   */
  paramValues?(config: C, param: ParamName, values: ArrayLike<number>): string | undefined;
}

/** Identity helper that keeps the config type of a table entry. */
export function defineOp<K extends LayerKind>(spec: OpSpec<Extract<LayerConfig, { kind: K }>>): OpSpec<Extract<LayerConfig, { kind: K }>> {
  return spec;
}

/** Product of a shape's extents. */
export function sizeOfShape(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws unless `shape` has `rank` axes. */
export function expectRank(shape: Shape, rank: number, site: OpSite, what: string): void {
  if (shape.length !== rank) fail(site.code, site.where, `${what} needs a rank-${rank} input (without batch), got [${shape.join(', ')}]`);
}

/** Output length and padding of one spatial axis of a window op, as tfjs computes them. */
export function windowAxis(inSize: number, k: number, s: number, padding: 'same' | 'valid', dilation = 1): { out: number; before: number; after: number } {
  const span = (k - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((inSize - span) / s) + 1, before: 0, after: 0 };
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + span - inSize, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/** Output height and width of a window op on `[h, w, c]`; throws when the window does not fit. */
export function windowOutput(
  input: Shape,
  k: readonly [number, number],
  s: readonly [number, number],
  padding: 'same' | 'valid',
  dilation: readonly [number, number],
  site: OpSite,
): [number, number] {
  const y = windowAxis(input[0], k[0], s[0], padding, dilation[0]);
  const x = windowAxis(input[1], k[1], s[1], padding, dilation[1]);
  if (y.out < 1 || x.out < 1) fail(site.code, site.where, `window ${k.join('x')} (dilation ${dilation.join('x')}) does not fit input ${input.join('x')} with ${padding} padding`);
  return [y.out, x.out];
}

/** A merge or concatenation axis counted with batch as 0, as an index into the per-sample shape. */
export function sampleAxis(axis: number, rank: number, site: OpSite): number {
  const full = axis < 0 ? axis + rank + 1 : axis;
  if (full < 1 || full > rank) fail(site.code, site.where, `axis ${axis} is not a non-batch axis of a rank-${rank + 1} tensor`);
  return full - 1;
}
