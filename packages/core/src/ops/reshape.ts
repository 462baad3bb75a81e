/** Ops that only rearrange or pass data: flatten, reshape, permute, dropout (identity at inference). */
import { fail, MAX_EXTENT } from './config-reader.js';
import { defineOp, sizeOfShape } from './op-spec.js';

export const flattenOp = defineOp<'flatten'>({
  kind: 'flatten',
  since: 1,
  arity: [1, 1],
  read: () => ({ kind: 'flatten' }),
  outputShape: (_c, [input]) => [sizeOfShape(input)],
  params: () => ({}),
});

export const reshapeOp = defineOp<'reshape'>({
  kind: 'reshape',
  since: 1,
  arity: [1, 1],
  read(r) {
    const targetShape = r.ints('targetShape', -1, MAX_EXTENT, 8);
    if (targetShape.filter((d) => d === -1).length > 1 || targetShape.includes(0)) r.fail('must hold positive extents and at most one -1', 'targetShape');
    return { kind: 'reshape', targetShape };
  },
  outputShape(c, [input], site) {
    const target = [...c.targetShape];
    const free = target.indexOf(-1);
    if (free >= 0) target[free] = sizeOfShape(input) / -sizeOfShape(target);
    if (sizeOfShape(target) !== sizeOfShape(input) || !target.every((d) => Number.isInteger(d) && d > 0)) {
      fail(site.code, site.where, `reshape cannot turn [${input.join(', ')}] into [${c.targetShape.join(', ')}]`);
    }
    return target;
  },
  params: () => ({}),
});

export const permuteOp = defineOp<'permute'>({
  kind: 'permute',
  since: 2,
  arity: [1, 1],
  read(r) {
    const dims = r.ints('dims', 1, 8, 8);
    if ([...dims].sort((a, b) => a - b).some((d, i) => d !== i + 1)) r.fail('must be a permutation of 1..rank', 'dims');
    return { kind: 'permute', dims };
  },
  outputShape(c, [input], site) {
    if (c.dims.length !== input.length) fail(site.code, site.where, `permute dims [${c.dims.join(', ')}] do not match a rank-${input.length} input`);
    return c.dims.map((d) => input[d - 1]);
  },
  params: () => ({}),
});

const VARIANTS = ['dropout', 'spatialDropout1d', 'gaussianNoise', 'gaussianDropout', 'alphaDropout'] as const;

export const dropoutOp = defineOp<'dropout'>({
  kind: 'dropout',
  since: 1,
  arity: [1, 1],
  read(r) {
    const rate = r.num('rate', 0, 1e6);
    const variant = r.has('variant') ? r.oneOf('variant', VARIANTS) : undefined;
    if (variant !== 'gaussianNoise' && rate >= 1) r.fail('must be below 1', 'rate');
    const config = variant === undefined ? { kind: 'dropout' as const, rate } : { kind: 'dropout' as const, rate, variant };
    if (!r.has('sharedAxes')) return config;
    if ((variant ?? 'dropout') !== 'dropout') r.fail('is for the dropout variant only', 'sharedAxes');
    const sharedAxes = r.ints('sharedAxes', 0, 8, 9);
    if (sharedAxes.some((a, i) => i > 0 && a <= sharedAxes[i - 1])) r.fail('must be strictly increasing', 'sharedAxes');
    return { ...config, sharedAxes };
  },
  outputShape(c, [input], site) {
    const outside = (c.sharedAxes ?? []).filter((a) => a > input.length);
    if (outside.length > 0) fail(site.code, site.where, `sharedAxes [${outside.join(', ')}] are not axes of a rank-${input.length + 1} input`);
    return input;
  },
  params: () => ({}),
});
