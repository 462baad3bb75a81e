/** `groupNorm`: group normalisation over the last axis (Keras' `GroupNormalization`, op set 3). */
import { fail, MAX_EXTENT } from './config-reader.js';
import { defineOp } from './op-spec.js';

export const groupNormOp = defineOp<'groupNorm'>({
  kind: 'groupNorm',
  since: 3,
  arity: [1, 1],
  // epsilon above 0, as layerNorm's: a constant group has variance 0.
  read: (r) => ({ kind: 'groupNorm', groups: r.int('groups', 1, MAX_EXTENT), epsilon: r.num('epsilon', 1e-12, 1e6), center: r.bool('center'), scale: r.bool('scale') }),
  outputShape(c, [input], site) {
    const channels = input[input.length - 1];
    if (channels === undefined || channels % c.groups !== 0) fail(site.code, site.where, `groups ${c.groups} do not divide the ${channels ?? 'missing'} channels of the last axis`);
    return input;
  },
  params(c, [input]) {
    const channels = [input[input.length - 1]];
    return { ...(c.scale ? { gamma: channels } : {}), ...(c.center ? { beta: channels } : {}) };
  },
});
