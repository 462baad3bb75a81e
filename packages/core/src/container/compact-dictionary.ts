/**
 * The preset DEFLATE dictionary of compact (version 3) headers: text that model and provenance
 * JSON usually holds, so that a deflated header can refer back to it instead of spelling it out
 * (a LeNet header shrinks by half). Fixed by the format: docs/format.md §2.9 gives these exact
 * bytes (a test checks), and changing them needs a new format version.
 */

const PARTS = [
  // Provenance: stage names and the options of the built-in stages.
  '"stages":[{"name":"dc:prune","options":{"sparsity":{},"pruneBiases":false,"rounds":1,"schedule":{"kind":"polynomial","initial":0,"power":3},"retrain":{"epochs":2,"learningRate":0.001},"evaluate":true}},',
  '{"name":"dc:cluster","options":{"bits":{"conv2d":8,"dense":5},"layerBits":{},"exclude":[],"includeBiases":false,"init":"linear","algorithm":"lloyd-1d","emptyClusters":"drop","maxIterations":300,"epochs":1,"learningRate":0.0001,"centroidLearningRate":0.0001,"centroidMomentum":0.9,"evaluate":true}},',
  '{"name":"dc:huffman","options":{"gapBits":"auto","layout":"auto","floatFormat":"float32","order":"auto","huffman":true}},',
  '{"name":"dc:encode","options":{"coders":["huffman","rans"],"gapBits":"auto","layout":"auto","floatFormat":"float16","codebookFormat":"float16","order":"auto","header":"compact","provenance":true}}]',
  // Node kinds and their fields.
  '"depthwiseConv2d","depthMultiplier":1,"batchNorm","epsilon":0.001,"center":true,"scale":true,"globalAvgPool2d","globalMaxPool2d","avgPool2d",',
  '"zeroPadding2d","cropping2d","amounts":[[0,0],[0,0]],"reshape","targetShape":[-1],"permute","dims":[2,1],"dropout","rate":0.5,',
  '"add","subtract","multiply","average","maximum","minimum","concatenate","axis":-1,"inputs":["',
  '"activation":"sigmoid","tanh","relu6","elu","selu","gelu","swish","softplus","leakyRelu","alpha":0.3,"maxValue":6,',
  '{"name":"pool1","config":{"kind":"maxPool2d","poolSize":[2,2],"strides":[2,2],"padding":"valid"}},{"name":"flatten","config":{"kind":"flatten"}},',
  '{"name":"conv1","config":{"kind":"conv2d","filters":32,"kernelSize":[3,3],"strides":[1,1],"padding":"same","dilationRate":[1,1],"activation":"linear","useBias":true}},',
  '{"name":"dense_1","config":{"kind":"dense","units":10,"activation":"softmax","useBias":true}},{"name":"ip1","config":{"kind":"dense","units":100,"activation":"relu","useBias":true}}',
  // The model's frame, and the built-in coders' decoder modules.
  '],"preprocessing":{"scale":[0.00392156862745098],"offset":[0]}}',
  '{"opset":2,"model":{"name":"lenet","inputShape":[28,28,1],"inputName":"input","layers":[',
  'huffman@dc/huffman/decoderans@dc/rans/decode',
];

/** The dictionary's bytes (UTF-8; ASCII only). */
export const COMPACT_HEADER_DICTIONARY: Uint8Array = new TextEncoder().encode(PARTS.join(''));
