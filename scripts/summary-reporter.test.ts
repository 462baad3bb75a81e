import type { TestModule } from 'vitest/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SummaryReporter from './summary-reporter.js';

/** A test file as the reporter reads it: its state and its tests' states. */
const testFile = (state: string, tests: readonly string[]) =>
  ({ state: () => state, children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) } }) as unknown as TestModule;

/** The closing line the reporter prints for `files`. */
function closingLine(files: readonly TestModule[]): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  new SummaryReporter().onTestRunEnd(files);
  return String(write.mock.calls[0][0]).trim();
}

describe('SummaryReporter', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts tests by their outcome', () => {
    expect(closingLine([testFile('passed', ['passed', 'passed', 'skipped']), testFile('failed', ['failed', 'passed'])])).toBe('vitest: 3 passed, 1 failed, 1 skipped');
  });

  it('counts a file that failed outside its tests (a beforeAll, an import) as one failure, its tests as skipped', () => {
    expect(closingLine([testFile('failed', ['skipped', 'skipped']), testFile('failed', [])])).toBe('vitest: 0 passed, 2 failed, 2 skipped');
  });
});
