/** `conv2d` and `depthwiseConv2d`: channels-last convolutions with optional dilation. */
import type { Conv2dConfig, DepthwiseConv2dConfig } from '../ir/model.js';
import { MAX_EXTENT, type ConfigReader } from './config-reader.js';
import { readLayerActivation } from './activation.js';
import { defineOp, expectRank, windowOutput, type OpSite, type Shape } from './op-spec.js';

const ONE: readonly [number, number] = [1, 1];

function readWindow(r: ConfigReader) {
  const kernelSize = r.pair('kernelSize', 1);
  const strides = r.pair('strides', 1);
  const padding = r.oneOf('padding', ['same', 'valid'] as const);
  const dilationRate = r.has('dilationRate') ? r.pair('dilationRate', 1) : undefined;
  if (dilationRate && Math.max(...strides) > 1 && Math.max(...dilationRate) > 1) r.fail('strides and dilationRate cannot both be above 1 (as in tfjs)');
  return { kernelSize, strides, padding, ...(dilationRate ? { dilationRate } : {}) };
}

function convOutput(c: Conv2dConfig | DepthwiseConv2dConfig, input: Shape, channels: number, site: OpSite): Shape {
  expectRank(input, 3, site, c.kind);
  return [...windowOutput(input, c.kernelSize, c.strides, c.padding, c.dilationRate ?? ONE, site), channels];
}

export const conv2dOp = defineOp<'conv2d'>({
  kind: 'conv2d',
  since: 1,
  arity: [1, 1],
  read: (r) => ({ kind: 'conv2d', filters: r.int('filters', 1, MAX_EXTENT), ...readWindow(r), activation: readLayerActivation(r), useBias: r.bool('useBias') }),
  outputShape: (c, [input], site) => convOutput(c, input, c.filters, site),
  params: (c, [input]) => ({ kernel: [c.kernelSize[0], c.kernelSize[1], input[2], c.filters], ...(c.useBias ? { bias: [c.filters] } : {}) }),
});

export const depthwiseConv2dOp = defineOp<'depthwiseConv2d'>({
  kind: 'depthwiseConv2d',
  since: 2,
  arity: [1, 1],
  read: (r) => ({
    kind: 'depthwiseConv2d',
    ...readWindow(r),
    depthMultiplier: r.int('depthMultiplier', 1, MAX_EXTENT),
    activation: readLayerActivation(r),
    useBias: r.bool('useBias'),
  }),
  outputShape: (c, [input], site) => convOutput(c, input, input[2] * c.depthMultiplier, site),
  params: (c, [input]) => ({
    kernel: [c.kernelSize[0], c.kernelSize[1], input[2], c.depthMultiplier],
    ...(c.useBias ? { bias: [input[2] * c.depthMultiplier] } : {}),
  }),
});
