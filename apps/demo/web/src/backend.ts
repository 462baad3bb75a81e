/**
 * Backend choice for the page: WebGPU first, the cpu backend when WebGPU is missing — and why,
 * in the words of the factory's `DcError`. `?backend=cpu` or `?backend=webgpu` forces one.
 */
import { isDcError } from '@dc/core';
import { chooseBackend, type NamedBackendFactory, type RuntimeBackend } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import { createWebGpuBackend } from '@dc/sparse-runtime/webgpu';

/** What `?backend=` may ask for. */
export type BackendRequest = 'auto' | 'webgpu' | 'cpu';

/** The backend the page runs on, described for people. */
export interface PageBackend {
  readonly backend: RuntimeBackend;
  /** `webgpu` or `cpu`. */
  readonly name: string;
  /** The adapter (WebGPU) or how the cpu backend runs. */
  readonly detail: string;
  /** Why the page is not on WebGPU, when it is not. */
  readonly reason?: string;
  /** What to do about it (the DcError's hint). */
  readonly hint?: string;
}

/** Reads `?backend=` (default `auto`). */
export function backendRequest(search: string): BackendRequest {
  const v = new URLSearchParams(search).get('backend');
  return v === 'cpu' || v === 'webgpu' ? v : 'auto';
}

/** Creates the backend asked for; throws `BACKEND_UNAVAILABLE` only when `webgpu` is forced and missing. */
export async function pickBackend(request: BackendRequest): Promise<PageBackend> {
  const factories: NamedBackendFactory[] = [];
  if (request !== 'cpu') factories.push({ name: 'webgpu', create: () => createWebGpuBackend() });
  if (request !== 'webgpu') factories.push({ name: 'cpu', create: () => createCpuBackend() });
  const { backend, skipped } = await chooseBackend(factories);
  if (backend.name === 'webgpu') {
    return { backend, name: 'webgpu', detail: (backend as Awaited<ReturnType<typeof createWebGpuBackend>>).adapterInfo };
  }
  const reason = request === 'cpu' ? 'asked for with ?backend=cpu' : skipped.map((s) => s.message).join('; ') || undefined;
  const hint = skipped.map((s) => (isDcError(s.error) ? s.error.hint : undefined)).find((h) => h);
  return { backend, name: backend.name, detail: 'TypeScript kernels on the main thread', ...(reason ? { reason } : {}), ...(hint ? { hint } : {}) };
}
