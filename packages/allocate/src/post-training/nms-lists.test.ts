import { describe, expect, it } from 'vitest';
import { compareOutputs, markUnstable, worstError } from './compare-outputs.js';
import { budgetFor, outputKindsOf, type OutputBatch, type OutputKind } from './fidelity.js';
import { budgetVerdict, budgetWords } from './fidelity-words.js';
import { cornerIoU, judgeLists } from './nms-lists.js';

const f32 = (...v: number[]) => Float32Array.from(v);
const budget = budgetFor(0.02);
const kinds: OutputKind[] = ['nms-scores', 'nms-boxes', 'ignore'];

/** One sample's outputs as FaceBoxes writes them: scores [1, n], boxes [1, n, 4] (y1, x1, y2, x2), the count [1]. */
function lists(detections: readonly (readonly [number, number, number, number, number])[]): OutputBatch[] {
  return [
    { shape: [1, detections.length], values: f32(...detections.map((d) => d[0])) },
    { shape: [1, detections.length, 4], values: f32(...detections.flatMap((d) => d.slice(1))) },
    { shape: [1], values: f32(detections.length) },
  ];
}

const face = [0.9, 0.1, 0.1, 0.5, 0.4] as const;
const cat = [0.89, 0.5, 0.5, 0.9, 0.9] as const;
const faint = [0.05, 0.6, 0.0, 0.7, 0.2] as const;
const padding = [0, 0, 0, 0, 0] as const;

