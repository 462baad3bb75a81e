/**
 * A detector's detections after non-max suppression (TensorFlow Object Detection API exports,
 * FaceBoxes, SSDs with the suppression in the graph): per sample a list of boxes in corner form
 * (`[batch, n, 4]`: y1, x1, y2, x2 as TensorFlow writes them, or x1, y1, x2, y2: each axis is read
 * from its pair of fields) and, in an output of their own, their scores (`[batch, n]`). The list is
 * sorted by score: two detections whose scores swap trade places, and one that falls below the
 * model's own cut leaves the list, so compared entry by entry a list holding the same detections
 * in another order is far off. An `nms-boxes` output is judged as a user sees it instead: the
 * detections of both models are matched one to one by IoU, and each detection either shows (score
 * ≥ `DETECTION_MIN_SCORE`; without an `nms-scores` output, every box with an area) is judged by
 * the IoU with its match and the change of its score; one without a match (it vanished, or
 * appeared) by IoU 0 and its whole score. With an `nms-classes` output (`[batch, n]` class ids in
 * the list's order), a matched detection must also keep its class.
 */
import { DcError } from '@dc/core';
import { DETECTION_MIN_SCORE } from './detections.js';
import type { OutputBatch, OutputKind } from './fidelity.js';

/** Fields of a box in corner form. */
export const CORNER_FIELDS = 4;

/** One detection judged in one sample. */
export interface ListJudgement {
  /** The reference entry it is (or is matched with); undefined for a detection only the candidate shows and that matches none. */
  readonly record?: number;
  /** The IoU of its box with its match's, 0 without a match. */
  readonly iou: number;
  /** Its score's change, its whole score without a match (0 without scores). */
  readonly scoreChange: number;
  /** With class ids, whether a matched detection kept its class (undefined without a match or class ids). */
  readonly classKept?: boolean;
}

/** One sample's (or one batch's) values of a list's partner output in both models. */
export interface ListValues {
  readonly reference: Float32Array;
  readonly candidate: Float32Array;
}

/** The outputs beside a list's boxes, in both models: its scores and its class ids, where the model has them. */
export interface ListPartners {
  readonly scores?: ListValues;
  readonly classes?: ListValues;
}

/** The IoU of box `i` of `a` and box `j` of `b` (corner form, each axis from its pair of fields). */
export function cornerIoU(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const overlap = (p: number, q: number): number => {
    const [a0, a1] = ordered(a[CORNER_FIELDS * i + p], a[CORNER_FIELDS * i + q]);
    const [b0, b1] = ordered(b[CORNER_FIELDS * j + p], b[CORNER_FIELDS * j + q]);
    return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  };
  const inter = overlap(0, 2) * overlap(1, 3);
  const union = area(a, i) + area(b, j) - inter;
  return union > 0 ? inter / union : 0;
}

const ordered = (p: number, q: number): [number, number] => (p <= q ? [p, q] : [q, p]);

/** The area of box `i` of `boxes` (0 for padding: a box of zeros). */
function area(boxes: Float32Array, i: number): number {
  const at = CORNER_FIELDS * i;
  return Math.abs(boxes[at + 2] - boxes[at]) * Math.abs(boxes[at + 3] - boxes[at + 1]);
}

/** Which entries of one sample's list show: score ≥ `DETECTION_MIN_SCORE`, or without scores every box with an area. */
function shownEntries(boxes: Float32Array, scores: Float32Array | undefined): boolean[] {
  return Array.from({ length: boxes.length / CORNER_FIELDS }, (_, i) => (scores ? scores[i] >= DETECTION_MIN_SCORE : area(boxes, i) > 0));
}

/**
 * The detections of one sample judged (see the file's comment): `y` the reference's boxes and
 * scores, `z` the candidate's (lists of any lengths). Pairs are matched greedily by IoU, those
 * both models show first, then those one shows, so a detection shown in both keeps its match
 * before an entry below the threshold can take it. With `classes`, each matched detection's class
 * ids are compared too.
 */
