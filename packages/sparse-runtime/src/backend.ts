/**
 * The backend contract. A backend is an explicit object made by a factory
 * (`createCpuBackend()`, `await createTfjsBackend()`, `await createWebGpuBackend()`); nothing
 * registers itself at import time. A backend turns a {@link LoadedModel} into a
 * {@link PreparedModel} once (building sparse structures, uploading buffers), and the prepared
 * model runs batches.
 */
import type { LoadedModel } from './model/loaded-model.js';

/** A compute backend for compressed models. */
export interface RuntimeBackend {
  /** A short name for reports and errors: `cpu`, `tfjs-wasm`, `tfjs-tensorflow`, `webgpu`, ... */
  readonly name: string;
  /**
   * Builds everything the backend needs to run `model` (once, at load): sparse structures,
   * device buffers, compiled pipelines. The compressed tensors of `model` must not be mutated.
   */
  prepare(model: LoadedModel): Promise<PreparedModel>;
  /** Releases what the backend itself holds (devices, pools). Prepared models are disposed separately. */
  dispose?(): void;
}

/** A model compiled for one backend. */
export interface PreparedModel {
  /**
   * Runs `batchSize` samples. `input` holds `batchSize × model.inputSize` float32 values, row-major
   * with channels last (NHWC for images); the result holds `batchSize × model.outputSize` values.
   * `input` is not mutated and the result is a fresh array the caller owns.
   */
  run(input: Float32Array, batchSize: number): Promise<Float32Array>;
  /** Releases buffers and tensors; `run` must not be called afterwards. */
  dispose(): void;
}

/** Something that makes a backend; may throw `BACKEND_UNAVAILABLE`. */
export type BackendFactory = () => RuntimeBackend | Promise<RuntimeBackend>;

/** A factory with a name for {@link chooseBackend}'s failure report. */
export interface NamedBackendFactory {
  readonly name: string;
  readonly create: BackendFactory;
}
