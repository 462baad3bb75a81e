import { callKernel, type KernelArgs, type Tfjs, type TensorInfo, type WasmBackend, type WasmKernelFunc } from './wasm-backend.js';

/** The reference count of the wasm backend (its `Reshape` uses it the same way). */
interface CountingBackend extends WasmBackend {
  incRef(dataId: object): void;
}

/**
 * `Identity` for the wasm backend, replacing (on request) the stock kernel, which copies the whole
 * tensor. tfjs clones every tensor a gradient needs later (`saveTensorsForBackwardMode`) through
 * `Identity`, so in training each step copied its activations once more (~4 ms of a LeNet-5
 * step). This one shares the data and counts a reference, as the cpu and webgl backends' `Identity`
 * and the wasm backend's own `Reshape` do: no wasm kernel writes into its inputs. Strings, and a
 * backend without reference counts, go to the stock kernel.
 */
export function createIdentity(_tfjs: Tfjs, original: WasmKernelFunc): WasmKernelFunc {
  return function identity(args: KernelArgs): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const counting = backend as Partial<CountingBackend>;
    if (x.dtype === 'string' || typeof counting.incRef !== 'function') return callKernel(original, backend, inputs, attrs);
    counting.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
