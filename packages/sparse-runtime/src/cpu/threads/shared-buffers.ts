/**
 * The shared input and output memory of a threaded model's runs, kept from one run to the next.
 * Fresh memory is paid for in page faults when first written: on the 2-core test machines a new
 * 3 MB `SharedArrayBuffer` filled with a LeNet-300-100 batch of 1,000 cost 14 ms, three times the
 * batch's whole single-threaded run. The buffers only grow; a run that starts while another holds
 * them gets fresh ones of its own.
 */

/** Views of shared memory for one run; `release()` hands them back when the run has read its output. */
export interface SharedRun {
  readonly x: Float32Array;
  readonly y: Float32Array;
  release(): void;
}

/** Grow-only shared buffers for the runs of one threaded model. */
export class SharedBuffers {
  private input = new Float32Array(new SharedArrayBuffer(0));
  private output = new Float32Array(new SharedArrayBuffer(0));
  private busy = false;

  /** Views of `inFloats` and `outFloats` floats of shared memory. */
  acquire(inFloats: number, outFloats: number): SharedRun {
    const fresh = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    if (this.busy) return { x: fresh(inFloats), y: fresh(outFloats), release: () => {} };
    this.busy = true;
    if (this.input.length < inFloats) this.input = fresh(inFloats);
    if (this.output.length < outFloats) this.output = fresh(outFloats);
    return {
      x: this.input.subarray(0, inFloats),
      y: this.output.subarray(0, outFloats),
      release: () => {
        this.busy = false;
      },
    };
  }
}
