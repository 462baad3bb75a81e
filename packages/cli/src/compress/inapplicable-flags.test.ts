import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dc } from '../run-dc.test-support.js';
import { compressMode, refuseInapplicableFlags } from './inapplicable-flags.js';

describe('dc compress refuses a flag its run has no use for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-inapplicable-'));
  // Nothing is read past the refusal: a LayersModel path need not exist, a GraphModel's model.json need only say its format.
  const layers = join(dir, 'missing', 'model.json');
  const graph = join(dir, 'graph.json');
  writeFileSync(graph, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
  const out = join(dir, 'never.dcm');

  it.each([
    ['--sparsity beside --calibration (the planner chooses it)', [layers, '--no-retrain', '--calibration', dir, '--sparsity', '0.9'], /--sparsity belongs to a compression on --data with fixed or retrained sparsity and bits/],
    ['--data beside --calibration', [layers, '--no-retrain', '--calibration', dir, '--data', dir], /--data belongs to a compression on --data/],
    ['--preset beside --calibration (a flag with a default, given)', [layers, '--no-retrain', '--calibration', dir, '--preset', 'paper'], /--preset belongs to/],
    ['retraining with --no-retrain', [layers, '--no-retrain', '--prune-epochs', '3'], /--prune-epochs sets retraining, and --no-retrain trains nothing/],
    ['--augment-flip with --calibration', [layers, '--no-retrain', '--calibration', dir, '--augment-flip'], /--augment-flip sets retraining, and a plan on --calibration trains nothing/],
    ['a fidelity budget without --calibration', [layers, '--data', dir, '--max-output-drift', '0.01'], /--max-output-drift sets the post-training plan on --calibration, and this run retrains/],
    ['a calibration limit without --calibration', [layers, '--no-retrain', '--calibration-limit', '4'], /--calibration-limit sets the post-training plan on --calibration, and none was given/],
    ['--no-bias-correction without --calibration (a negated flag, given)', [layers, '--no-retrain', '--no-bias-correction'], /--no-bias-correction sets the post-training plan on --calibration, and none was given/],
    ['--test-data for a GraphModel with fixed sparsity and bits', [graph, '--no-retrain', '--test-data', dir], /--test-data does not apply to a GraphModel compressed with fixed sparsity and bits/],
    ['--cluster-lr for a GraphModel', [graph, '--no-retrain', '--cluster-lr', '0.001'], /--cluster-lr sets retraining, and a GraphModel is compressed post-training/],
  ])('%s: INVALID_OPTION naming the flag, before any work, nothing written', async (_, args, message) => {
    const r = await dc('compress', ...args, '-o', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_OPTION/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint:/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('compressMode and refuseInapplicableFlags', () => {
  it('takes --calibration first, then the model format, then --no-retrain', () => {
    expect(compressMode({ calibration: 'x', retrain: false }, true)).toBe('calibrated');
    expect(compressMode({ retrain: false }, true)).toBe('graph');
    expect(compressMode({ retrain: false }, false)).toBe('post-training');
    expect(compressMode({}, false)).toBe('retrain');
  });

  it('lets each mode keep its own flags', () => {
    const only = (...keys: string[]) => (key: string) => keys.includes(key);
    expect(() => refuseInapplicableFlags('retrain', only('data', 'sparsity', 'pruneEpochs', 'augmentFlip', 'preset', 'backend'))).not.toThrow();
    expect(() => refuseInapplicableFlags('post-training', only('data', 'sparsity', 'bits', 'init', 'preset', 'keepTopology'))).not.toThrow();
    expect(() => refuseInapplicableFlags('graph', only('sparsity', 'bits', 'seed', 'inputScale', 'inputOffset'))).not.toThrow();
    expect(() => refuseInapplicableFlags('calibrated', only('testData', 'maxOutputDrift', 'biasCorrection', 'outputKinds', 'labelColumn', 'float32', 'foldBatchNorm', 'keepTopology', 'targetBytes'))).not.toThrow();
  });
});
