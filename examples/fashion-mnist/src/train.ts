/**
 * Trains an example baseline on Fashion-MNIST and saves it as `model.json` + `weights.bin`, with a
 * `baseline.json` record (the command, the machine load, the test error on the test images).
 *
 *   node --conditions=source --import tsx examples/fashion-mnist/src/train.ts --model resnet
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_NAMES, type ExampleName } from './models.js';
import { trainExample } from './train-example.js';

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet' },
    epochs: { type: 'string', default: '6' },
    lr: { type: 'string', default: '0.001' },
    'polish-epochs': { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    validation: { type: 'string', default: '5000' },
    'train-limit': { type: 'string' },
    'data-dir': { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    'out-dir': { type: 'string' },
  },
});
const model = flags.model as ExampleName;
if (!EXAMPLE_NAMES.includes(model)) throw new Error(`--model must be one of ${EXAMPLE_NAMES.join(', ')}`);
const outDir = resolve(flags['out-dir'] ?? join(import.meta.dirname, '..', 'out', model));
const load = () => loadavg()[0].toFixed(1);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const loadBefore = load();
const result = await trainExample({
  model,
  dataDir: flags['data-dir']!,
  outDir,
  epochs: Number(flags.epochs),
  learningRate: Number(flags.lr),
  polishEpochs: Number(flags['polish-epochs']),
  batchSize: Number(flags['batch-size']),
  seed: Number(flags.seed),
  validation: Number(flags.validation),
  ...(flags['train-limit'] ? { trainLimit: Number(flags['train-limit']) } : {}),
  log: (line) => process.stderr.write(`${line} (load ${load()})\n`),
});
const cpu = process.cpuUsage(cpu0);
const record = {
  command: `node --conditions=source --import tsx examples/fashion-mnist/src/train.ts ${process.argv.slice(2).join(' ')}`.trim(),
  measured: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  load: `load average ${loadBefore} → ${load()} on ${cpus().length} cores`,
  wallSeconds: Math.round((performance.now() - t0) / 1000),
  cpuSeconds: Math.round((cpu.user + cpu.system) / 1e6),
  ...result,
};
await writeFile(join(outDir, 'baseline.json'), `${JSON.stringify(record, null, 2)}\n`);
process.stderr.write(`${model}: ${result.parameters} parameters, test error ${result.testError.toFixed(2)}% on ${result.testImages} images; ${result.modelJson}\n`);
