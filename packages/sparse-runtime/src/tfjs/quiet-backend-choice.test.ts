/**
 * Choosing a tfjs backend prints nothing. In this workspace pnpm installs tfjs-node and
 * tfjs-node-gpu as optional peers without their native binding; importing such a package
 * registers its kernels and then throws, and each further import printed "The kernel '…' for
 * backend 'tensorflow' is already registered" (155 lines). The loader is core's, which checks
 * the binding before importing. Its own file, so tfjs is imported here for the first time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTfjsBackend } from './index.js';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

describe('choosing a tfjs backend', () => {
  afterEach(() => vi.restoreAllMocks());

  it('loads tfjs, activates wasm and says nothing on the console', async () => {
    const lines: string[] = [];
    for (const m of METHODS) vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(`${m}: ${args.map(String).join(' ')}`));
    const backend = await createTfjsBackend({ tfBackend: 'wasm' });
    expect(backend.name).toBe('tfjs-wasm');
    expect(lines).toEqual([]);
  });
});
