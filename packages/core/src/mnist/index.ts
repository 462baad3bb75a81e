/** `@dc/core/mnist`: real MNIST (and IDX-format data sets such as Fashion-MNIST) as typed arrays. Node only. */
export { parseIdx, type IdxArray } from './idx.js';
export { loadMnist, readIdxSplit, type LoadMnistOptions } from './load.js';
export { sliceSet, labelCounts, type ImageSet, type ImageDataset } from './dataset.js';
