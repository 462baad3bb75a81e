import { expectTypeOf, test } from 'vitest';
import type { Model } from '../ir/model.js';
import { defineStage } from '../stage.js';
import { createPipeline, type Pipeline } from './pipeline.js';

const passthrough = ({ model }: { model: Model }) => Promise.resolve({ model, artifacts: {} as never });
const providesMasks = defineStage({ name: 't:p', options: {}, requires: [], provides: ['prune/masks'], apply: passthrough });
const needsMasks = defineStage({ name: 't:n', options: {}, requires: ['prune/masks'], provides: [], apply: passthrough });
const needsCodebooks = defineStage({ name: 't:c', options: {}, requires: ['quantize/codebooks'], provides: ['encode/file'], apply: passthrough });

test('use() accumulates provided artifact keys', () => {
  expectTypeOf(createPipeline().use(providesMasks)).toEqualTypeOf<Pipeline<'prune/masks'>>();
  expectTypeOf(createPipeline().use(providesMasks).use(needsMasks)).toEqualTypeOf<Pipeline<'prune/masks'>>();
});

test('use() of a stage whose requirement is not provided does not compile', () => {
  // @ts-expect-error 'prune/masks' is not available in an empty pipeline
  createPipeline().use(needsMasks);
  // @ts-expect-error 'quantize/codebooks' is not provided by pruning
  createPipeline().use(providesMasks).use(needsCodebooks);
});
