/** Pooling: windowed max/average and global max/average over height and width. */
import type { GlobalPool2dConfig, Pool2dConfig } from '../ir/model.js';
import { expectRank, windowOutput, type OpSpec } from './op-spec.js';

const ONE: readonly [number, number] = [1, 1];

function pool2d(kind: Pool2dConfig['kind']): OpSpec<Pool2dConfig> {
  return {
    kind,
    since: 1,
    arity: [1, 1],
    read: (r) => ({ kind, poolSize: r.pair('poolSize', 1), strides: r.pair('strides', 1), padding: r.oneOf('padding', ['same', 'valid'] as const) }),
    outputShape(c, [input], site) {
      expectRank(input, 3, site, c.kind);
      return [...windowOutput(input, c.poolSize, c.strides, c.padding, ONE, site), input[2]];
    },
    params: () => ({}),
  };
}

function globalPool2d(kind: GlobalPool2dConfig['kind']): OpSpec<GlobalPool2dConfig> {
  return {
    kind,
    since: 2,
    arity: [1, 1],
    read: () => ({ kind }),
    outputShape(c, [input], site) {
      expectRank(input, 3, site, c.kind);
      return [input[2]];
    },
    params: () => ({}),
  };
}

export const maxPool2dOp = pool2d('maxPool2d');
export const avgPool2dOp = pool2d('avgPool2d');
export const globalAvgPool2dOp = globalPool2d('globalAvgPool2d');
export const globalMaxPool2dOp = globalPool2d('globalMaxPool2d');
