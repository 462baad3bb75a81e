import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dc } from '../run-dc.test-support.js';
import { refuseInapplicableRunFlags } from './run-inapplicable-flags.js';

const root = new URL('../../../../', import.meta.url).pathname;
const lenet = join(root, 'apps/demo/compressed/lenet-300-100.dcm');

describe('dc run refuses a flag its run has no use for', () => {
  it.each([
    ['a fidelity budget without --reference', [lenet, '--data', root, '--max-output-drift', '0.01'], /--max-output-drift judges a run against --reference, and none was given/],
    ['labels beside --reference (it compares outputs)', [lenet, '--reference', join(root, 'missing.json'), '--data', root, '--labels', 'y.npy'], /--labels belongs to a run of the file alone/],
    ['--split (a flag with a default, given) beside --reference', [lenet, '--reference', join(root, 'missing.json'), '--data', root, '--split', 'train'], /--split belongs to a run of the file alone/],
    ['--threads with another backend than cpu', [lenet, '--data', join(root, 'missing'), '--backend', 'tfjs', '--threads', '2'], /--threads sets the worker threads of the cpu backend, and --backend is tfjs/],
  ])('%s: INVALID_OPTION naming the flag, before any data are read', async (_, args, message) => {
    const r = await dc('run', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_OPTION/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint:/);
  });

  it('keeps each mode its own flags, and refuses labels for a GraphModel file, which reports outputs', () => {
    const only = (...keys: string[]) => (key: string) => keys.includes(key);
    expect(() => refuseInapplicableRunFlags('layer-graph', only('data', 'labels', 'targets', 'fromLogits', 'split', 'threads', 'backend', 'limit', 'labelColumn'))).not.toThrow();
    expect(() => refuseInapplicableRunFlags('graph', only('data', 'limit', 'backend', 'inputShape', 'inputScale'))).not.toThrow();
    expect(() => refuseInapplicableRunFlags('reference', only('data', 'limit', 'maxOutputDrift', 'outputKinds', 'judgeUnstable', 'labelColumn', 'inputShape'))).not.toThrow();
    expect(() => refuseInapplicableRunFlags('graph', only('labels'))).toThrow(/--labels belongs to a layer-graph file/);
  });
});
