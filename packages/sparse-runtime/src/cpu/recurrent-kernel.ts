/**
 * `recurrent` (SimpleRNN, LSTM, GRU with the reset gate before or after the product; one way,
 * backwards or both) step by step, as tfjs computes them (gate order and formulas: core's
 * `RecurrentConfig`), state zero before the first step. The
 * input products `x·K` of every step come first, then each step adds `h·R`; both kernels are read
 * as sparse rows (codes looked up in the codebook), so pruned weights cost nothing. Sums in
 * float64, the state kept in float64 between steps. A bidirectional node runs each pass from its
 * column block of the stacked parameters, then merges the two as tfjs's `Bidirectional` does. With
 * a mask input, a masked step keeps the state and emits it again (each pass in its reading order).
 */
import { activationParams, RECURRENT_GATES, recurrentPasses, type Activation, type RecurrentConfig } from '@dc/core';
import type { PlanStep } from '../model/plan.js';
import { columnRange, toSparseRows, type SparseRows } from '../sparse/sparse-rows.js';
import { elementwise } from './activation.js';
import type { CpuKernel } from './graph-executor.js';
import { outputBuffer } from './output-buffer.js';
import type { CpuPrepareContext } from './prepare-context.js';

/** `acc[at + col] += Σ_r v[r] · m[r, col]` over the rows of `m` (`v` read from `vFrom`). */
function addProduct(acc: Float64Array, at: number, v: ArrayLike<number>, vFrom: number, m: SparseRows): void {
  const { rowPtr, colIdx, codes, codebook } = m;
  for (let r = 0; r < m.rows; r++) {
    const x = v[vFrom + r];
    if (x === 0) continue;
    for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) acc[at + colIdx[e]] += x * codebook[codes[e]];
  }
}

/**
 * Runs one pass over one sample's `[T, n]` input (from `x[from]`); `into(h)` receives the state
 * after each step, in reading order. `masked(t)`: whether step `t` (in the steps' order) is
 * masked, when the node has a mask input: the pass then keeps its state and emits it again.
 */
type Pass = (x: ArrayLike<number>, from: number, into: (h: Float64Array) => void, masked?: (t: number) => boolean) => void;

/** One pass of the cell over columns `[from, from + G)` of the (stacked) parameters, reading the steps backwards or not. */
function pass(c: RecurrentConfig, T: number, kernelAll: SparseRows, recurrentAll: SparseRows, biasAll: Float32Array | undefined, from: number, backwards: boolean): Pass {
  const u = c.units;
  const G = RECURRENT_GATES[c.cell] * u;
  const kernel = columnRange(kernelAll, from, from + G);
  // GRU: the z and r gates take h·R directly, the candidate takes (r·h)·R; with resetAfter, r·(h·R + b').
  const gatesR = columnRange(recurrentAll, from, from + (c.cell === 'gru' && !c.resetAfter ? 2 * u : G));
  const candidateR = c.cell === 'gru' ? columnRange(recurrentAll, from + 2 * u, from + G) : gatesR;
  const bias = biasAll ? biasAll.subarray(from, from + G) : new Float32Array(G);
  // resetAfter's bias is [2, passes·G]: the input biases of every pass, then the recurrent ones.
  const recurrentBias = c.resetAfter && biasAll ? biasAll.subarray(biasAll.length / 2 + from, biasAll.length / 2 + from + G) : new Float32Array(G);
  const hr = new Float64Array(G);
  const fn = (a: Activation) => elementwise(activationParams(a)) ?? ((v: number) => v); // linear: null
  const act = fn(c.activation);
  const gate = c.recurrentActivation ? fn(c.recurrentActivation) : act;
  const n = kernel.rows;
  const xk = new Float64Array(T * G);
  const z = new Float64Array(G);
  const h = new Float64Array(u);
  const cell = new Float64Array(u);
  const rh = new Float64Array(u);
  const candidate = new Float64Array(u);
  return (x, at, into, masked) => {
    xk.fill(0);
    for (let t = 0; t < T; t++) addProduct(xk, t * G, x, at + t * n, kernel);
    h.fill(0);
    cell.fill(0);
    for (let s = 0; s < T; s++) {
      const t = backwards ? T - 1 - s : s;
      if (masked?.(t)) { // tfjs's rnn(): the previous output and states, unchanged
        into(h);
        continue;
      }
      for (let j = 0; j < G; j++) z[j] = xk[t * G + j] + bias[j];
      if (c.resetAfter) {
        for (let j = 0; j < G; j++) hr[j] = recurrentBias[j];
        addProduct(hr, 0, h, 0, gatesR);
        for (let j = 0; j < u; j++) {
          const update = gate(z[j] + hr[j]);
          const reset = gate(z[u + j] + hr[u + j]);
          h[j] = update * h[j] + (1 - update) * act(z[2 * u + j] + reset * hr[2 * u + j]);
        }
        into(h);
        continue;
      }
      addProduct(z, 0, h, 0, gatesR);
      if (c.cell === 'simpleRnn') {
        for (let j = 0; j < u; j++) h[j] = act(z[j]);
      } else if (c.cell === 'lstm') {
        for (let j = 0; j < u; j++) {
          cell[j] = gate(z[u + j]) * cell[j] + gate(z[j]) * act(z[2 * u + j]);
          h[j] = gate(z[3 * u + j]) * act(cell[j]);
        }
      } else {
        for (let j = 0; j < u; j++) rh[j] = gate(z[u + j]) * h[j];
        candidate.fill(0);
        addProduct(candidate, 0, rh, 0, candidateR);
        for (let j = 0; j < u; j++) {
          const update = gate(z[j]);
          h[j] = update * h[j] + (1 - update) * act(z[2 * u + j] + candidate[j]);
        }
      }
      into(h);
    }
  };
}

