/** Random convolution geometries for property tests against tfjs's conv2d (tests only). */
import fc from 'fast-check';
import type { ConvGeometry } from './bias-links.js';

/** Geometries of kernels up to `kernel`, strides up to `stride`, dilations up to 2 and explicit padding up to `pad`. */
export function convGeometry(kernel: number, stride: number, pad: number): fc.Arbitrary<ConvGeometry> {
  return fc.record({
    kernel: fc.tuple(fc.integer({ min: 1, max: kernel }), fc.integer({ min: 1, max: kernel })),
    strides: fc.tuple(fc.integer({ min: 1, max: stride }), fc.integer({ min: 1, max: stride })),
    dilations: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.oneof(fc.constant('SAME' as const), fc.constant('VALID' as const), fc.tuple(fc.nat(pad), fc.nat(pad), fc.nat(pad), fc.nat(pad))),
  });
}

/**
 * Whether tfjs runs `g` on a `height × width` input: not strides > 1 together with dilations > 1
 * (tfjs refuses them, as TensorFlow does), and a VALID kernel span within the input.
 */
export function tfjsRuns(g: ConvGeometry, height: number, width: number): boolean {
  const span = (k: number, d: number) => (k - 1) * d + 1;
  return (Math.max(...g.strides) === 1 || Math.max(...g.dilations) === 1) && (g.padding !== 'VALID' || (span(g.kernel[0], g.dilations[0]) <= height && span(g.kernel[1], g.dilations[1]) <= width));
}

/** `g.padding` as tfjs's conv2d takes it. */
export function tfjsPadding(g: ConvGeometry): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  return typeof g.padding === 'string' ? (g.padding.toLowerCase() as 'same' | 'valid') : [[0, 0], [g.padding[0], g.padding[1]], [g.padding[2], g.padding[3]], [0, 0]];
}