describe('detections after non-max suppression', () => {
  it('measures the IoU of corner-form boxes whichever corner comes first', () => {
    expect(cornerIoU(f32(0, 0, 10, 10), 0, f32(0, 1, 10, 11), 0)).toBeCloseTo(90 / 110, 9);
    expect(cornerIoU(f32(0, 0, 10, 10), 0, f32(10, 11, 0, 1), 0)).toBeCloseTo(90 / 110, 9);
    expect(cornerIoU(f32(0, 0, 2, 2), 0, f32(5, 5, 7, 7), 0)).toBe(0);
  });

  it('judges a list whose detections trade places as unchanged, where entry by entry it is far off', () => {
    const reference = lists([face, cat, faint, padding]);
    // The scores move by 0.01 and 0.005 and the list is sorted again: the cat comes first.
    const swapped = lists([[0.895, ...cat.slice(1)] as never, [0.89, ...face.slice(1)] as never, faint, padding]);
    const r = compareOutputs([reference], [swapped], kinds, budget);
    expect(r.outputs[1]).toMatchObject({ kind: 'nms-boxes', iou: 1, detectionsShown: 2, withinBudget: true });
    expect(r.outputs[1].scoreChange).toBeCloseTo(0.01, 6);
    expect(r.outputs[0]).toMatchObject({ kind: 'nms-scores', withinBudget: true });
    expect(r.drift).toBeCloseTo(0.01 / 0.02, 5);
    // The same outputs judged entry by entry: the boxes move by up to 0.5, the scores by 0.005.
    expect(compareOutputs([reference], [swapped], ['score', 'score', 'ignore'], budget).outputs[1].scoreChange).toBeCloseTo(0.5, 6);
    // Scores that swap by more than the budget are over it.
    const far = compareOutputs([reference], [lists([[0.95, ...cat.slice(1)] as never, [0.8, ...face.slice(1)] as never, faint, padding])], kinds, budget);
    expect(far.outputs[1]).toMatchObject({ iou: 1, withinBudget: false });
    expect(far.outputs[1].scoreChange).toBeCloseTo(0.1, 6);
  });

  it('judges a shown box by its IoU with its match, and one that vanished or appeared by IoU 0 and its whole score', () => {
    const reference = lists([face, cat, faint]);
    const moved = compareOutputs([reference], [lists([[0.9, 0.1, 0.1, 0.5, 0.42], cat, faint])], kinds, budget);
    expect(moved.outputs[1].iou).toBeCloseTo(0.3 / 0.32, 5);
    expect(moved.withinBudget).toBe(false);
    expect(worstError(moved)).toBeCloseTo(1 - 0.3 / 0.32, 5);
    expect(budgetVerdict(moved)).toMatch(/output 1 \(nms-boxes\): smallest IoU of a detection with its match 93\.75% \(2 judged\)/);
    // The cat leaves the list (the candidate's list is shorter): IoU 0, its score 0.89.
    const vanished = compareOutputs([reference], [lists([face, faint])], kinds, budget);
    expect(vanished.outputs[1]).toMatchObject({ iou: 0, detectionsShown: 2, withinBudget: false });
    expect(vanished.outputs[1].scoreChange).toBeCloseTo(0.89, 6);
    // A faint box rises to 0.5 where the reference had nothing near it.
    const appeared = compareOutputs([reference], [lists([face, cat, faint, [0.5, 0.0, 0.6, 0.1, 0.9]])], kinds, budget);
    expect(appeared.outputs[1]).toMatchObject({ iou: 0, detectionsShown: 3, withinBudget: false });
    expect(appeared.outputs[1].scoreChange).toBeCloseTo(0.5, 6);
  });

  it('matches the detections both models show before an entry below the threshold can take one', () => {
    // The reference's faint entry overlaps the candidate's face more than the reference's face does.
    const y = f32(0, 0, 10, 10, 0, 0, 10, 9.96);
    const z = f32(0, 0, 10, 9.95);
    const judged = judgeLists(y, f32(0.9, 0.1), z, f32(0.9));
    expect(judged).toEqual([{ record: 0, iou: expect.closeTo(99.5 / 100, 6), scoreChange: 0 }]);
  });

  it('shows every box with an area when the list has no scores, and never judges padding', () => {
    const reference = lists([face, cat, padding]);
    const judged = compareOutputs([[reference[1]]], [[lists([cat, face, padding, padding])[1]]], ['nms-boxes'], budget);
    expect(judged.outputs[0]).toMatchObject({ iou: 1, scoreChange: 0, detectionsShown: 2, withinBudget: true });
  });

  it('leaves out the detections the original itself loses, moves or gains under one grey level of jitter', () => {
    const border = [0.31, 0.2, 0.6, 0.3, 0.8] as const;
    const reference = lists([face, cat, border]);
    // Jittered, the original drops the border box below the threshold and shows a new faint one.
    const jittered = lists([face, cat, [0.25, ...border.slice(1)] as never, [0.4, 0.7, 0.7, 0.8, 0.8]]);
    const marked = markUnstable([reference], [jittered], kinds, budget);
    expect(Array.from(marked[0][1].unstable ?? [])).toEqual([0, 0, 1, 1]);
    // A candidate that loses the border box and gains another judges only the face and the cat.
    const candidate = lists([face, cat, [0.35, 0.0, 0.0, 0.1, 0.1]]);
    const r = compareOutputs(marked, [candidate], kinds, budget);
    expect(r.outputs[1]).toMatchObject({ iou: 1, detectionsShown: 2, unjudged: 2, withinBudget: true });
    // Unmarked, both count.
    expect(compareOutputs([reference], [candidate], kinds, budget).outputs[1]).toMatchObject({ iou: 0, detectionsShown: 4, withinBudget: false });
  });

  it('pairs each list with its scores, and refuses kinds that cannot be lists', () => {
    const reference = lists([face, cat]);
    expect(outputKindsOf([reference], kinds)).toEqual(kinds);
    expect(() => outputKindsOf([reference], ['nms-boxes', 'score', 'ignore'])).toThrow(/output 0 of shape \[1, 2\] is not nms-boxes/);
    expect(() => outputKindsOf([reference], ['nms-scores', 'regression', 'nms-scores'])).toThrow(/nms-scores output 0 holds the scores of no nms-boxes output/);
    const twoScores = [...reference, { shape: [1, 2], values: f32(0.5, 0.5) }];
    expect(() => outputKindsOf([twoScores], ['nms-scores', 'nms-boxes', 'ignore', 'nms-scores'])).toThrow(/nms-scores outputs 0 and 3: which holds its scores is ambiguous/);
    expect(budgetWords(kinds, budget)).toBe('score changes ≤ 0.02, box IoU ≥ 0.98');
  });

  it('with the list\'s class ids, judges whether each matched detection keeps its class', () => {
    const classKinds: OutputKind[] = ['nms-scores', 'nms-boxes', 'ignore', 'nms-classes'];
    const withClasses = (outs: OutputBatch[], ids: number[]) => [...outs, { shape: [1, ids.length], values: Float32Array.from(ids) }];
    const reference = withClasses(lists([face, cat, faint]), [1, 17, 3]);
    // The cat becomes class 18 where the list trades places; the faint entry (not shown) may change class.
    const swapped = withClasses(lists([[0.895, ...cat.slice(1)] as never, [0.89, ...face.slice(1)] as never, faint]), [18, 1, 5]);
    const r = compareOutputs([reference], [swapped], classKinds, budget);
    expect(r.outputs[1]).toMatchObject({ iou: 1, detectionsShown: 2, classAgreement: 0.5, withinBudget: false });
    expect(r.outputs[3]).toMatchObject({ kind: 'nms-classes', withinBudget: true });
    expect(budgetVerdict(r)).toMatch(/output 1 \(nms-boxes\): .* class kept by 50\.00%/);
    expect(r.drift).toBeCloseTo(0.5 / 0.01, 6);
    // Classes kept through the reorder: within.
    expect(compareOutputs([reference], [withClasses(swapped.slice(0, 3), [17, 1, 5])], classKinds, budget).outputs[1]).toMatchObject({ classAgreement: 1, withinBudget: true });
    // A class the original itself flips under the jitter is not judged.
    const marked = markUnstable([reference], [withClasses(lists([face, cat, faint]), [1, 18, 3])], classKinds, budget);
    expect(compareOutputs(marked, [swapped], classKinds, budget).outputs[1]).toMatchObject({ detectionsShown: 1, unjudged: 1, classAgreement: 1 });
    expect(budgetWords(classKinds, budget)).toBe('score changes ≤ 0.02, box IoU ≥ 0.98, detections keeping their class ≥ 0.99');
    expect(() => outputKindsOf([reference], ['nms-scores', 'regression', 'ignore', 'nms-classes'])).toThrow(/nms-scores output 0 holds the scores of no nms-boxes output/);
    expect(() => outputKindsOf([reference], ['score', 'nms-boxes', 'ignore', 'nms-classes']).toString()).not.toThrow();
    expect(() => outputKindsOf([reference], ['score', 'regression', 'ignore', 'nms-classes'])).toThrow(/nms-classes output 3 holds the class ids of no nms-boxes output/);
  });

  it('recognises a list of 8 or more boxes beside scores sorted from the highest down, and nothing else', () => {
    const padded = (d: (readonly [number, number, number, number, number])[]) => lists([...d, ...Array<typeof padding>(8 - d.length).fill(padding)]);
    const two = [padded([face, cat, faint]), padded([cat, faint])];
    expect(outputKindsOf(two)).toEqual(['nms-scores', 'nms-boxes', 'regression']);
    // Given kinds stay: the count judged as a score, the rest still recognised.
    expect(outputKindsOf(two, [undefined, undefined, 'ignore'])).toEqual(['nms-scores', 'nms-boxes', 'ignore']);
    // A one-class detector's class ids (all 1) beside the scores are sorted too, but are one value throughout: its class ids.
    const classes = (b: OutputBatch[]) => [...b, { shape: [1, 8], values: new Float32Array(8).fill(1) }];
    expect(outputKindsOf(two.map(classes))).toEqual(['nms-scores', 'nms-boxes', 'regression', 'nms-classes']);
    // Scores out of order on one batch (a detector's raw per-anchor scores), or a list of 7: guessed as before.
    expect(outputKindsOf([two[0], padded([faint, cat])])).toEqual(['score', 'score', 'regression']);
    expect(outputKindsOf([lists([face, cat, faint, padding, padding, padding, padding])])).toEqual(['score', 'score', 'regression']);
  });

  it('recognises the one output of whole numbers beside a list as its class ids, and guesses none where two could be', () => {
    const padded = (d: (readonly [number, number, number, number, number])[]) => lists([...d, ...Array<typeof padding>(8 - d.length).fill(padding)]);
    const withOutputs = (b: OutputBatch[], ...extra: number[][]) => [...b, ...extra.map((v) => ({ shape: [1, 8], values: f32(...v, ...Array<number>(8 - v.length).fill(0)) }))];
    const ids = [withOutputs(padded([face, cat, faint]), [1, 17, 17]), withOutputs(padded([cat, faint]), [17, 17])];
    expect(outputKindsOf(ids)).toEqual(['nms-scores', 'nms-boxes', 'regression', 'nms-classes']);
    // Judged with the list: a matched detection that changes its class is counted.
    const relabelled = ids.map((b) => b.map((o, i) => (i === 3 ? { ...o, values: o.values.map((v) => (v === 17 ? 18 : v)) } : o)));
    const judged = compareOutputs(ids, relabelled, outputKindsOf(ids), budget);
    expect(judged.outputs[1]).toMatchObject({ kind: 'nms-boxes', classAgreement: 1 / 3, withinBudget: false });
    // Given kinds stay; values that are not whole numbers are no class ids.
    expect(outputKindsOf(ids, [undefined, undefined, undefined, 'regression'])).toEqual(['nms-scores', 'nms-boxes', 'regression', 'regression']);
    expect(outputKindsOf([withOutputs(padded([face, cat, faint]), [1.5, 17, 17])])).toEqual(['nms-scores', 'nms-boxes', 'regression', 'regression']);
    // A second output of whole numbers beside the list (a TF 2 export's anchor indices): which holds the classes is for the user to say.
    const twoIds = [withOutputs(padded([face, cat, faint]), [1, 17, 17], [1203, 4, 977])];
    expect(outputKindsOf(twoIds)).toEqual(['nms-scores', 'nms-boxes', 'regression', 'regression', 'regression']);
    expect(outputKindsOf(twoIds, [undefined, undefined, undefined, 'nms-classes', 'ignore'])).toEqual(['nms-scores', 'nms-boxes', 'regression', 'nms-classes', 'ignore']);
  });
});