/** How a bidirectional node combines the first pass's value `a` and the second's `b` (tfjs's order of operations, in float32). */
const MERGES = {
  sum: (a: number, b: number) => Math.fround(a + b),
  mul: (a: number, b: number) => Math.fround(a * b),
  ave: (a: number, b: number) => Math.fround(0.5 * Math.fround(a + b)),
};

export function recurrentKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const c = step.config as RecurrentConfig;
  const [T, n] = step.inputShapes[0];
  const u = c.units;
  const G = RECURRENT_GATES[c.cell] * u;
  const kernel = ctx.rows.get(step.index)!;
  const recurrent = toSparseRows(step.params.recurrentKernel!);
  const backwards = c.goBackwards ?? false;
  const passes = [pass(c, T, kernel, recurrent, step.params.bias, 0, backwards)];
  if (recurrentPasses(c) === 2) passes.push(pass(c, T, kernel, recurrent, step.params.bias, G, !backwards));
  const width = c.merge === 'concat' ? 2 * u : u; // features per output row
  const combine = c.merge && c.merge !== 'concat' ? MERGES[c.merge] : undefined;
  const output = outputBuffer();
  // The mask source [T, ...]: step t of sample b is masked when all its E values equal maskValue.
  const E = c.maskValue === undefined ? 0 : step.inputShapes[1].reduce((a, d) => a * d, 1) / T;
  return ([x, source], batch) => {
    const out = output(batch * step.outputSize);
    for (let b = 0; b < batch; b++) {
      const masked = source && ((t: number) => {
        for (let e = (b * T + t) * E, end = e + E; e < end; e++) if (source[e] !== c.maskValue) return false;
        return true;
      });
      passes.forEach((run, p) => {
        // Every step's state goes to its row: the first pass's in reading order (tfjs's rnn), the
        // second's reversed (tfjs's Bidirectional: back to the steps' order); else only the last.
        let s = 0;
        run(x, b * T * n, (h) => {
          const row = c.returnSequences ? (p === 1 ? T - 1 - s : s) : 0;
          s++;
          if (!c.returnSequences && s < T) return;
          const at = b * step.outputSize + row * width + (c.merge === 'concat' ? p * u : 0);
          if (p === 0 || !combine) out.set(h, at);
          else for (let j = 0; j < u; j++) out[at + j] = combine(out[at + j], Math.fround(h[j]));
        }, masked);
      });
    }
    return out;
  };
}
