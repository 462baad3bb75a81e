/**
 * The demo's browser page, Node side: serve the built page with a model, and the pieces the page
 * shares with Node (digit sample file, MNIST-style preprocessing of drawings).
 */
export { serveDemoPage, DEMO_PAGE_DIR, type ServeDemoPageOptions, type DemoServer } from './serve.js';
export { readMnistTestSample, mnistSampleBytes, SAMPLE_FILE, type MnistSampleOptions } from './mnist-sample.js';
export { encodeDigitSample, decodeDigitSample, digitInput, digitBatch, type DigitSample } from './sample-format.js';
export { preprocessDrawing, type PreprocessOptions } from './preprocess.js';
