// Runs inside an empty folder where only @dc/core and @dc/prune were npm-installed from their
// tarballs (see scripts/pack-check.sh at the repository root). Uses the public API only.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createPipeline, isDcError, listParams } from '@dc/core';
import { pruneLowMagnitude, scheduleValues } from '@dc/prune';

function tensor(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2 ** 32 - 0.5;
  }
  return { shape, values };
}

const model = {
  name: 'pack-check-mlp',
  inputShape: [20],
  layers: [
    { name: 'fc1', config: { kind: 'dense', units: 16, activation: 'relu', useBias: true }, params: { kernel: tensor([20, 16], 1), bias: tensor([16], 2) } },
    { name: 'fc2', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true }, params: { kernel: tensor([16, 10], 3), bias: tensor([10], 4) } },
  ],
};

const { model: pruned, artifacts, report } = await createPipeline()
  .use(pruneLowMagnitude({ sparsity: { fc1: 0.9, fc2: 0.5 }, rounds: 3, schedule: { kind: 'polynomial' } }))
  .run(model, { seed: 1 });

const masks = artifacts['prune/masks'];
assert.deepEqual([...masks.keys()], ['fc1/kernel', 'fc2/kernel']);
const expected = { 'fc1/kernel': 288, 'fc2/kernel': 80 };
for (const ref of listParams(pruned)) {
  const mask = masks.get(ref.key);
  if (!mask) {
    assert.equal(ref.tensor.values.filter((v) => v === 0).length, 0, `${ref.key} untouched`);
    continue;
  }
  let zeros = 0;
  ref.tensor.values.forEach((v, i) => {
    if (mask[i] === 0) {
      assert.ok(Object.is(v, 0), `${ref.key}[${i}] is exactly +0`);
      zeros++;
    } else assert.notEqual(v, 0);
  });
  assert.equal(zeros, expected[ref.key], `${ref.key} pruned count`);
}
assert.equal(report.stages[0].name, 'dc:prune');
assert.equal(report.stages[0].metrics.total.kept, 32 + 80);
assert.deepEqual(scheduleValues({ kind: 'constant' }, 0.5, 2), [0.5, 0.5]);

let error;
try {
  pruneLowMagnitude({ sparsity: 1 });
} catch (e) {
  error = e;
}
assert.ok(isDcError(error) && error.code === 'INVALID_OPTION' && error.option === 'sparsity');
assert.ok(!existsSync('node_modules/@tensorflow'), 'no TensorFlow.js was installed');
process.stdout.write(`pack-check: ok (kept ${(100 * report.stages[0].metrics.total.keptFraction).toFixed(2)}% of kernel weights; only @dc/core and @dc/prune installed)\n`);
