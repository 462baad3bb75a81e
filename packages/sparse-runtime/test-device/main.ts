/**
 * Entry of the bundled WebGPU device check (see scripts/device-webgpu-check.sh, run from the
 * repository root): runs `runDeviceCheck` on the shipped LeNet files and the Fashion-MNIST example's
 * residual and depthwise networks (or the `.dcm` files given after the output path) and writes its
 * JSON to the path given as first argument. `DC_CHECK_BATCHES=1,10` times those batch sizes only
 * (a quick run on SwiftShader, where batch 10,000 of the dense tfjs network takes minutes).
 */
import { gpu } from './navigator-gpu.js';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { runDeviceCheck } from '../src/webgpu/testing/device-check.js';

const SHIPPED = [
  'apps/demo/compressed/lenet-300-100.dcm',
  'apps/demo/compressed/lenet-5.dcm',
  'examples/fashion-mnist/shipped/resnet.dcm',
  'examples/fashion-mnist/shipped/mobilenet.dcm',
];
const [out = 'device-webgpu.json', ...files] = process.argv.slice(2);
const batches = process.env.DC_CHECK_BATCHES?.split(',').map(Number);
const result = await runDeviceCheck({ files: files.length ? files : SHIPPED, gpu, tfjs: tf, ...(batches ? { batches } : {}), log: (line) => process.stderr.write(`${line}\n`) });
writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
process.stderr.write(`device check: ${result.passed} passed, ${result.failed} failed in ${result.seconds.toFixed(0)} s on ${result.adapter}; JSON in ${out}\n`);
process.exit(result.failed === 0 ? 0 : 1);
