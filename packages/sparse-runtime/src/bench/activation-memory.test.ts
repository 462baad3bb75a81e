import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEMORY_FIGURES, memoryFigures } from './activation-memory-figures.test-support.js';

describe('activation memory figures', () => {
  it('the saved figures (the runtime README\'s table) equal a fresh computation (run pnpm figures:memory when they differ)', async () => {
    const saved = JSON.parse(readFileSync(MEMORY_FIGURES, 'utf8')) as { measured: string };
    expect(saved).toEqual(await memoryFigures(saved.measured));
  });

  it('the ResNet-style peak is three 28×28×16 values (block input, conv1, conv2) while a residual block runs', async () => {
    const figures = (await memoryFigures('')) as { output: { memory: { model: string; perSampleBytes: number; batches: { batch: number; cpuBytes: number }[] }[] } };
    const resnet = figures.output.memory.find((m) => m.model === 'resnet-style')!;
    expect(resnet.perSampleBytes).toBe(3 * 28 * 28 * 16 * 4);
    // Batch 1,000 on the cpu backend: the caller's input and the output, plus one chunk of 16 samples.
    expect(resnet.batches.find((b) => b.batch === 1000)!.cpuBytes).toBe(1000 * (784 + 10) * 4 + 16 * resnet.perSampleBytes);
  });
});