export function judgeLists(yBoxes: Float32Array, yScores: Float32Array | undefined, zBoxes: Float32Array, zScores: Float32Array | undefined, classes?: ListValues): ListJudgement[] {
  const shownY = shownEntries(yBoxes, yScores);
  const shownZ = shownEntries(zBoxes, zScores);
  const pairs: { i: number; j: number; iou: number; both: boolean }[] = [];
  shownY.forEach((sy, i) =>
    shownZ.forEach((sz, j) => {
      if (!sy && !sz) return;
      const iou = cornerIoU(yBoxes, i, zBoxes, j);
      if (iou > 0) pairs.push({ i, j, iou, both: sy && sz });
    }),
  );
  pairs.sort((p, q) => Number(q.both) - Number(p.both) || q.iou - p.iou);
  const matchY = new Map<number, { j: number; iou: number }>();
  const takenZ = new Set<number>();
  for (const p of pairs) {
    if (matchY.has(p.i) || takenZ.has(p.j)) continue;
    matchY.set(p.i, p);
    takenZ.add(p.j);
  }
  const score = (s: Float32Array | undefined, k: number): number => s?.[k] ?? 0;
  const judged: ListJudgement[] = [];
  shownY.forEach((shown, i) => {
    const m = matchY.get(i);
    if (m) judged.push({ record: i, iou: m.iou, scoreChange: Math.abs(score(zScores, m.j) - score(yScores, i)), ...(classes ? { classKept: classes.candidate[m.j] === classes.reference[i] } : {}) });
    else if (shown) judged.push({ record: i, iou: 0, scoreChange: score(yScores, i) });
  });
  shownZ.forEach((shown, j) => {
    if (shown && !takenZ.has(j)) judged.push({ iou: 0, scoreChange: score(zScores, j) });
  });
  return judged;
}

/** Entries per sample of a list output (`[batch, n, 4]` boxes, `[batch, n]` scores). */
export function listLength(out: OutputBatch, fields: number): number {
  const batch = out.shape[0] ?? 1;
  return batch > 0 ? out.values.length / (batch * fields) : 0;
}

/**
 * Each sample's detections of one batch judged: `reference` and `candidate` an `nms-boxes`
 * output, `partners` the values of their `nms-scores` and `nms-classes` outputs (each absent
 * without one).
 */
export function judgeListBatch(reference: OutputBatch, candidate: OutputBatch, partners: ListPartners = {}): ListJudgement[][] {
  const batch = reference.shape[0] ?? 1;
  const ny = listLength(reference, CORNER_FIELDS);
  const nz = listLength(candidate, CORNER_FIELDS);
  const { scores, classes } = partners;
  return Array.from({ length: batch }, (_, s) =>
    judgeLists(
      reference.values.subarray(s * ny * CORNER_FIELDS, (s + 1) * ny * CORNER_FIELDS),
      scores?.reference.subarray(s * ny, (s + 1) * ny),
      candidate.values.subarray(s * nz * CORNER_FIELDS, (s + 1) * nz * CORNER_FIELDS),
      scores?.candidate.subarray(s * nz, (s + 1) * nz),
      classes && { reference: classes.reference.subarray(s * ny, (s + 1) * ny), candidate: classes.candidate.subarray(s * nz, (s + 1) * nz) },
    ),
  );
}

/**
 * Where an `nms-boxes` output's {@link OutputBatch.unstable} marks a judged detection of sample `s`:
 * its reference entry, or for one only the candidate shows, the sample's flag after every entry
 * (`batch × n + s`): the original itself gains detections there under the jitter.
 */
export function unstableSlot(j: ListJudgement, s: number, entries: number, batch: number): number {
  return j.record === undefined ? batch * entries + s : s * entries + j.record;
}

/** The outputs beside one list's boxes: its `nms-scores` and `nms-classes` outputs' indices, where it has them. */
export interface ListPartnerOutputs {
  readonly scores?: number;
  readonly classes?: number;
}

/** A list's partner kinds: the field naming each, its kind, and what it holds (in words, for errors). */
const PARTNERS = [
  ['scores', 'nms-scores', 'scores'],
  ['classes', 'nms-classes', 'class ids'],
] as const;

/** Whether `kind` is judged with its list's boxes, not on its own (`nms-scores`, `nms-classes`). */
export const isListPartner = (kind: OutputKind): boolean => PARTNERS.some(([, k]) => k === kind);

/** Whether `shape` is a list's boxes: `[batch, n, 4]`. */
const isBoxesShape = (shape: readonly number[]): boolean => shape.length === 3 && shape[2] === CORNER_FIELDS;

/** Whether output `p` is a `[batch, n]` list beside the boxes of output `boxes`: as many entries per sample in every batch. */
function besideList(reference: readonly (readonly OutputBatch[])[], boxes: number, p: number): boolean {
  return (reference[0]?.[p]?.shape.length ?? 0) === 2 && reference.every((b) => b[p].shape[0] === b[boxes].shape[0] && listLength(b[p], 1) === listLength(b[boxes], CORNER_FIELDS));
}

/**
 * The `nms-scores` and `nms-classes` outputs of each `nms-boxes` output of `kinds` (undefined for
 * the others), read from the reference outputs of every batch: for each, the one `[batch, n]`
 * output of that kind with as many entries per sample in every batch. `INVALID_OPTION` naming
 * `option` when an `nms-boxes` output is no `[batch, n, 4]`, two outputs of one partner kind could
 * belong to it, or an `nms-scores` or `nms-classes` output belongs to no list.
 */
