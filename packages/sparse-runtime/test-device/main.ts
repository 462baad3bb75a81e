/**
 * Entry of the bundled WebGPU device check (see scripts/device-webgpu-check.sh, run from the
 * repository root): runs `runDeviceCheck` on the shipped LeNet files and writes its JSON to the
 * path given as first argument.
 */
import { writeFileSync } from 'node:fs';
import { runDeviceCheck } from '../src/webgpu/testing/device-check.js';

const [out = 'device-webgpu.json', ...files] = process.argv.slice(2);
const result = await runDeviceCheck({
  files: files.length ? files : ['apps/demo/compressed/lenet-300-100.dcm', 'apps/demo/compressed/lenet-5.dcm'],
  log: (line) => process.stderr.write(`${line}\n`),
});
writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
process.stderr.write(`device check: ${result.passed} passed, ${result.failed} failed in ${result.seconds.toFixed(0)} s on ${result.adapter}; JSON in ${out}\n`);
process.exit(result.failed === 0 ? 0 : 1);
