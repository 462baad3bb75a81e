/**
 * The one TensorFlow.js loader, used by the training backend choice and by the sparse runtime's
 * tfjs backend: imports the first tfjs package of a list that loads, and activates a tfjs
 * backend. Every package is imported lazily, so none is a hard dependency.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';

/** The tfjs packages tried by default, fastest first. */
export const TFJS_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs'] as const;

/** A package that was tried and failed, with why. */
export interface TfjsImportFailure {
  readonly name: string;
  readonly message: string;
}

/** What {@link importTfjs} loaded. */
export interface ImportedTfjs {
  /** The tfjs namespace (tfjs-node's own when a native package loaded). */
  readonly tf: typeof tf;
  /** The package it came from. */
  readonly from: string;
  /** Packages tried before it that failed, with why. */
  readonly failures: TfjsImportFailure[];
}

/** Packages that need a native binding their install script downloads. */
const NATIVE = new Set<string>(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);

/**
 * Imports the first package of `candidates` that loads and exports the tfjs API (see
 * {@link importTfjsPackage}). Sets no backend. Throws `BACKEND_UNAVAILABLE` listing every
 * failure when none loads.
 */
export async function importTfjs(candidates: readonly string[] = TFJS_PACKAGES): Promise<ImportedTfjs> {
  const failures: TfjsImportFailure[] = [];
  for (const name of candidates) {
    try {
      return { tf: await importTfjsPackage(name), from: name, failures };
    } catch (e) {
      failures.push({ name, message: firstLine(e) });
    }
  }
  throw new DcError('BACKEND_UNAVAILABLE', `no TensorFlow.js package could be loaded (${failures.map((f) => `${f.name}: ${f.message}`).join('; ')})`, {
    hint: 'Install @tensorflow/tfjs (plus @tensorflow/tfjs-backend-wasm for speed), or @tensorflow/tfjs-node-gpu for CUDA. To run a compressed model without tfjs, use the cpu backend of @dc/sparse-runtime.',
  });
}

/**
 * Imports one tfjs package and returns its namespace; throws (a plain `Error` saying why) when it
 * does not load. A native package (`@tensorflow/tfjs-node(-gpu)`) is imported only when its
 * binding exists: importing one without it registers all its kernels and then throws, and the
 * next such import prints an "already registered" warning per kernel.
 */
export async function importTfjsPackage(name: string): Promise<typeof tf> {
  if (NATIVE.has(name)) await assertNativeBinding(name);
  // The plain package by name, so that bundlers include it; the others only where they exist.
  const mod = (name === '@tensorflow/tfjs' ? await import('@tensorflow/tfjs') : await import(/* @vite-ignore */ name)) as typeof tf & { default?: typeof tf };
  const tfjs = typeof mod.matMul === 'function' ? mod : mod.default;
  if (!tfjs || typeof tfjs.matMul !== 'function') throw new Error(`${name} does not export the tfjs API`);
  return tfjs;
}

/** Where tfjs's `webgpu` backend comes from, and what it needs. */
const WEBGPU_HINT = "tfjs's webgpu backend is registered by importing @tensorflow/tfjs-backend-webgpu where navigator.gpu exists: a browser with WebGPU (Chrome/Edge 113+), or Node with the `webgpu` package's globals set first (Object.assign(globalThis, globals); none in plain Node)";

/**
 * Activates tfjs backend `name` on `tfjs`, importing `@tensorflow/tfjs-backend-wasm` first for
 * `wasm` (that package registers its backend when imported). Throws `BACKEND_UNAVAILABLE` with a
 * hint when the backend is not registered or does not initialise.
 */
export async function activateTfBackend(tfjs: typeof tf, name: string): Promise<void> {
  if (name === 'wasm' && !tfjs.findBackendFactory('wasm')) {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (cause) {
      throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "wasm" needs @tensorflow/tfjs-backend-wasm: ${firstLine(cause)}`, {
        cause,
        hint: 'npm install @tensorflow/tfjs-backend-wasm (the same version as @tensorflow/tfjs).',
      });
    }
  }
  const registered = Object.keys(tfjs.engine().registryFactory);
  if (!registered.includes(name)) {
    // tfjs-backend-webgpu registers itself only where navigator.gpu exists: never in plain Node.
    const hint = name === 'webgpu' ? WEBGPU_HINT : `Import the package that registers the "${name}" tfjs backend first`;
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" is not registered (registered: ${registered.join(', ') || 'none'})`, {
      hint: `${hint}, or choose another backend (${registered.join(', ')}).`,
    });
  }
  let ok = false;
  try {
    ok = await tfjs.setBackend(name);
  } catch (cause) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" failed to initialise: ${firstLine(cause)}`, { cause });
  }
  if (!ok) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" could not be initialised on this platform`, {
      hint: `Choose another backend (${registered.filter((r) => r !== name).join(', ')}).`,
    });
  }
}

async function assertNativeBinding(pkg: string): Promise<void> {
  const { createRequire } = await import('node:module');
  const { existsSync, readdirSync, readFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { binary?: { module_name?: string } };
  const binding = `${manifest.binary?.module_name ?? 'tfjs_binding'}.node`;
  const lib = join(dir, 'lib');
  const found = existsSync(lib) && readdirSync(lib).some((sub) => existsSync(join(lib, sub, binding)));
  if (!found) throw new Error(`${pkg} is installed without its native binding (${binding}): its install script, which downloads libtensorflow, did not run or failed`);
}

/** The first line of an error's message, at most 300 characters. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 300);
}
