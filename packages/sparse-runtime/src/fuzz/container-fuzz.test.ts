import { decodeContainer, OP_KINDS, readContainerHeader } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../cpu/cpu-backend.js';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { caseBytes, classify, NON_FINITE, OVERFLOW_AS_TFJS, RAN, runCase } from './fuzz-case.test-support.js';
import { corpusOf, fuzzCorpus, fuzzInput } from './fuzz-seeds.test-support.js';
import { formatFuzzReport } from './run-fuzz.test-support.js';
import { tfjsOutput } from './tfjs-oracle.test-support.js';
import { watchedFuzz } from './watched-fuzz.test-support.js';

// The bounded CI slice of `pnpm fuzz` (≥ 100,000 cases; its table is in packages/core/README.md).
describe('structure-aware fuzzing of the .dcm reader and the CPU runtime', () => {
  const corpus = fuzzCorpus();
  // The corpus `pnpm fuzz` had when the cases replayed below were found, before the integer-range
  // seed (format version 9) joined it: a case is what its run seed and index pick from the whole corpus.
  const beforeRanges = corpusOf(corpus.seeds.filter((s) => s.name !== 'graph-model-ranges'));

  it('starts from seeds that use every op kind of the core op table (add a seed to op-zoo for a new kind)', () => {
    const kinds = new Set(corpus.seeds.filter((s) => s.version < 4).flatMap((s) => readContainerHeader(s.bytes).model.layers.map((l) => l.config.kind)));
    expect(OP_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
    expect(corpus.pool.strings).toEqual(expect.arrayContaining([...OP_KINDS]));
  });

  it('builds every case deterministically from the run seed and the case index', () => {
    expect(corpus.seeds.length).toBe(27);
    expect(corpus.seeds.filter((s) => s.version === 4).length).toBe(2); // GraphModel files
    expect(corpus.seeds.filter((s) => s.version === 9).length).toBe(1); // a GraphModel file with an integer-range codebook
    expect(corpus.seeds.filter((s) => s.version === 8).length).toBe(1); // a LayersModel's record
    expect(corpus.seeds.filter((s) => s.version === 3).length).toBe(5); // the two paper-preset files and three compact seeds
    expect(corpus.seeds.filter((s) => s.version === 7).length).toBe(2); // the seeded preset's files (seeds in place of positions)
    const a = caseBytes(corpus, 5, 17);
    const b = caseBytes(corpus, 5, 17);
    expect(b.mutations).toEqual(a.mutations);
    expect(b.bytes).toEqual(a.bytes);
    expect(caseBytes(corpus, 5, 18).bytes).not.toEqual(a.bytes);
  });

  it('every mutated file ends in a DcError or a valid model that runs to a finite output (300 cases, a few seconds)', async () => {
    // A deadline only guards against a loaded machine; 300 cases take about 3 s of CPU. The cases
    // run in a worker thread under a watchdog, so a case that never returns or ends the worker fails here, named.
    const { report, hang, crash } = await watchedFuzz({ cases: 300, seed: 11, deadlineMs: 30_000 });
    const summary = formatFuzzReport(report);
    expect(hang, summary).toBeUndefined();
    expect(crash, summary).toBeUndefined();
    expect(report.findings, summary).toEqual([]);
    expect(report.over1s, summary).toBe(0);
    // Real coverage, not just rejections: several codes and some models that load and run.
    expect(report.cases, summary).toBeGreaterThan(100);
    expect(Object.keys(report.outcomes).length, summary).toBeGreaterThanOrEqual(5);
    expect(report.outcomes[RAN] ?? 0, summary).toBeGreaterThan(report.cases * 0.05);
  });

  it('a transposed convolution forged to stride 65,536 (pnpm fuzz --seed 1207, case 181,516: it ran, in 1.4 s) is BAD_HEADER', () => {
    const { bytes, seed, mutations } = caseBytes(beforeRanges, 1207, 181_516);
    expect([seed, mutations]).toEqual(['zoo-chain', ['value of strides']]);
    expect(() => readContainerHeader(bytes)).toThrow(expect.objectContaining({ code: 'BAD_HEADER', message: expect.stringContaining('"deconv".config.strides: must be at most 1024 along each axis') }));
  });

  it("a non-finite output on finite weights is the model's arithmetic where tfjs computes it too (pnpm fuzz --seed 2026, case 239,836: a bias forged to 1.9e22, squared by a multiply), and a finding where tfjs's output is finite", async () => {
    const zoo = corpus.seeds.find((s) => s.name === 'zoo-graph')!;
    const { bytes, seed, mutations } = caseBytes(beforeRanges, 2026, 239_836);
    expect([seed, mutations]).toEqual(['zoo-graph', ['swapped two kind', 'overwrote bytes']]);
    const found = await classify(bytes, createCpuBackend(), zoo.version);
    expect(found).toMatchObject({ outcome: NON_FINITE, detail: 'output 0 is -Infinity' });
    expect(await found.askTfjs!()).toBe(true);
    expect((await runCase(beforeRanges, 2026, 239_836, createCpuBackend())).outcome).toBe(OVERFLOW_AS_TFJS);
    // The unmutated model: tfjs runs it to the runtime's finite output, so a non-finite one from the runtime would stay a finding.
    const model = await loadCompressedModel(decodeContainer(zoo.bytes, { decoders: [huffmanDecoder, ransDecoder] }));
    const input = fuzzInput(model.inputSize);
    const session = await createSession(model, { backend: createCpuBackend() });
    const ours = await session.predict(input, 1);
    session.dispose();
    const theirs = await tfjsOutput(model, input);
    expect(theirs).toBeDefined();
    expect(Array.from(theirs!).every(Number.isFinite)).toBe(true);
    theirs!.forEach((v, i) => expect(v).toBeCloseTo(ours[i], 4));
  });
});
