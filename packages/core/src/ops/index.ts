/** The op table and the graph checks built on it. */
export { OPS, OPSET, OP_KINDS, opSpec } from './table.js';
export { LAYER_ACTIVATIONS, NODE_ACTIVATIONS, V1_ACTIVATIONS, activationParams, type ActivationParams } from './activation.js';
export { requiredOpset } from './opset.js';
export { layerNormRowSize } from './batch-norm.js';
export { UNIT_NORM_EPSILON } from './unit-norm.js';
export { checkGraph, GRAPH_LIMITS, type CheckGraphOptions, type ResolvedGraph, type ResolvedNode, type TopologyInput } from './check-graph.js';
export { validateModel } from './validate-model.js';
export { windowAxis, sizeOfShape, sampleAxis, type OpSpec, type OpSite, type Shape } from './op-spec.js';
export { transposeAxis } from './conv-transpose.js';
export { DOT_NORM_EPSILON, dotGeometry, type DotGeometry, type DotOperand } from './dot.js';
export { preluAlphaShape } from './prelu.js';
export { aspectRatioCrop, aspectRatioPad, resizingAxis } from './resizing-axis.js';
export { CELL_ACTIVATIONS, RECURRENT_GATES, RECURRENT_MERGES, recurrentPasses } from './recurrent.js';
export { MAX_EXTENT, type ValidationCode } from './config-reader.js';
