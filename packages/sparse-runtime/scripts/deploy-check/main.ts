// A deployment: loads a shipped .dcm file and classifies MNIST digits on the cpu backend, with
// only @dc/core, @dc/huffman, @dc/rans and @dc/sparse-runtime installed (no TensorFlow.js).
// Prints one JSON line: the file's size, every output and every predicted class.
import { readFileSync } from 'node:fs';
import { decodeContainer, isDcError, type StageContext, type TrainingService } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';

const [dcmPath, sample] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(dcmPath));
const images = new Float32Array(new Uint8Array(readFileSync(`${sample}.f32`)).buffer);
const labels = new Uint8Array(readFileSync(`${sample}.labels`));

// The training contract is part of @dc/core's main entry: its types load without tfjs.
const context: Pick<StageContext, 'trainer'> = {};
const trainerBackend: TrainingService['backend'] = context.trainer?.backend ?? 'none';

const tensors = decodeContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] }).tensors.size;
const model = await loadCompressedModel(bytes);
const session = await createSession(model, { backend: createCpuBackend() });
const count = labels.length;
const outputs = await session.predict(images, count);
session.dispose();
const predictions = Array.from({ length: count }, (_, i) => {
  const row = outputs.subarray(i * 10, i * 10 + 10);
  return row.indexOf(Math.max(...row));
});

// A damaged file is a DcError with a code, from the packed @dc/core.
const damaged = bytes.slice();
damaged[damaged.length - 1] ^= 0xff;
let damagedCode = 'no error';
try {
  await loadCompressedModel(damaged);
} catch (e) {
  damagedCode = isDcError(e) ? e.code : `not a DcError: ${String(e)}`;
}

process.stdout.write(`${JSON.stringify({ fileBytes: bytes.length, tensors, trainerBackend, outputShape: model.outputShape, outputs: Array.from(outputs), predictions, damagedCode })}\n`);
