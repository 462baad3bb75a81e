/** A StageContext for calling `apply` directly in tests, recording messages and progress. */
import { createRandom, DcError } from '@dc/core';
import type { JsonValue, ProgressEvent, StageContext, TrainingService } from '@dc/core';

export interface TestContext extends StageContext {
  readonly messages: { level: 'info' | 'warn'; message: string; data?: JsonValue }[];
  readonly events: ProgressEvent[];
}

export function testContext({ trainer, signal }: { trainer?: TrainingService; signal?: AbortSignal } = {}): TestContext {
  const messages: TestContext['messages'] = [];
  const events: ProgressEvent[] = [];
  const sig = signal ?? new AbortController().signal;
  return {
    random: createRandom(1),
    signal: sig,
    stages: [{ name: 'dc:prune', options: null }],
    ...(trainer ? { trainer } : {}),
    reporter: {
      info: (message, data) => messages.push({ level: 'info', message, data }),
      warn: (message, data) => messages.push({ level: 'warn', message, data }),
    },
    progress: (e) => events.push(e),
    throwIfAborted: () => {
      if (sig.aborted) throw new DcError('ABORTED', 'aborted');
    },
    messages,
    events,
  };
}
