/** `batchNorm`: batch normalisation in inference form over the last axis. */
import { defineOp } from './op-spec.js';

export const batchNormOp = defineOp<'batchNorm'>({
  kind: 'batchNorm',
  since: 2,
  arity: [1, 1],
  read: (r) => ({ kind: 'batchNorm', epsilon: r.num('epsilon', 0, 1e6), center: r.bool('center'), scale: r.bool('scale') }),
  outputShape: (_c, [input]) => input,
  params(c, [input]) {
    const channels = [input[input.length - 1] ?? 1];
    return { ...(c.scale ? { gamma: channels } : {}), ...(c.center ? { beta: channels } : {}), movingMean: channels, movingVariance: channels };
  },
});
