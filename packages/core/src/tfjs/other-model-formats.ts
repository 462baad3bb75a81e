/**
 * Model files that are not a tfjs model.json but are often given for one: Keras' HDF5 (`.h5`) and
 * Keras 3 (`.keras`, a zip) files, TensorFlow Lite flatbuffers and SavedModel folders, recognised by
 * their first bytes (or a folder's `saved_model.pb`), so that the refusal says how to convert them;
 * and a `.dcm` file, already compressed.
 */
import { MAGIC } from '../container/header.js';

/** A format recognised, and the hint: how tensorflowjs_converter makes a model.json of it. */
export interface OtherModelFormat {
  readonly name: string;
  readonly hint: string;
}

const KERAS_H5: OtherModelFormat = { name: 'a Keras HDF5 model (.h5)', hint: 'Convert it first: tensorflowjs_converter --input_format keras model.h5 out/, then pass out/model.json.' };
const KERAS_V3: OtherModelFormat = { name: 'a Keras 3 model (.keras, a zip archive)', hint: 'Convert it first: tensorflowjs_converter --input_format keras_keras model.keras out/, then pass out/model.json.' };
const TFLITE: OtherModelFormat = { name: 'a TensorFlow Lite model (.tflite)', hint: 'A .tflite file does not convert to tfjs: convert the TensorFlow model it was made from (tensorflowjs_converter --input_format tf_saved_model saved_model/ out/), then pass out/model.json.' };
const DCM: OtherModelFormat = { name: 'a .dcm file (already compressed)', hint: 'Run it with dc run, or read it with dc inspect; dc export writes the model.json it holds (its weights decoded), which dc compress takes.' };
export const SAVED_MODEL: OtherModelFormat = { name: 'a TensorFlow SavedModel folder', hint: 'Convert it first: tensorflowjs_converter --input_format tf_saved_model saved_model/ out/, then pass out/model.json.' };

/** The format of a file whose first bytes are `head`, if it is one of those above. */
export function otherModelFormat(head: Uint8Array): OtherModelFormat | undefined {
  const starts = (bytes: readonly number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return KERAS_H5;
  if (starts([0x50, 0x4b, 0x03, 0x04])) return KERAS_V3;
  if (starts([0x54, 0x46, 0x4c, 0x33], 4)) return TFLITE;
  if (starts(MAGIC)) return DCM;
  return undefined;
}
