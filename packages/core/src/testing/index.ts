/** `@dc/core/testing`: the stage contract suite and small fixtures, for built-in and third-party stages. Needs vitest. */
export { runStageContract, snapshot, type StageContractFixture, type StageContractOptions } from './stage-contract.js';
export { tinyDenseModel, tinyTextModel, tinyConvModel, tinyGraphModel, clusteredTinyModel, syntheticImageSet } from './fixtures.js';
export { withRandomParams, type TopologySpec } from './random-params.js';
export { readParamCache, writeParamCache } from './param-cache.js';
export { lenet300100 } from './lenet.js';
export { miniFaceNet } from './face-net.js';
export { miniEfficientNet } from './efficient-net.js';
export { uncompressedModel } from './uncompressed.js';
export { thrownErrorCode, thrownError, rejectedError } from './error-code.js';
export { constantCoder } from './constant-coder.js';
export { splitContainer, joinContainer, serialiseHeader, resealSections, forgeDeflatedHeader, type SplitContainer, type JoinContainerOptions } from './forge-container.js';
export { deflateBomb } from './deflate-bomb.js';
export { randomCodedModel, expectDecodedExactly, type RandomLayerSpec } from './random-model.js';
export { runStreamCoderContract, type StreamCoderContractOptions } from './stream-coder-contract.js';
export { moduleImports } from './module-imports.js';
export { applyJsonEdits, JSON_EDIT_VALUES, type JsonEdit } from './json-edits.js';
