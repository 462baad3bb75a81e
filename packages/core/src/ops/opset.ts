/** The op set a topology needs: what a writer records and a reader checks against the file's claim. */
import type { LayerTopology } from '../compressed.js';
import { V1_ACTIVATIONS } from './activation.js';
import { opSpec } from './table.js';

/** The lowest op set that has every kind, field and activation `layers` use. */
export function requiredOpset(model: { readonly inputName?: string; readonly layers: readonly LayerTopology[] }): number {
  let opset = 1;
  if (model.inputName !== undefined) opset = 2;
  for (const l of model.layers) {
    const c = l.config as unknown as Record<string, unknown>;
    opset = Math.max(opset, opSpec(c.kind)?.since ?? 1);
    const v2Fields = l.inputs !== undefined || ['dilationRate', 'alpha', 'maxValue', 'axis', 'variant'].some((f) => c[f] !== undefined);
    if (v2Fields || (typeof c.activation === 'string' && !(V1_ACTIVATIONS as readonly string[]).includes(c.activation))) opset = Math.max(opset, 2);
    if ((c.kind === 'dropout' && c.sharedAxes !== undefined) || (c.kind === 'batchNorm' && c.fixed !== undefined) || c.activation === 'thresholdedRelu' || c.activation === 'hard_silu') opset = Math.max(opset, 3);
  }
  return opset;
}
