/**
 * Recurrent layers (SimpleRNN, LSTM, GRU) in one dispatch: a workgroup per vec4 of samples walks
 * the steps, its 64 threads owning up to 4 units each, the state `h` in workgroup memory between
 * barriers (every thread reads all of `h` before any writes its units), an LSTM's `c` in the
 * owning thread. Kernels float32 `[n, g·units]` and `[units, g·units]`, gates in tfjs's order
 * (core's `RecurrentConfig`). At most {@link MAX_GPU_UNITS} units: the plan refuses more.
 *
 * One program is one pass: `backwards` reads the steps last to first; the output rows are `width`
 * features wide, this pass's units from column `offset`, every step's row in reading order or
 * `reverse`d (a bidirectional node's second pass, as tfjs's `Bidirectional`), and each value is
 * written or merged (`sum`, `mul`, `ave`) into what the first pass left there. A masked node's
 * program also reads its mask source and skips the masked steps of each sample.
 */
import { RECURRENT_GATES, type ActivationParams, type RecurrentCell, type RecurrentMerge } from '@dc/core';
import { activationFns } from './activation.js';
import { unaryBindings, WORKGROUP_SIZE } from './common.js';

/** Units per thread × threads per workgroup: the most units the program holds. */
export const MAX_GPU_UNITS = 4 * WORKGROUP_SIZE;

/** Uniform layout of the recurrent program (u32 each). */
export const RECURRENT_PARAMS = ['total', 'rowStride', 'quads', 'steps', 'features', 'units', 'sequences', 'backwards', 'reverse', 'width', 'offset', 'maskElems', 'maskValue'] as const;

/** WGSL of how a pass puts value `v` where `old` is: written, or merged with the first pass's. */
const PUT: Readonly<Record<'write' | Exclude<RecurrentMerge, 'concat'>, string>> = {
  write: 'v',
  sum: 'old + v',
  mul: 'old * v',
  ave: '0.5 * (old + v)',
};

/** The gate sums of unit `j` at step `t` for gate blocks `from`.. (`count` of them) into `a`. */
function gateSums(count: number, from: number, withState: boolean): string {
  const blocks = Array.from({ length: count }, (_, g) => g);
  return /* wgsl */ `
      ${blocks.map((g) => `var a${g} = vec4f(bias[${from + g}u * p.units + j]);`).join(' ')}
      for (var f = 0u; f < p.features; f++) {
        let xv = x[(ti * p.features + f) * p.quads + q];
        ${blocks.map((g) => `a${g} += xv * kernel[f * G + ${from + g}u * p.units + j];`).join(' ')}
      }
      ${withState ? `for (var m = 0u; m < p.units; m++) {
        let hv = h[m];
        ${blocks.map((g) => `a${g} += hv * recurrent[m * G + ${from + g}u * p.units + j];`).join(' ')}
      }` : ''}`;
}

/** The per-unit update of one step, leaving the new state of the thread's `k`-th unit in `hn[k]`. */
function update(cell: RecurrentCell): string {
  if (cell === 'simpleRnn') return `${gateSums(1, 0, true)}\n      hn[k] = act4(a0);`;
  if (cell === 'lstm') return `${gateSums(4, 0, true)}\n      c[k] = gate4(a1) * c[k] + gate4(a0) * act4(a2);\n      hn[k] = gate4(a3) * act4(c[k]);`;
  // GRU, first half: the update gate (kept in c[k]), the reset gate's r·h shared, the candidate's input part in hn[k].
  return `${gateSums(2, 0, true)}\n      c[k] = gate4(a0);\n      rh[j] = gate4(a1) * h[j];\n${gateSums(1, 2, false).replace(/a0/g, 'ah')}\n      hn[k] = ah;`;
}

/**
 * A reset-after GRU's whole step (Keras' default): its bias is `[2, G]` (`b` then `b'`), and the
 * reset gate scales the candidate's recurrent sum `h·R_h + b'_h`, so every sum reads the old `h`.
 */
function resetAfterUpdate(): string {
  return /* wgsl */ `
      var az = vec4f(bias[j] + bias[G + j]);
      var ar = vec4f(bias[p.units + j] + bias[G + p.units + j]);
      var ah = vec4f(bias[2u * p.units + j]);
      var rr = vec4f(bias[G + 2u * p.units + j]);
      for (var f = 0u; f < p.features; f++) {
        let xv = x[(ti * p.features + f) * p.quads + q];
        az += xv * kernel[f * G + j]; ar += xv * kernel[f * G + p.units + j]; ah += xv * kernel[f * G + 2u * p.units + j];
      }
      for (var m = 0u; m < p.units; m++) {
        let hv = h[m];
        az += hv * recurrent[m * G + j]; ar += hv * recurrent[m * G + p.units + j]; rr += hv * recurrent[m * G + 2u * p.units + j];
      }
      let zg = gate4(az);
      hn[k] = zg * h[j] + (vec4f(1.0) - zg) * act4(ah + gate4(ar) * rr);`;
}

