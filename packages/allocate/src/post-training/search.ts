/**
 * The price search with verification: at price λ every tensor takes the candidate minimising its
 * predicted drift + λ × its bytes (predicted drift = gains × weight errors, added over tensors);
 * λ is set by a predicted-drift target τ, and τ is moved by measuring whole allocations: raised
 * while the measured fidelity is within budget (lowered while it is not) by a step read from the
 * measured drift, then bisected (geometrically) between the last pass and the first failure. The
 * smallest allocation within budget wins, or, within 1% of its bytes, the one measured furthest
 * inside the budget; then float16 rounding of what it keeps float32 is verified (see the end of
 * {@link searchAllocation}). An allocation measured far over its prediction has its culprit found
 * by bisection (`findCulprit`): its gains grow by the misprediction and it may then only take
 * candidates that move its weights less; the search goes on from the same target.
 */
import { worstError, type FidelityReport } from './compare-outputs.js';
import { findCulprit, isChanged, type Culprit } from './culprit.js';
import { budgetVerdict } from './fidelity-words.js';
import type { PlanTensor } from './options.js';
import type { TensorSensitivity } from './sensitivity.js';
import type { TensorCandidate } from './tensor-candidates.js';

/** One tensor's choice and its predictions. */
export interface TensorPlan {
  readonly name: string;
  readonly params: number;
  readonly sparsity: number;
  readonly bits: number | null;
  /** Per-channel scales over this many channels, when chosen. */
  readonly channels?: number;
  /** Float values rounded to float16, when chosen. */
  readonly float16?: boolean;
  /** Predicted bytes in the file. */
  readonly bytes: number;
  /** Predicted drift (the planner's units: Σ over outputs of (relative error / budget)²). */
  readonly drift: number;
}

const LOG_LAMBDA = [-18, 6] as const;
/** The highest price the searches try: every tensor then takes about its cheapest candidate. */
export const HIGHEST_PRICE = 10 ** LOG_LAMBDA[1];
const MIN_TARGET = 1 / 1024;
/**
 * Measured drift² over predicted drift beyond which a failed allocation is a surprise worth a
 * culprit search: the probes' gains agree within ~3× across errors, so 16× is no misprediction.
 */
const SURPRISE = 16;

/** Tensor `t` taking candidate `c`, with its predicted drift. */
export function planEntry(t: PlanTensor, c: TensorCandidate, drift: number): TensorPlan {
  return { name: t.name, params: t.values.length, sparsity: c.sparsity, bits: c.bits, ...(c.channels === undefined ? {} : { channels: c.channels }), ...(c.float16 ? { float16: true } : {}), bytes: c.bytes, drift };
}

/** The predicted drift of candidate `c` of a tensor with sensitivity `s`: its gains times its weight errors. */
export function candidateDrift(s: TensorSensitivity, c: TensorCandidate): number {
  return s.pruneGain * c.pruneError + (c.channels === undefined ? s.quantizeGain : s.scaledQuantizeGain) * c.quantizeError;
}

/** Every tensor's best candidate at price `lambda`. */
export function chooseAtPrice(lambda: number, tensors: readonly PlanTensor[], candidates: ReadonlyMap<string, readonly TensorCandidate[]>, sensitivity: ReadonlyMap<string, TensorSensitivity>): TensorPlan[] {
  return tensors.map((t) => {
    const s = sensitivity.get(t.name)!;
    let best: TensorPlan | undefined;
    let bestCost = Infinity;
    for (const c of candidates.get(t.name)!) {
      const drift = candidateDrift(s, c);
      const cost = drift + lambda * c.bytes;
      if (cost < bestCost) {
        bestCost = cost;
        best = planEntry(t, c, drift);
      }
    }
    return best!;
  });
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/** The predicted drift of a plan: its entries' drifts added. */
export const totalDrift = (plan: readonly TensorPlan[]): number => plan.reduce((a, p) => a + p.drift, 0);
/** The predicted bytes of a plan: its entries' bytes added. */
export const planBytes = (plan: readonly TensorPlan[]): number => plan.reduce((a, p) => a + p.bytes, 0);

/**
 * Bisects the price (geometrically, over the searches' range) for the edge where `fits(choose(λ))`
 * turns, knowing it holds on the `side` end and not on the other: the price on its fitting side.
 */
function edgePrice(fits: (plan: TensorPlan[]) => boolean, choose: (lambda: number) => TensorPlan[], side: 'low' | 'high'): number {
  let [lo, hi]: number[] = [...LOG_LAMBDA];
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (fits(choose(10 ** mid)) === (side === 'low')) lo = mid;
    else hi = mid;
  }
  return 10 ** (side === 'low' ? lo : hi);
}

