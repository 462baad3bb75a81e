/**
 * `@dc/graph-model/testing`: a small hand-written tfjs GraphModel (conv, depthwise conv, Relu6,
 * Mean, Reshape, MatMul, Softmax; float16- and uint8-quantized weights, int32 constants) written
 * as model.json + weights.bin, for tests of code built on this package. Node only.
 */
export { fixtureFiles, fixtureTopology, writeFixture as writeGraphModelFixture } from './fixture.js';
