/**
 * The size target (`targetBytes`): instead of searching for the smallest allocation within the
 * budget, the allocation of least predicted drift whose file fits the target, verified once and
 * reported against the budget. The file's bytes beyond the planned tensors' predicted ones
 * (header, topology, tensors not planned, the coder's distance from the prediction) are learned
 * from the files written: the first plan takes the whole target, each that does not fit moves
 * the next one down by what its file took beyond its prediction. An allocation measured far over
 * its prediction has its culprit made gentler, as the budget's search does, and the target is
 * planned again.
 */
import { worstError, type FidelityReport } from './compare-outputs.js';
import { findCulprit } from './culprit.js';
import { budgetVerdict } from './fidelity-words.js';
import { chooseAtPrice, HIGHEST_PRICE, isSurprise, makeGentler, planBytes, planEntry, priceForBytes, type SearchInputs, type TensorPlan } from './search.js';

/** Files written at most to fit the target. */
const FIT_ATTEMPTS = 4;
/** A fitting file this close below the target is close enough. */
const SLACK = 0.01;

/** A plan fitted to the target: its file's bytes, the overhead that file taught, and how many files were written. */
interface Fitted {
  readonly plan: TensorPlan[];
  readonly lambda: number | undefined;
  readonly bytes: number;
  readonly overhead: number;
  readonly written: number;
}

/** Plans `targetBytes` (see the module comment). */
export async function searchAtSize(args: SearchInputs & {
  readonly targetBytes: number;
  /** The written file's bytes for a plan (or its predicted bytes, without a writer). */
  readonly fileBytes: (plan: readonly TensorPlan[]) => Promise<number>;
}): Promise<{ plan: TensorPlan[]; fidelity: FidelityReport; lambda: number; bytes: number; notes: string[] }> {
  const candidates = new Map(args.candidates);
  const sensitivity = new Map(args.sensitivity);
  const exact = args.tensors.map((t) => planEntry(t, args.candidates.get(t.name)![0], 0));
  const choose = (lambda: number) => chooseAtPrice(lambda, args.tensors, candidates, sensitivity);
  const notes: string[] = [];
  const target = `size target ${args.targetBytes.toLocaleString('en')} B`;
  let overhead = 0;
  for (let searches = 0; ; searches++) {
    const fitted = await fit(args.targetBytes, overhead, choose, args.fileBytes);
    overhead = fitted.overhead;
    const file = `${Math.round(fitted.bytes).toLocaleString('en')} B (the planned tensors predicted at ${Math.round(planBytes(fitted.plan)).toLocaleString('en')} B; ${fitted.written} written to fit)`;
    const over = fitted.bytes > args.targetBytes ? ', over the target' : '';
    notes.push(`${target}: ${fitted.lambda === undefined ? 'the smallest allocation the candidates allow' : `price ${fitted.lambda.toExponential(2)} drift per byte`}, ${file}${over}`);
    const fidelity = await args.verify(fitted.plan);
    args.onProgress?.({ label: 'verify the allocation at the size target', current: searches + 1, total: args.maxCulpritSearches + 1 });
    notes.push(`measured worst error ${worstError(fidelity).toFixed(4)}, ${budgetVerdict(fidelity)}`);
    const done = { plan: fitted.plan, fidelity, lambda: fitted.lambda ?? HIGHEST_PRICE, bytes: fitted.bytes, notes };
    if (searches >= args.maxCulpritSearches || !isSurprise(fitted.plan, fidelity)) return done;
    const culprit = await findCulprit(fitted.plan, exact, args.verify);
    if (!culprit) return done;
    notes.push(makeGentler(fitted.plan, culprit, fidelity, sensitivity, candidates));
  }
}

/**
 * The plan at the smallest price whose written bytes fit `targetBytes`: each file written teaches
 * the overhead (file bytes − predicted bytes) the next plan leaves room for, until one fits within
 * {@link SLACK} of the target or {@link FIT_ATTEMPTS} files are written; then the largest that
 * fits, else the last written (its price undefined when even the highest price is too large).
 */
async function fit(targetBytes: number, overhead: number, choose: (lambda: number) => TensorPlan[], fileBytes: (plan: readonly TensorPlan[]) => Promise<number>): Promise<Fitted> {
  let best: Fitted | undefined;
  let last: Fitted | undefined;
  for (let written = 1; written <= FIT_ATTEMPTS; written++) {
    const lambda = priceForBytes(targetBytes - overhead, choose);
    const plan = choose(lambda ?? HIGHEST_PRICE);
    const bytes = await fileBytes(plan);
    last = { plan, lambda, bytes, overhead: bytes - planBytes(plan), written };
    if (bytes <= targetBytes && (!best || bytes > best.bytes)) best = last;
    if (lambda === undefined || (best && best.bytes >= targetBytes * (1 - SLACK)) || last.overhead === overhead) break;
    overhead = last.overhead;
  }
  return best ? { ...best, written: last!.written } : last!;
}