/** The largest price whose predicted drift stays within `target` (drift grows with the price). */
export function priceFor(target: number, choose: (lambda: number) => TensorPlan[]): number {
  const fits = (plan: TensorPlan[]) => totalDrift(plan) <= target;
  return fits(choose(HIGHEST_PRICE)) ? HIGHEST_PRICE : edgePrice(fits, choose, 'low');
}

/** The smallest price whose predicted bytes are at most `maxBytes` (bytes fall as the price grows), or undefined when even the highest price gives more. */
export function priceForBytes(maxBytes: number, choose: (lambda: number) => TensorPlan[]): number | undefined {
  const fits = (plan: TensorPlan[]) => planBytes(plan) <= maxBytes;
  if (!fits(choose(HIGHEST_PRICE))) return undefined;
  return fits(choose(10 ** LOG_LAMBDA[0])) ? 10 ** LOG_LAMBDA[0] : edgePrice(fits, choose, 'high');
}

/** An allocation measured within budget. */
export interface Verified {
  readonly plan: TensorPlan[];
  readonly fidelity: FidelityReport;
  readonly lambda: number;
  readonly bytes: number;
}

/** A fraction of the smallest verified bytes not worth a larger measured drift. */
const NEGLIGIBLE_SAVING = 0.01;

/**
 * Of the allocations verified within budget, the one with the smallest measured drift among those
 * within {@link NEGLIGIBLE_SAVING} of the fewest bytes: a plan nearer the budget for a fraction
 * of a percent of the file is nearer the edge where outputs of inputs not calibrated on jump
 * (detectors that threshold and sort their boxes).
 */
export function safestOfSmallest(passed: readonly Verified[]): Verified | undefined {
  if (passed.length === 0) return undefined;
  const fewest = Math.min(...passed.map((p) => p.bytes));
  return passed.filter((p) => p.bytes <= fewest * (1 + NEGLIGIBLE_SAVING)).reduce((a, b) => (b.fidelity.drift < a.fidelity.drift ? b : a));
}

/** What the searches work from: the tensors, their candidates and probed sensitivity, and the verification of a whole plan. */
export interface SearchInputs {
  readonly tensors: readonly PlanTensor[];
  readonly candidates: ReadonlyMap<string, readonly TensorCandidate[]>;
  readonly sensitivity: ReadonlyMap<string, TensorSensitivity>;
  readonly verify: (plan: readonly TensorPlan[]) => Promise<FidelityReport>;
  /** Culprit searches at most (each ≤ 2 × ceil(log2 T) + 1 verifications). */
  readonly maxCulpritSearches: number;
  readonly onProgress?: (event: { label: string; current: number; total: number }) => void;
}