/**
 * WGSL of one pass of a recurrent layer of `cell`, `act` its activation and `gate` its gates' (σ),
 * putting its outputs by `put`. `masked`: the node's second input (binding 2, `maskElems` values a
 * step) masks the steps whose values all equal `maskValue`: there each sample keeps `h` (and an
 * LSTM's `c`) and emits `h` again, as tfjs's `rnn()`. `resetAfter`: a GRU's reset gate after the
 * product (its bias `[2, G]`).
 */
export function recurrentShader(cell: RecurrentCell, act: ActivationParams, gate: ActivationParams, put: keyof typeof PUT = 'write', masked = false, resetAfter = false): string {
  const b = masked
    ? { decl: ['x', 'mask', 'kernel', 'recurrent', 'bias'].map((n, i) => `@group(0) @binding(${i + 1}) var<storage, read> ${n}: array<${i < 2 ? 'vec4f' : 'f32'}>;`).join('\n') + '\n@group(0) @binding(6) var<storage, read_write> y: array<vec4f>;' }
    : unaryBindings(false, ['kernel', 'recurrent', 'bias']);
  const keep = masked
    ? `var keep = vec4<bool>(false);
    for (var e = 0u; e < p.maskElems; e++) { keep = keep | (mask[(ti * p.maskElems + e) * p.quads + q] != vec4f(bitcast<f32>(p.maskValue))); }`
    : 'let keep = vec4<bool>(true);';
  const gates = RECURRENT_GATES[cell];
  const owned = `for (var k = 0u; k < 4u; k++) {
      let j = l + ${WORKGROUP_SIZE}u * k;
      if (j >= p.units || !inside) { continue; }`;
  return /* wgsl */ `
struct Params { total: u32, rowStride: u32, quads: u32, steps: u32, features: u32, units: u32, sequences: u32, backwards: u32, reverse: u32, width: u32, offset: u32, maskElems: u32, maskValue: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${b.decl}
${activationFns({ act, gate })}
fn act4(v: vec4f) -> vec4f { return vec4f(act(v.x), act(v.y), act(v.z), act(v.w)); }
fn gate4(v: vec4f) -> vec4f { return vec4f(gate(v.x), gate(v.y), gate(v.z), gate(v.w)); }
fn put(i: u32, v: vec4f) { let old = y[i]; y[i] = ${PUT[put]}; }
var<workgroup> h: array<vec4f, ${MAX_GPU_UNITS}>;
var<workgroup> rh: array<vec4f, ${MAX_GPU_UNITS}>;
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let q = wg.x + wg.y * (p.rowStride / ${WORKGROUP_SIZE}u);
  let inside = q < p.quads;
  let l = lid.x;
  let G = ${gates}u * p.units;
  var c: array<vec4f, 4>;
  var hn: array<vec4f, 4>;
  for (var k = 0u; k < 4u; k++) { c[k] = vec4f(0.0); let j = l + ${WORKGROUP_SIZE}u * k; if (j < p.units) { h[j] = vec4f(0.0); } }
  workgroupBarrier();
  for (var t = 0u; t < p.steps; t++) {
    let ti = select(t, p.steps - 1u - t, p.backwards == 1u);
    let row = select(t, p.steps - 1u - t, p.reverse == 1u);
    ${keep}
    ${owned}
      let cPrev = c[k];
${resetAfter ? resetAfterUpdate() : update(cell)}${cell === 'lstm' ? '\n      c[k] = select(cPrev, c[k], keep);' : ''}
    }
    workgroupBarrier();
    ${owned}${cell === 'gru' && !resetAfter ? `
      var cand = hn[k];
      for (var m = 0u; m < p.units; m++) { cand += rh[m] * recurrent[m * G + 2u * p.units + j]; }
      hn[k] = c[k] * h[j] + (vec4f(1.0) - c[k]) * act4(cand);` : ''}
      h[j] = select(h[j], hn[k], keep);
      if (p.sequences == 1u) { put((row * p.width + p.offset + j) * p.quads + q, h[j]); }
    }
    workgroupBarrier();
  }
  if (p.sequences == 0u) {
    ${owned}
      put((p.offset + j) * p.quads + q, h[j]);
    }
  }
}`;
}
