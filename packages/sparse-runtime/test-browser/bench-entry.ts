/**
 * The benchmark page (`pnpm bench --only webgpu-browser`): the test page's API plus
 * `benchAgainstTfjs`, this backend against tfjs-backend-webgpu's dense network on one device (see
 * src/webgpu/bench-tfjs.ts). A page of its own: bundling tfjs takes a minute the tests need not spend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { huffmanDecoder } from '@dc/huffman/decode';
import { loadCompressedModel } from '../src/model/load.js';
import { benchAgainstTfjs } from '../src/webgpu/bench-tfjs.js';
import { fromWire, type WireModel } from '../src/webgpu/testing/wire-model.js';
import { installPageApi } from './page-api.js';

installPageApi({
  async benchAgainstTfjs(wire: WireModel | string, batches: number[], minMs: number) {
    const model = await loadCompressedModel(typeof wire === 'string' ? wire : fromWire(wire), { decoders: [huffmanDecoder] });
    return benchAgainstTfjs(tf, model, { batches, minMs });
  },
});
