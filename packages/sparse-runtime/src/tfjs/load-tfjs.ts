/**
 * The runtime loads TensorFlow.js with `@dc/core/tfjs`'s loader, the one the trainer uses too:
 * the first of `@tensorflow/tfjs-node-gpu` (CUDA), `@tensorflow/tfjs-node` (native CPU) and
 * `@tensorflow/tfjs` that loads, a native package only where its binding exists (so nothing
 * floods the console). Each is imported lazily, so none is a hard dependency.
 */
import type * as tfTypes from '@tensorflow/tfjs';

export { importTfjs, activateTfBackend, type TfjsImportFailure } from '@dc/core/tfjs';

/** The TensorFlow.js namespace. */
export type Tf = typeof tfTypes;
