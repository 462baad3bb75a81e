/**
 * `pnpm fuzz [--cases 100000] [--seed 1] [--from 0] [--hang-seconds 30] [--json] [--save <file>]`: the structure-aware fuzzer of the
 * `.dcm` reader and the CPU runtime (packages/sparse-runtime/src/fuzz). Prints the outcome table:
 * cases, outcome → count, findings (non-DcError exceptions, broken invariants, non-finite
 * outputs), the slowest case, cases over 1 s and the peak RSS, then the CPU time the reader takes
 * to reject a 4 GiB deflate bomb (timed first, in a fresh process, so the cases' garbage does not
 * weigh on it). The cases run in a worker thread (watched-fuzz.test-support.ts): one that makes no
 * progress for `--hang-seconds` stops the run and is reported as a hang, one during which the
 * worker ends (a `process.exit`, out of memory) as a crash. Exits 1 on any finding, hang, crash,
 * case over 1 s or accepted bomb. `--save` also writes the
 * JSON for the core README's generated table (scripts/readme-tables.mjs, kind `fuzz`).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { timeBombRejection } from '../packages/sparse-runtime/src/fuzz/bomb-timing.test-support.js';
import { formatFuzzReport } from '../packages/sparse-runtime/src/fuzz/run-fuzz.test-support.js';
import { watchedFuzz } from '../packages/sparse-runtime/src/fuzz/watched-fuzz.test-support.js';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, from: { type: 'string', default: '0' }, 'hang-seconds': { type: 'string', default: '30' }, json: { type: 'boolean' }, save: { type: 'string' } },
});
const cases = Number(values.cases);
const bomb = timeBombRejection();
const t0 = process.cpuUsage();
const run = await watchedFuzz({
  cases,
  seed: Number(values.seed),
  from: Number(values.from),
  hangSeconds: Number(values['hang-seconds']),
  onProgress: (r) => process.stderr.write(`fuzz: ${r.cases}/${cases} cases, ${r.findingCount} findings, slowest ${r.slowest.cpuMs.toFixed(0)} ms CPU, ${(r.wallMs / 1000).toFixed(0)} s\n`),
});
const { report, hang, crash } = run;
const stopped = `the run stopped there (the table counts the ${report.cases} cases before the last progress report)`;
const hangLine = hang ? `HANG: case ${hang.index} (${hang.seed}: ${hang.mutations.join('; ')}) made no progress for ${hang.seconds} s; ${stopped}` : 'hangs: none';
const crashLine = crash ? `CRASH: the worker exited with code ${crash.exitCode}${crash.error ? ` (${crash.error})` : ''} during case ${crash.index} (${crash.seed}: ${crash.mutations.join('; ')}); ${stopped}` : 'crashes: none';
const cpu = process.cpuUsage(t0);
const sorted = [...bomb.cpuMs].sort((a, b) => a - b);
const bombLine = `deflate bomb (${bomb.inflatesTo} header in a ${bomb.fileBytes.toLocaleString('en-US')}-byte file, declaring 4 MiB): ${bomb.code}, CPU ms per rejection: median ${sorted[sorted.length >> 1].toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)} (${bomb.cpuMs.length} runs)`;
const load = `load average ${loadavg().map((x) => x.toFixed(2)).join(', ')} on ${cpus().length} cores`;
if (values.save) {
  const argv = ['--cases', values.cases, ...(values.seed !== '1' ? ['--seed', values.seed] : []), ...(values.from !== '0' ? ['--from', values.from] : [])];
  const saved = { kind: 'fuzz', command: `pnpm fuzz ${argv.join(' ')}`, measured: new Date().toISOString().slice(0, 10), load, output: { ...report, cpuMs: (cpu.user + cpu.system) / 1000, bomb, ...(hang ? { hang } : {}), ...(crash ? { crash } : {}) } };
  writeFileSync(`${values.save}.tmp`, `${JSON.stringify(saved, null, 2)}\n`);
  renameSync(`${values.save}.tmp`, values.save);
}
if (values.json) console.log(JSON.stringify({ ...report, cpuMs: (cpu.user + cpu.system) / 1000, load, bomb, ...(hang ? { hang } : {}), ...(crash ? { crash } : {}) }));
else console.log(`${formatFuzzReport(report)}\n${hangLine}\n${crashLine}\nCPU time: ${((cpu.user + cpu.system) / 1000 / 1000).toFixed(1)} s; ${load}\n${bombLine}`);
process.exitCode = hang || crash || report.findingCount > 0 || report.over1s > 0 || bomb.code !== 'BAD_HEADER' ? 1 : 0;