/** Finds the smallest verified allocation (see the module comment); at most `maxVerifications` besides the culprit searches. */
export async function searchAllocation(args: SearchInputs & { readonly maxVerifications: number }): Promise<{ plan: TensorPlan[]; fidelity: FidelityReport; lambda: number; notes: string[] }> {
  // A culprit's candidates shrink and its gains grow (see below): the search's own copies.
  const candidates = new Map(args.candidates);
  const sensitivity = new Map(args.sensitivity);
  const exact = args.tensors.map((t) => planEntry(t, args.candidates.get(t.name)![0], 0));
  const choose = (lambda: number) => chooseAtPrice(lambda, args.tensors, candidates, sensitivity);
  let culpritSearches = 0;
  const tried = new Map<string, FidelityReport>();
  const notes: string[] = [];
  const passed: Verified[] = [];
  let lo: number | undefined; // largest target verified within budget
  let hi: number | undefined; // smallest target verified over budget
  let target = 1;
  let verifications = 0;
  while (verifications < args.maxVerifications && target >= MIN_TARGET) {
    const lambda = priceFor(target, choose);
    const plan = choose(lambda);
    const key = JSON.stringify(plan.map((p) => [p.sparsity, p.bits, p.channels ?? 0, p.float16 ?? false]));
    let fidelity = tried.get(key);
    if (!fidelity) {
      fidelity = await args.verify(plan);
      tried.set(key, fidelity);
      verifications++;
      args.onProgress?.({ label: `verify allocation at predicted drift ${target.toPrecision(3)}`, current: verifications, total: args.maxVerifications });
    }
    const bytes = planBytes(plan);
    notes.push(`predicted drift ${target.toPrecision(3)}: ${Math.round(bytes).toLocaleString('en')} B, measured worst error ${worstError(fidelity).toFixed(4)}, ${budgetVerdict(fidelity)}`);
    if (culpritSearches < args.maxCulpritSearches && isSurprise(plan, fidelity)) {
      culpritSearches++;
      let step = 0;
      const steps = 2 * Math.ceil(Math.log2(plan.filter(isChanged).length));
      const culprit = await findCulprit(plan, exact, async (p) => {
        const f = await args.verify(p);
        args.onProgress?.({ label: `find the tensor that tips the allocation over budget (search ${culpritSearches})`, current: ++step, total: steps });
        return f;
      });
      if (culprit) {
        notes.push(makeGentler(plan, culprit, fidelity, sensitivity, candidates));
        if (culprit.passed) {
          const b = planBytes(culprit.passed.plan);
          notes.push(`the allocation's larger savings before it: ${Math.round(b).toLocaleString('en')} B, measured worst error ${worstError(culprit.passed.fidelity).toFixed(4)}, within budget`);
          passed.push({ ...culprit.passed, lambda, bytes: b });
        }
        continue; // the same target, the culprit gentler
      }
    }
    if (fidelity.withinBudget) {
      passed.push({ plan, fidelity, lambda, bytes });
      lo = target;
      // At the highest price every tensor already takes its cheapest candidate: no target gives fewer bytes.
      if (lambda >= 10 ** LOG_LAMBDA[1] && hi === undefined) {
        notes.push(`at the highest price tried (${lambda.toExponential(0)} drift per byte), within budget: no smaller allocation to try`);
        break;
      }
    } else {
      hi = target;
    }
    // Before a bracket, step by how far the measured drift is from the budget (a secant step on
    // drift² ∝ target), bounded; then bisect geometrically.
    const step = fidelity.drift > 0 ? 1 / fidelity.drift ** 2 : Infinity;
    const next = hi === undefined ? target * clamp(step, 1.5, 8) : lo === undefined ? target * clamp(step, 1 / 16, 0.5) : Math.sqrt(lo * hi);
    if (hi !== undefined && lo !== undefined && hi / lo < 1.15) break;
    if (next === target) break;
    target = next;
  }
  const best = safestOfSmallest(passed);
  if (best && best !== passed.reduce((a, b) => (b.bytes < a.bytes ? b : a))) notes.push(`kept ${Math.round(best.bytes).toLocaleString('en')} B (measured worst error ${worstError(best.fidelity).toFixed(4)}): the smallest allocation within budget saves under ${NEGLIGIBLE_SAVING * 100}% more`);
  // Rounding to float16 moves a weight by a relative 2^-11 at most, far below the errors the probes
  // measured gains at: priced from those gains, a sensitive tensor keeps its float32. So two more
  // verifications at most: the accepted allocation with the tensors it keeps exactly rounded to
  // float16, then every tensor rounded to float16 where that is smaller still (or nothing passed).
  let rounded: FidelityReport | undefined;
  const tryRounded = async (plan: TensorPlan[] | undefined, what: string, than: Verified | undefined): Promise<Verified | undefined> => {
    const bytes = plan ? planBytes(plan) : Infinity;
    if (!plan || bytes >= (than?.bytes ?? Infinity)) return than;
    const fidelity = (rounded = await args.verify(plan));
    notes.push(`${what}: ${Math.round(bytes).toLocaleString('en')} B, measured worst error ${worstError(fidelity).toFixed(4)}, ${budgetVerdict(fidelity)}`);
    return fidelity.withinBudget ? { plan, fidelity, lambda: than?.lambda ?? 0, bytes } : than;
  };
  let chosen = best && (await tryRounded(roundExact(best.plan, args.tensors, args.candidates), 'the accepted allocation with the tensors it keeps exactly rounded to float16', best));
  chosen = await tryRounded(roundExact(exact, args.tensors, args.candidates), `every float32 tensor rounded to float16${chosen ? '' : ' (no coded allocation was verified within budget)'}`, chosen);
  if (chosen) return { plan: chosen.plan, fidelity: chosen.fidelity, lambda: chosen.lambda, notes };
  // Every tensor stays as it is (the original outputs, exactly).
  const fidelity = await args.verify(exact);
  notes.push('no compressed allocation was verified within budget: every tensor stays float');
  const jumping = rounded?.outputs.filter((o) => !o.withinBudget && o.kind !== 'ignore') ?? [];
  if (jumping.length > 0) notes.push(jumpingOutputsNote(jumping.map((o) => o.output)));
  return { plan: exact, fidelity, lambda: 0, notes };
}

