/**
 * Brings the WebGPU type declarations (`GPUDevice`, `navigator.gpu`, ...) into the compilation.
 * They come from `@webgpu/types` through the `webgpu` (Dawn for Node) development dependency.
 */
/// <reference types="webgpu" />
export {};
