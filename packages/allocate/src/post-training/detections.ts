/**
 * The raw outputs of anchor detectors (BlazeFace, MediaPipe's palm, pose and face detectors): one
 * record per anchor, a score saying whether an object is there and its box in center-size form
 * (x, y, width, height, as offsets from the anchor) with pairs of keypoint x, y. A user reads the
 * box of an anchor only where its score shows a detection; the boxes of the thousands of other
 * anchors are never looked at, and the original model itself moves them by several percent when a
 * photograph changes by one grey level. So a `detections` output is judged on every anchor's score
 * (as a probability: a logit goes through the sigmoid) and, for the anchors either model shows
 * (score ≥ {@link DETECTION_MIN_SCORE}), on the IoU of each box with its original and on the
 * moves of its keypoints over the box's size: what mask IoU and keypoint moves judge elsewhere.
 *
 * Where the score is: column 0 of each record (`[1, 2254, 13]`: a logit, a box and 4 keypoints),
 * or, when the model outputs scores and boxes apart (`[1, 512, 1]` logits beside `[1, 512, 16]`
 * boxes), the `detection-scores` output with as many records per sample: a record's score is then
 * the largest of its values there (the best class).
 */
import { DcError } from '@dc/core';
import type { OutputBatch, OutputKind } from './fidelity.js';

/**
 * An anchor's detection is shown (so its box and keypoints judged) from this score: the keypoints'
 * threshold (`KEYPOINT_MIN_SCORE`), below the 0.5 detector demos usually draw at, so that more
 * boxes are judged, not fewer.
 */
export const DETECTION_MIN_SCORE = 0.3;

/** Fields of a box in center-size form: x, y, width, height. */
export const BOX_FIELDS = 4;

/** Where the scores of a `detections` output's records are. */
export interface ScoreSource {
  /** The output holding them: the detections output itself (column 0 of each record) or its `detection-scores` output. */
  readonly output: number;
  /** Whether they are logits (some value outside [0, 1] on the reference), mapped to probabilities by the sigmoid. */
  readonly logits: boolean;
}

/** Records per sample of an output `[batch, ...records, fields]` (1 for fewer than 3 axes). */
export function recordsPerSample(shape: readonly number[]): number {
  return shape.length < 3 ? 1 : shape.slice(1, -1).reduce((a, b) => a * b, 1);
}

/** Fields of each record: the last extent. */
const fieldsOf = (shape: readonly number[]): number => shape.at(-1) ?? 1;

/**
 * The score source of each `detections` output of `kinds` (undefined for the others), read from
 * the reference outputs of every batch (`reference[batch][output]`): the one `detection-scores`
 * output with as many records per sample, else column 0 of its own records. `INVALID_OPTION`
 * naming `option` when a `detections` output has no records of a score and a box, or two
 * `detection-scores` outputs could hold its scores.
 */
export function scoreSources(reference: readonly (readonly OutputBatch[])[], kinds: readonly OutputKind[], option = 'outputKinds'): (ScoreSource | undefined)[] {
  const first = reference[0] ?? [];
  return kinds.map((kind, o) => {
    if (kind !== 'detections') return undefined;
    const shape = first[o]?.shape ?? [];
    const records = recordsPerSample(shape);
    const pairs = kinds.flatMap((k, p) => (k === 'detection-scores' && recordsPerSample(first[p].shape) === records && first[p].shape[0] === shape[0] ? [p] : []));
    if (pairs.length > 1) throw new DcError('INVALID_OPTION', `${option}: detections output ${o} has ${records} records per sample, as have the detection-scores outputs ${pairs.join(' and ')}: which holds its scores is ambiguous`, { option: 'outputKinds', hint: 'mark one of them `detection-scores` (the other, say, `score`)' });
    if (shape.length < 3 || fieldsOf(shape) < BOX_FIELDS + (pairs.length === 0 ? 1 : 0)) {
      throw new DcError('INVALID_OPTION', `${option}: output ${o} of shape [${shape.join(', ')}] is not detections: it needs records of a score (first field, or a detection-scores output with as many records) and a center-size box (x, y, width, height)`, { option: 'outputKinds', hint: 'detections are [batch, anchors, fields] (a regression otherwise)' });
    }
    const source = pairs[0] ?? o;
    const logits = reference.some((batch) => !withinUnit(batch[source], source === o ? fieldsOf(shape) : 1));
    return { output: source, logits };
  });
}