export function listPartners(reference: readonly (readonly OutputBatch[])[], kinds: readonly OutputKind[], option = 'outputKinds'): (ListPartnerOutputs | undefined)[] {
  const first = reference[0] ?? [];
  const lists = kinds.map((kind, o) => {
    if (kind !== 'nms-boxes') return undefined;
    const shape = first[o]?.shape ?? [];
    if (!isBoxesShape(shape)) {
      throw new DcError('INVALID_OPTION', `${option}: output ${o} of shape [${shape.join(', ')}] is not nms-boxes: detections after non-max suppression are [batch, n, 4] boxes in corner form`, { option: 'outputKinds', hint: "mark a detector's raw per-anchor records `detections`, anything else `regression`" });
    }
    const partners: { scores?: number; classes?: number } = {};
    for (const [field, partnerKind, what] of PARTNERS) {
      const found = kinds.flatMap((k, p) => (k === partnerKind && besideList(reference, o, p) ? [p] : []));
      if (found.length > 1) throw new DcError('INVALID_OPTION', `${option}: nms-boxes output ${o} has as many entries per sample as the ${partnerKind} outputs ${found.join(' and ')}: which holds its ${what} is ambiguous`, { option: 'outputKinds', hint: `mark the other list's ${what} \`ignore\`` });
      if (found.length === 1) partners[field] = found[0];
    }
    return partners;
  });
  kinds.forEach((kind, p) => {
    const partner = PARTNERS.find(([, k]) => k === kind);
    if (partner && !lists.some((l) => l?.[partner[0]] === p)) {
      throw new DcError('INVALID_OPTION', `${option}: ${kind} output ${p} holds the ${partner[2]} of no nms-boxes output (a [batch, n] list beside [batch, n, 4] boxes)`, { option: 'outputKinds', hint: 'mark it `score` or `regression` to judge its values one by one, or `ignore`' });
    }
  });
  return lists;
}

/** A list is recognised from this many entries per sample: fewer scores could be sorted by chance. */
export const MIN_DETECTED_LIST = 8;

/**
 * Outputs that are a list after non-max suppression, read from the reference outputs of every batch
 * (`reference[batch][output]`), among those `open` (not given a kind): a `[batch, n ≥ 8, 4]` output
 * beside exactly one `[batch, n]` output of the same n in every batch, inside [0, 1], sorted from
 * the highest score down in every sample (a detector's raw per-anchor scores never are) and not
 * one value throughout (a one-class detector's class ids, 1 or 0 everywhere, are sorted too).
 * Each as `[boxes, scores]` output indices.
 */
export function detectLists(reference: readonly (readonly OutputBatch[])[], open: readonly boolean[]): [number, number][] {
  const first = reference[0] ?? [];
  const sortedScores = (p: number): boolean =>
    reference.every((b) => {
      const n = listLength(b[p], 1);
      return b[p].values.every((v, i) => v >= 0 && v <= 1 && (i % n === 0 || v <= b[p].values[i - 1]));
    }) && reference.some((b) => b[p].values.some((v) => v !== first[p].values[0]));
  const found: [number, number][] = [];
  first.forEach((_, o) => {
    if (!open[o] || !isBoxesShape(first[o].shape) || !reference.every((b) => listLength(b[o], CORNER_FIELDS) >= MIN_DETECTED_LIST)) return;
    const scores = first.flatMap((__, p) => (open[p] && besideList(reference, o, p) && sortedScores(p) ? [p] : []));
    if (scores.length === 1) found.push([o, scores[0]]);
  });
  return found;
}

/**
 * The class ids of each list of `lists` (`detectLists`' `[boxes, scores]`), among the outputs
 * `open`: the one `[batch, n]` output beside the list's boxes (as many entries per sample in every
 * batch), not its scores, whose values are whole numbers ≥ 0 in every batch (TF Object Detection
 * API's `detection_classes`, the argmax of each detection's class scores in the list's order).
 * Undefined for a list beside which two such outputs lie (a TF 2 export's anchor indices are
 * whole numbers too) and for an output beside two lists: which one holds the class ids is then
 * for the user to say.
 */
export function detectListClasses(reference: readonly (readonly OutputBatch[])[], lists: readonly (readonly [number, number])[], open: readonly boolean[]): (number | undefined)[] {
  const inLists = new Set(lists.flat());
  const classIds = (p: number): boolean => reference.every((b) => b[p].values.every((v) => Number.isInteger(v) && v >= 0));
  const beside = lists.map(([boxes]) => (reference[0] ?? []).flatMap((_, p) => (open[p] && !inLists.has(p) && besideList(reference, boxes, p) && classIds(p) ? [p] : [])));
  return beside.map((found) => (found.length === 1 && beside.filter((f) => f.includes(found[0])).length === 1 ? found[0] : undefined));
}
