import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectedError } from '../testing/error-code.js';
import { readModelArtifacts } from './file-handler.js';

describe('readModelArtifacts of what is not a tfjs model.json', () => {
  it('names a Keras HDF5 or Keras 3 file, a TensorFlow Lite file or a SavedModel folder, with the converter command that makes a model.json of it, and a .dcm file, with what reads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-other-formats-'));
    await writeFile(join(dir, 'model.h5'), Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    await writeFile(join(dir, 'model.keras'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0]));
    await writeFile(join(dir, 'model.tflite'), Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0]));
    await writeFile(join(dir, 'model.dcm'), Buffer.from([0x89, 0x44, 0x43, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a, 6, 0]));
    await mkdir(join(dir, 'saved'));
    await writeFile(join(dir, 'saved', 'saved_model.pb'), '');
    const cases = [
      ['model.h5', /is a Keras HDF5 model \(\.h5\), not a tfjs model\.json$/, /--input_format keras model\.h5 out\//],
      ['model.keras', /is a Keras 3 model \(\.keras, a zip archive\), not a tfjs model\.json$/, /--input_format keras_keras model\.keras out\//],
      ['model.tflite', /is a TensorFlow Lite model \(\.tflite\), not a tfjs model\.json$/, /does not convert to tfjs: convert the TensorFlow model it was made from/],
      ['saved', /is a TensorFlow SavedModel folder, not a tfjs model\.json$/, /--input_format tf_saved_model saved_model\/ out\//],
      ['model.dcm', /is a \.dcm file \(already compressed\), not a tfjs model\.json$/, /dc export writes the model\.json it holds/],
    ] as const;
    for (const [name, message, hint] of cases) {
      const e = await rejectedError(readModelArtifacts(join(dir, name)));
      expect([e.code, e.message, e.hint], name).toEqual(['BAD_MODEL_JSON', expect.stringMatching(message), expect.stringMatching(hint)]);
    }
  });

  it('names a weights manifest alone (a list of weight groups, as face-api.js ships its models): no topology to load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-other-formats-'));
    await writeFile(join(dir, 'weights_manifest.json'), JSON.stringify([{ paths: ['shard1'], weights: [{ name: 'conv/kernel', shape: [3, 3, 3, 8], dtype: 'float32' }] }]));
    const e = await rejectedError(readModelArtifacts(join(dir, 'weights_manifest.json')));
    expect([e.code, e.message]).toEqual(['BAD_MODEL_JSON', expect.stringMatching(/weights_manifest\.json: is a weights manifest alone \(a list of weight groups\), not a model\.json: it has no model topology/)]);
  });

  it('points a folder that holds a model.json at the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-other-formats-'));
    await writeFile(join(dir, 'model.json'), '{}');
    const e = await rejectedError(readModelArtifacts(dir));
    expect([e.code, e.message, e.hint]).toEqual(['BAD_MODEL_JSON', `[BAD_MODEL_JSON] ${dir} is a folder, not a file`, `Pass the model.json in it: ${join(dir, 'model.json')}.`]);
  });
});