/** Whether every value of `out` (every `stride`-th from the first: a column) is in [0, 1]. */
export function withinUnit(out: OutputBatch, stride = 1): boolean {
  for (let i = 0; i < out.values.length; i += stride) if (!(out.values[i] >= 0 && out.values[i] <= 1)) return false;
  return true;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A score as a probability. */
export const probability = (v: number, logits: boolean): number => (logits ? sigmoid(v) : v);

/**
 * The score of each record of output `o` of one batch (`batch[output]`) as a probability: column 0
 * of its records, or the largest value of its record in the score source.
 */
export function recordScores(batch: readonly OutputBatch[], o: number, source: ScoreSource): Float32Array {
  const own = batch[o];
  const records = own.values.length / fieldsOf(own.shape);
  const from = batch[source.output].values;
  const width = source.output === o ? fieldsOf(own.shape) : from.length / records;
  const out = new Float32Array(records);
  for (let r = 0; r < records; r++) {
    let best = -Infinity;
    const end = source.output === o ? r * width + 1 : (r + 1) * width;
    for (let i = r * width; i < end; i++) best = Math.max(best, from[i]);
    out[r] = probability(best, source.logits);
  }
  return out;
}

/** The extent [lo, hi] of a center-size box along one axis (a negative size is none). */
const extent = (center: number, size: number): [number, number] => [center - Math.max(0, size) / 2, center + Math.max(0, size) / 2];

/**
 * The IoU of the center-size boxes (x, y, width, height) starting at `at` in `y` and `z`: the two
 * boxes of one anchor, so offsets from its center compare as they are. 1 for two identical empty boxes.
 */
export function boxIoU(y: Float32Array, z: Float32Array, at: number): number {
  const [ax0, ax1] = extent(y[at], y[at + 2]);
  const [ay0, ay1] = extent(y[at + 1], y[at + 3]);
  const [bx0, bx1] = extent(z[at], z[at + 2]);
  const [by0, by1] = extent(z[at + 1], z[at + 3]);
  const inter = Math.max(0, Math.min(ax1, bx1) - Math.max(ax0, bx0)) * Math.max(0, Math.min(ay1, by1) - Math.max(ay0, by0));
  const union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
  if (union > 0) return inter / union;
  return ax0 === bx0 && ax1 === bx1 && ay0 === by0 && ay1 === by1 ? 1 : 0;
}

/**
 * The largest move of the keypoints (x, y pairs after the box starting at `at`, up to `end`)
 * between `y` and `z`, over the larger side of `y`'s box (a keypoint a whole box away moved by 1).
 */
export function keypointMoves(y: Float32Array, z: Float32Array, at: number, end: number): number {
  const side = Math.max(y[at + 2], y[at + 3]);
  let worst = 0;
  for (let i = at + BOX_FIELDS; i + 1 < end; i += 2) worst = Math.max(worst, Math.hypot(z[i] - y[i], z[i + 1] - y[i + 1]));
  return side > 0 ? worst / side : worst > 0 ? Infinity : 0;
}

/**
 * How the detection of record `r` (`fields` values each, its score first when `ownColumn`) moved
 * between `y` and `z`: the IoU of its boxes and the largest move of its keypoints over the box.
 */
export function detectionChange(y: Float32Array, z: Float32Array, r: number, fields: number, ownColumn: boolean): { readonly iou: number; readonly keypointMove: number } {
  const at = r * fields + (ownColumn ? 1 : 0);
  return { iou: boxIoU(y, z, at), keypointMove: keypointMoves(y, z, at, (r + 1) * fields) };
}
