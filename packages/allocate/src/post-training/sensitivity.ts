/**
 * Post-training sensitivity, measured one tensor at a time: the drift of the outputs when only that
 * tensor is pruned (probe sparsity, float) and when only its weights are shared (probe bits, no
 * pruning; and again with per-channel scales for a tensor given `channels`), each divided by the
 * squared weight error that caused it. These gains turn every other candidate's weight error into
 * a predicted drift, so two model runs per tensor (three with channels) price all of them.
 */
import { DcError } from '@dc/core';
import { compareOutputs } from './compare-outputs.js';
import { outputDrift, type FidelityBudget, type OutputBatch, type OutputKind } from './fidelity.js';
import type { PlanTensor, RunWithWeights } from './options.js';
import { changeError, type CompressTensor, type TensorCandidate } from './tensor-candidates.js';

/** One tensor's measured sensitivity. */
export interface TensorSensitivity {
  readonly name: string;
  /** Drift (Σ over outputs of (relative error / budget)²) per unit of squared weight error, pruning and weight sharing. */
  readonly pruneGain: number;
  readonly quantizeGain: number;
  /**
   * The same for weight sharing with per-channel scales (tensors given `channels`; else equal to
   * `quantizeGain`): measured apart, since scales move the error from small channels to large
   * ones, which a folded batch norm makes far less harmful per unit of squared error.
   */
  readonly scaledQuantizeGain: number;
  /** Whether the gains were measured (false: a small tensor beyond `maxProbedTensors`, given the highest measured gains). */
  readonly measured: boolean;
}

/** The planner's scalar drift of a set of outputs: Σ `outputDrift`², capped at 1e6 per output. */
export function driftEnergy(reference: readonly (readonly OutputBatch[])[], candidate: readonly (readonly OutputBatch[])[], kinds: readonly OutputKind[], budget: FidelityBudget): number {
  const report = compareOutputs(reference, candidate, kinds, budget);
  return report.outputs.reduce((a, o) => a + Math.min(1e6, outputDrift(o, budget) ** 2), 0);
}

/** Probes each tensor (largest first, at most `maxProbed`) on `batches`; returns the gains by tensor name. */
export async function measureSensitivity<TBatch>(args: {
  readonly tensors: readonly PlanTensor[];
  readonly candidates: ReadonlyMap<string, readonly TensorCandidate[]>;
  readonly batches: readonly TBatch[];
  readonly reference: readonly (readonly OutputBatch[])[];
  readonly run: RunWithWeights<TBatch>;
  readonly kinds: readonly OutputKind[];
  readonly budget: FidelityBudget;
  readonly probe: { readonly sparsity: number; readonly bits: number };
  readonly maxProbed: number;
  readonly compress: CompressTensor;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: { label: string; current: number; total: number }) => void;
}): Promise<Map<string, TensorSensitivity>> {
  const order = [...args.tensors].sort((a, b) => b.values.length - a.values.length);
  const probed = order.slice(0, args.maxProbed);
  const out = new Map<string, TensorSensitivity>();
  const drift = async (name: string, values: Float32Array) => {
    const weights = new Map([[name, values]]);
    const outputs = [];
    for (const batch of args.batches) outputs.push(await args.run(weights, batch));
    return driftEnergy(args.reference, outputs, args.kinds, args.budget);
  };
  for (const [i, t] of probed.entries()) {
    if (args.signal?.aborted) throw new DcError('ABORTED', 'post-training sensitivity analysis aborted', { cause: args.signal.reason });
    const cands = args.candidates.get(t.name)!;
    const pruneProbe = cands.find((c) => c.bits === null && c.sparsity === args.probe.sparsity)!;
    const compress = t.compress ?? args.compress;
    const quantizeProbe = compress(t.values, 0, args.probe.bits);
    const quantizeError = changeError(t.values, quantizeProbe);
    const pruneDrift = pruneProbe.pruneError > 0 ? await drift(t.name, compress(t.values, args.probe.sparsity, null).values) : 0;
    const quantizeDrift = quantizeError > 0 ? await drift(t.name, quantizeProbe.values) : 0;
    const quantizeGain = quantizeError > 0 ? quantizeDrift / quantizeError : 0;
    let scaledQuantizeGain = quantizeGain;
    if (t.channels !== undefined) {
      const scaledProbe = compress(t.values, 0, args.probe.bits, { channels: t.channels });
      const scaledError = changeError(t.values, scaledProbe);
      scaledQuantizeGain = scaledError > 0 ? (await drift(t.name, scaledProbe.values)) / scaledError : 0;
    }
    out.set(t.name, { name: t.name, pruneGain: pruneProbe.pruneError > 0 ? pruneDrift / pruneProbe.pruneError : 0, quantizeGain, scaledQuantizeGain, measured: true });
    args.onProgress?.({ label: `sensitivity ${t.name}`, current: i + 1, total: probed.length });
  }
  const highest = (key: 'pruneGain' | 'quantizeGain' | 'scaledQuantizeGain') => Math.max(0, ...[...out.values()].map((s) => s[key]));
  for (const t of order.slice(args.maxProbed)) {
    out.set(t.name, { name: t.name, pruneGain: highest('pruneGain'), quantizeGain: highest('quantizeGain'), scaledQuantizeGain: Math.max(highest('quantizeGain'), highest('scaledQuantizeGain')), measured: false });
  }
  return out;
}

