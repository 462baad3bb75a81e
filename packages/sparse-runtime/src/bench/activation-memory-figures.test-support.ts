/**
 * The runtime README's activation-memory figures: the ResNet-style and MobileNet-style example
 * topologies with random parameters (seed 1), pruned to 50 % and clustered to 4 bits, as loaded by
 * the runtime. `pnpm figures:memory` saves them to figures/activation-memory.json; a unit test
 * fails when the saved file and a fresh computation differ.
 */
import { withRandomParams } from '@dc/core/testing';
import { fileURLToPath } from 'node:url';
import { loadCompressedModel } from '../model/load.js';
import { compressModel } from '../testing/compress-model.js';
import { mobilenetStyleTopology, resnetStyleTopology } from '../testing/example-topologies.js';
import { activationMemory } from './activation-memory.js';

/** Where the figures are saved. */
export const MEMORY_FIGURES = fileURLToPath(new URL('../../figures/activation-memory.json', import.meta.url));

/** The saved file's content (without the date, which is the run's). */
export async function memoryFigures(measured: string): Promise<object> {
  const models = await Promise.all([resnetStyleTopology(), mobilenetStyleTopology()].map((t) => loadCompressedModel(compressModel(withRandomParams(t, 1)))));
  return {
    kind: 'activation-memory',
    command: 'pnpm figures:memory',
    measured,
    load: 'computed from the plan\'s buffer schedule, not timed',
    output: { memory: activationMemory(models) },
  };
}
