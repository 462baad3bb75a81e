import type * as tf from '@tensorflow/tfjs';
import { paramKey } from '../ir/params.js';
import { isBidirectional, passOf } from './bidirectional.js';
import { paramOfWeight } from './weight-names.js';

/** How a `Bidirectional` layer's two variables of one parameter are keyed apart: `<layer>/<param>#backward`. */
const PASS_SUFFIX = ['#forward', '#backward'] as const;

/**
 * The trainable variables of a tfjs model keyed as the IR keys parameters (`<layer>/kernel`,
 * `<layer>/bias`, `<layer>/gamma`, ...). Batch-norm moving statistics are not trainable and not
 * listed (training updates them itself). A `Bidirectional` layer's forward and backward variables
 * of a parameter are `<key>#forward` and `<key>#backward`: {@link stackedView} joins them into the
 * IR's stacked parameter for the training hooks.
 */
export function variablesByKey(lm: tf.LayersModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const layer of lm.layers) {
    const half = layer.trainableWeights.length / 2;
    layer.trainableWeights.forEach((w, i) => {
      const param = paramOfWeight(w.originalName);
      if (param) out[paramKey(layer.name, param) + (isBidirectional(layer) ? PASS_SUFFIX[i < half ? 0 : 1] : '')] = w.read() as tf.Variable;
    });
  }
  return out;
}

/**
 * The variables that hold IR parameter `key`, each with its part of `values` (the parameter's
 * values as the IR holds them): its own variable, or a `Bidirectional` layer's two, each taking
 * its pass's half of the last axis. Empty when `vars` holds no such parameter.
 */
export function variablesOfParam(vars: Readonly<Record<string, tf.Variable>>, key: string, values: Float32Array): [tf.Variable, Float32Array][] {
  if (vars[key]) return [[vars[key], values]];
  const passes = PASS_SUFFIX.map((suffix) => vars[key + suffix]);
  if (passes.some((v) => v === undefined)) return [];
  const shape = [...passes[0].shape.slice(0, -1), 2 * passes[0].shape[passes[0].shape.length - 1]];
  return passes.map((v, p) => [v, passOf({ shape, values }, p as 0 | 1).values]);
}

/** The IR key of a variable key (a bidirectional pass's suffix dropped). */
export function irKeyOf(key: string): string {
  return key.replace(/#(forward|backward)$/, '');
}

/**
 * The variables as the hooks see them, by IR key: a bidirectional parameter is one variable of
 * both passes stacked along the last axis (kept in step with the two real ones by `pull` before
 * the hooks and `push` after), every other parameter its own variable.
 */
export function stackedView(tfjs: typeof tf, vars: Readonly<Record<string, tf.Variable>>) {
  const view: Record<string, tf.Variable> = {};
  const pairs: [tf.Variable, tf.Variable, tf.Variable][] = [];
  for (const [key, v] of Object.entries(vars)) {
    if (!key.endsWith(PASS_SUFFIX[0])) {
      if (!key.endsWith(PASS_SUFFIX[1])) view[key] = v;
      continue;
    }
    const backward = vars[irKeyOf(key) + PASS_SUFFIX[1]];
    const stacked = tfjs.variable(tfjs.concat([v, backward], -1), false);
    view[irKeyOf(key)] = stacked;
    pairs.push([stacked, v, backward]);
  }
  return {
    vars: view,
    /** Gradients (or any tensors) by variable key → by IR key, the passes stacked. */
    join(byKey: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
      const out: Record<string, tf.Tensor> = {};
      for (const [key, t] of Object.entries(byKey)) {
        if (key.endsWith(PASS_SUFFIX[0])) out[irKeyOf(key)] = tfjs.concat([t, byKey[irKeyOf(key) + PASS_SUFFIX[1]]], -1);
        else if (!key.endsWith(PASS_SUFFIX[1])) out[key] = t;
      }
      return out;
    },
    /** The reverse of `join`: each stacked tensor split back into its passes' keys. */
    split(byIrKey: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
      const out: Record<string, tf.Tensor> = {};
      for (const [key, t] of Object.entries(byIrKey)) {
        if (vars[key]) out[key] = t;
        else [out[key + PASS_SUFFIX[0]], out[key + PASS_SUFFIX[1]]] = tfjs.split(t, 2, -1);
      }
      return out;
    },
    pull(): void {
      for (const [stacked, f, b] of pairs) tfjs.tidy(() => stacked.assign(tfjs.concat([f, b], -1)));
    },
    push(): void {
      for (const [stacked, f, b] of pairs) tfjs.tidy(() => tfjs.split(stacked, 2, -1).forEach((half, i) => (i === 0 ? f : b).assign(half)));
    },
    dispose(): void {
      for (const [stacked] of pairs) stacked.dispose();
    },
  };
}
