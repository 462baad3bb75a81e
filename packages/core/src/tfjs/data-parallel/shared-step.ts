/**
 * The shared memory of data-parallel training between the calling thread and one gradient worker:
 * an `Int32Array` control block (request and completion counters, the rows of this step, a
 * failure flag and message) and a `Float32Array` block (the worker's rows of the batch — integer
 * and boolean targets travel as floats, exact below 2²⁴ — its gradients, its share of the loss). The variables' values travel in one block shared by all
 * workers. Only `Atomics` touch the counters.
 */

/** Slots of the control block. */
export const SEQ = 0;
export const DONE = 1;
export const ROWS = 2;
export const TOTAL = 3;
export const FAILED = 4;
/** Bytes after the five slots that hold a failure message (UTF-8). */
const MESSAGE_AT = 32;
const MESSAGE_BYTES = 1024;
/** Written to SEQ to make a worker leave its loop. */
export const STOP = -1;

/** What both sides agree on when the worker starts. */
export interface StepLayout {
  /** Every variable (trainable or not), in the order of the weights block. */
  readonly keys: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  /** Indexes (into `keys`) of the variables whose gradients are computed, in order. */
  readonly trainable: readonly number[];
  /** One row of the batch's inputs and targets: shape (without the batch axis) and dtype. */
  readonly xRow: readonly number[];
  readonly xDtype: string;
  readonly yRow: readonly number[];
  readonly yDtype: string;
  /** Most rows a worker gets in one step. */
  readonly maxRows: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Offsets (in floats) of one worker's regions, and the weights block's length. */
export function regions(l: StepLayout) {
  const inputSize = size(l.xRow);
  const targetSize = size(l.yRow);
  const weights = l.shapes.map(size);
  const weightOffsets = weights.map((_, i) => weights.slice(0, i).reduce((a, b) => a + b, 0));
  const x = 0;
  const y = x + l.maxRows * inputSize;
  let g = y + l.maxRows * targetSize;
  const grads = l.trainable.map((i) => {
    const at = g;
    g += weights[i];
    return at;
  });
  return { inputSize, targetSize, weights, weightOffsets, weightsLength: weights.reduce((a, b) => a + b, 0), x, y, grads, loss: g, length: g + 1 };
}

/**
 * Blocks until `control[index]` holds `value` (true), or until `timeoutMs` have passed (false).
 * `Atomics.wait` is given the value just compared: reading the slot again for the call (as this
 * code once did) can read the awaited value after the other side's notify went out, and then
 * sleep for a notify that never comes (a training run hung that way).
 */
export function waitForValue(control: Int32Array, index: number, value: number, timeoutMs = Infinity): boolean {
  const deadline = performance.now() + timeoutMs;
  for (let seen = Atomics.load(control, index); seen !== value; seen = Atomics.load(control, index)) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(control, index, seen, left);
  }
  return true;
}

/** A worker's control block. */
export function controlBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(MESSAGE_AT + MESSAGE_BYTES);
}

/** Records a failure in the control block (the calling thread turns it into an error). */
export function writeFailure(control: SharedArrayBuffer, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, MESSAGE_BYTES - 4);
  new Int32Array(control)[MESSAGE_AT / 4] = bytes.length;
  new Uint8Array(control, MESSAGE_AT + 4, bytes.length).set(bytes);
  Atomics.store(new Int32Array(control), FAILED, 1);
}

/** The failure message in the control block, or undefined. */
export function readFailure(control: SharedArrayBuffer): string | undefined {
  const c = new Int32Array(control);
  if (Atomics.load(c, FAILED) === 0) return undefined;
  return new TextDecoder().decode(new Uint8Array(control, MESSAGE_AT + 4, c[MESSAGE_AT / 4]).slice());
}
