/**
 * Global setup of the `slow` vitest project: the LeNet-300-100 measurements of prune, quantize and
 * huffman start from a trained baseline. Rather than training one in every CI run (10+ epochs), the
 * demo's shipped checkpoint (apps/demo/baselines/lenet-300-100.dcm, made by `dc-demo train`) is
 * written into the tests' shared baseline cache, unless a cache already exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeContainer, toDenseModel } from '@dc/core';
import { writeParamCache } from '@dc/core/testing';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): void {
  // The project's `env` reaches its test workers, not this process: read it from the config.
  const cache = project.config.env.DC_BASELINE_CACHE;
  const shipped = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'apps/demo/baselines/lenet-300-100.dcm');
  if (!cache || existsSync(cache) || !existsSync(shipped)) return;
  const model = toDenseModel(decodeContainer(new Uint8Array(readFileSync(shipped))));
  writeParamCache(cache, model, { epochs: 10, source: shipped });
}