/** Why outputs over budget with every weight only rounded to float16 may be judged the wrong way, and what to do. */
function jumpingOutputsNote(outputs: readonly number[]): string {
  const which = outputs.length === 1 ? `output ${outputs[0]} is` : `outputs ${outputs.slice(0, -1).join(', ')} and ${outputs[outputs.length - 1]} are`;
  return (
    `${which} over budget even with every weight only rounded to float16 (a relative change of 2^-11 at most): ` +
    'an output that jumps under the least change, as a detector\'s detections after non-max suppression or a top-k list do, ' +
    "is better judged through the raw boxes and scores it is read from, with kind 'ignore' for it (outputKinds; dc compress --output-kinds), " +
    "and a pose model's keypoints or an anchor detector's records by their own kinds ('keypoints', 'detections')"
  );
}

/**
 * After a culprit search of `plan` (measured with `fidelity`): the culprit's own drift is about the
 * measured one (the changes before it passed), so its gains in `sensitivity` grow by that over
 * what it was predicted, and in `candidates` it keeps only those that move its weights less than
 * the one it took (both maps: the search's own copies). Returns the note saying so.
 */
export function makeGentler(plan: readonly TensorPlan[], culprit: Culprit, fidelity: FidelityReport, sensitivity: Map<string, TensorSensitivity>, candidates: Map<string, readonly TensorCandidate[]>): string {
  const names = culprit.indices.map((i) => plan[i].name);
  const factor = clamp(fidelity.drift ** 2 / Math.max(1e-12, ...culprit.indices.map((i) => plan[i].drift)), 2, 1e6);
  for (const i of culprit.indices) {
    const s = sensitivity.get(plan[i].name)!;
    sensitivity.set(plan[i].name, { ...s, pruneGain: s.pruneGain * factor, quantizeGain: s.quantizeGain * factor, scaledQuantizeGain: s.scaledQuantizeGain * factor });
    candidates.set(plan[i].name, gentlerThan(plan[i], candidates.get(plan[i].name)!));
  }
  const what = names.length === 1 ? `culprit ${names[0]}: coding it so tips` : `culprits ${names.join(' and ')}: coding both so tips`;
  return `${what} the allocation over budget (measured drift ${fidelity.drift.toPrecision(3)} against ${Math.sqrt(totalDrift(plan)).toPrecision(3)} predicted), found in ${culprit.verifications} verifications; gains × ${factor.toPrecision(3)}, only gentler candidates`;
}

/** Whether a failed allocation measured far enough over its prediction to be worth a culprit search (see {@link SURPRISE}). */
export const isSurprise = (plan: readonly TensorPlan[], fidelity: FidelityReport): boolean => !fidelity.withinBudget && fidelity.drift ** 2 > SURPRISE * totalDrift(plan);

/** The candidates `cands` of `p`'s tensor that move its weights less than the one `p` chose (keeping it exactly always stays). */
function gentlerThan(p: TensorPlan, cands: readonly TensorCandidate[]): TensorCandidate[] {
  const error = (c: TensorCandidate) => c.pruneError + c.quantizeError;
  const chosen = cands.find((c) => c.sparsity === p.sparsity && c.bits === p.bits && c.channels === p.channels && (c.float16 ?? false) === (p.float16 ?? false));
  return cands.filter((c, i) => i === 0 || (chosen !== undefined && error(c) < error(chosen)));
}

/**
 * `plan` with each tensor it keeps exactly (float, unpruned) rounded to float16 where it may be
 * and that saves bytes; undefined when no tensor changes.
 */
function roundExact(plan: readonly TensorPlan[], tensors: readonly PlanTensor[], candidates: ReadonlyMap<string, readonly TensorCandidate[]>): TensorPlan[] | undefined {
  let changed = false;
  const out = plan.map((p, i) => {
    if (isChanged(p)) return p;
    const [exact, ...rest] = candidates.get(p.name)!;
    const c = rest.find((x) => x.float16);
    if (!c || c.bytes >= exact.bytes) return p;
    changed = true;
    return planEntry(tensors[i], c, 0);
  });
  return changed ? out : undefined;
}
