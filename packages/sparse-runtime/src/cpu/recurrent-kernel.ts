/**
 * `recurrent` (SimpleRNN, LSTM, GRU) step by step, as tfjs computes them (gate order and formulas:
 * core's `RecurrentConfig`), state zero before the first step. The input products `x·K` of every
 * step come first, then each step adds `h·R`; both kernels are read as sparse rows (codes looked up
 * in the codebook), so pruned weights cost nothing. Sums in float64, the state kept in float64
 * between steps.
 */
import { activationParams, RECURRENT_GATES, type Activation, type RecurrentConfig } from '@dc/core';
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

export function recurrentKernel(step: PlanStep, ctx: CpuPrepareContext): CpuKernel {
  const c = step.config as RecurrentConfig;
  const [T, n] = step.inputShapes[0];
  const u = c.units;
  const G = RECURRENT_GATES[c.cell] * u;
  const kernel = ctx.rows.get(step.index)!;
  const recurrent = toSparseRows(step.params.recurrentKernel!);
  // GRU: the z and r gates take h·R directly, the candidate takes (r·h)·R.
  const gatesR = c.cell === 'gru' ? columnRange(recurrent, 0, 2 * u) : recurrent;
  const candidateR = c.cell === 'gru' ? columnRange(recurrent, 2 * u, G) : recurrent;
  const bias = step.params.bias ?? new Float32Array(G);
  const fn = (a: Activation) => elementwise(activationParams(a)) ?? ((v: number) => v); // linear: null
  const act = fn(c.activation);
  const gate = c.recurrentActivation ? fn(c.recurrentActivation) : act;
  const output = outputBuffer();
  const xk = new Float64Array(T * G);
  const z = new Float64Array(G);
  const h = new Float64Array(u);
  const cell = new Float64Array(u);
  const rh = new Float64Array(u);
  const candidate = new Float64Array(u);
  return ([x], batch) => {
    const out = output(batch * step.outputSize);
    for (let b = 0; b < batch; b++) {
      xk.fill(0);
      for (let t = 0; t < T; t++) addProduct(xk, t * G, x, (b * T + t) * n, kernel);
      h.fill(0);
      cell.fill(0);
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < G; j++) z[j] = xk[t * G + j] + bias[j];
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
        if (c.returnSequences) out.set(h, (b * T + t) * u);
      }
      if (!c.returnSequences) out.set(h, b * u);
    }
    return out;
  };
}
