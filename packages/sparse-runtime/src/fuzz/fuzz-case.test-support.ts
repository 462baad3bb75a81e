/**
 * One fuzz case: a seed file, one to four structure-aware mutations (header fields or stream
 * bytes; for compact headers also their bytes), checksums made valid again, then decode →
 * invariants → load (plan) → one sample on the CPU runtime (a non-finite output also on tfjs, see
 * tfjs-oracle.test-support.ts). The outcome is a `DcError` code or a loaded model; anything else is a finding.
 */
import { createRandom, decodeContainer, isCompactHeaderVersion, isDcError, isGraphModelVersion, readContainerHeader, type CompressedModel } from '@dc/core';
import { joinContainer, resealSections, serialiseHeader } from '@dc/core/testing';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import type { RuntimeBackend } from '../backend.js';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { fuzzInput, type FuzzCorpus } from './fuzz-seeds.test-support.js';
import { classifyGraphModel } from './graph-model-seeds.test-support.js';
import { modelInvariantProblem } from './model-invariants.test-support.js';
import { mutateBytes } from './mutate-bytes.test-support.js';
import { mutateJson, serialise, type Json } from './mutate-json.test-support.js';
import { mutateStreams } from './mutate-streams.test-support.js';
import { tfjsAlsoNonFinite } from './tfjs-oracle.test-support.js';

/** Models with larger inputs are loaded but not run (a window op over a huge input is slow, not wrong). */
export const MAX_RUN_INPUT = 4096;

/** Outcomes that are not findings, besides `DcError` codes. */
export const RAN = 'loaded, ran: finite output';
export const NOT_RUN = `loaded, not run (input > ${MAX_RUN_INPUT})`;
/** Outcome prefixes that are findings. */
export const NOT_DC_ERROR = 'NOT A DcError';
export const INVARIANT = 'INVARIANT BROKEN';
export const NON_FINITE = 'ran: NON-FINITE output';
/** Weights this large may overflow float32 arithmetic: a non-finite output is then the model's, not a finding. */
export const HUGE_WEIGHT = 1e30;
export const OVERFLOW = 'loaded, ran: non-finite output, a weight of magnitude 1e30 or more overflows float32';
/** A non-finite output on smaller weights that tfjs computes too (see tfjs-oracle.test-support.ts): the model's arithmetic, not a finding. */
export const OVERFLOW_AS_TFJS = 'loaded, ran: non-finite output, as tfjs computes it too (float32 arithmetic of finite weights)';

/** What one case did. */
export interface CaseResult {
  readonly outcome: string;
  /** Wall-clock milliseconds from the bytes to the outcome (decode, load, run). */
  readonly ms: number;
  /** CPU milliseconds (user + system) of the same: what a hang shows on a shared machine. */
  readonly cpuMs: number;
  readonly seed: string;
  readonly mutations: readonly string[];
  readonly detail?: string;
}

/** The bytes of case `index` of run `runSeed`, and what was done to make them. Deterministic. */
export function caseBytes(corpus: FuzzCorpus, runSeed: number, index: number): { bytes: Uint8Array; seed: string; mutations: string[] } {
  const r = createRandom(runSeed).fork(`case-${index}`);
  const seed = corpus.seeds[r.int(corpus.seeds.length)];
  const header = structuredClone(seed.header);
  let data = seed.data;
  const mutations: string[] = [];
  const times = r.next() < 0.6 ? 1 : 2 + r.int(3);
  for (let k = 0; k < times; k++) {
    if (r.next() < 0.7) {
      mutations.push(mutateJson(r, header, corpus.pool));
    } else {
      const m = mutateStreams(r, header, data);
      data = m.data;
      mutations.push(m.what);
    }
  }
  if (r.next() < 0.97) resealSections(header, data);
  let text: string | Uint8Array;
  if (isCompactHeaderVersion(seed.version)) {
    // The compact writer expects a valid header (it loops on a varint of NaN): the edited header
    // goes through the version 2 reader first; edits it refuses keep the seed's compact header,
    // whose bytes are mutated below (always so for a seeded file, version 7, which the version 2
    // reader refuses).
    text = compactOrSeed(header, data, seed.headerBytes);
    if (text === seed.headerBytes) mutations.push('(kept the compact header)');
    if (r.next() < 0.4) {
      text = mutateBytes(r, text as Uint8Array);
      mutations.push('compact header bytes');
    }
  } else {
    text = serialise(header);
  }
  const deflate = r.next() < 0.8 ? seed.deflated : !seed.deflated;
  return { bytes: joinContainer(text, data, { deflate, version: seed.version }), seed: seed.name, mutations };
}

/** The compact form of `header` as the reader validates it (members it ignores dropped), or the seed's. */
function compactOrSeed(header: Json, data: Uint8Array, seedBytes: Uint8Array): Uint8Array {
  let valid;
  try {
    valid = readContainerHeader(joinContainer(JSON.stringify(header), data, { version: 2 }));
  } catch {
    return seedBytes;
  }
  return serialiseHeader(valid, 3) as Uint8Array;
}

function outcomeOf(e: unknown, phase: string): { outcome: string; detail?: string } {
  if (isDcError(e)) return { outcome: e.code };
  const err = e as Error;
  return { outcome: `${NOT_DC_ERROR} (${phase})`, detail: `${err?.name}: ${String(err?.message).slice(0, 160)}` };
}

function largestWeight(cm: CompressedModel): number {
  let m = 0;
  for (const t of cm.tensors.values()) for (const v of t.layout.endsWith('coded') ? (t as { codebook: Float32Array }).codebook : (t as { values: Float32Array }).values) m = Math.max(m, Math.abs(v));
  return m;
}

/** What {@link classify} found, and for a non-finite output on weights below HUGE_WEIGHT, how to ask tfjs about it. */
export interface Classified {
  readonly outcome: string;
  readonly detail?: string;
  /** Whether tfjs's output on the same model and input is non-finite there too (`tfjsAlsoNonFinite`). */
  readonly askTfjs?: () => Promise<boolean>;
}

/**
 * Decodes, checks, loads and runs `bytes` (a model.json-record file, format `version` 4-6, 8 or 9:
 * decodes and checks); never throws. A non-finite output on weights below {@link HUGE_WEIGHT} is
 * {@link NON_FINITE} with `askTfjs`: {@link runCase} asks, outside the case's timing (its first
 * call imports tfjs).
 */
export async function classify(bytes: Uint8Array, backend: RuntimeBackend, version = 2): Promise<Classified> {
  if (isGraphModelVersion(version)) {
    const { outcome, detail } = classifyGraphModel(bytes);
    return detail === undefined ? { outcome } : { outcome, detail };
  }
  let cm;
  try {
    cm = decodeContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] });
  } catch (e) {
    return outcomeOf(e, 'decode');
  }
  const problem = modelInvariantProblem(cm);
  if (problem) return { outcome: INVARIANT, detail: problem };
  let loaded;
  try {
    loaded = await loadCompressedModel(cm);
  } catch (e) {
    return outcomeOf(e, 'load');
  }
  if (loaded.inputSize > MAX_RUN_INPUT) return { outcome: NOT_RUN };
  try {
    const session = await createSession(loaded, { backend });
    const input = fuzzInput(loaded.inputSize);
    const out = await session.predict(input, 1);
    session.dispose();
    if (out.length !== loaded.outputSize) return { outcome: INVARIANT, detail: `${out.length} outputs for an output size of ${loaded.outputSize}` };
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad < 0) return { outcome: RAN };
    if (largestWeight(cm) >= HUGE_WEIGHT) return { outcome: OVERFLOW };
    return { outcome: NON_FINITE, detail: `output ${bad} is ${out[bad]}`, askTfjs: () => tfjsAlsoNonFinite(loaded, input, bad) };
  } catch (e) {
    return outcomeOf(e, 'run');
  }
}

/** Runs case `index` of run `runSeed`. */
export async function runCase(corpus: FuzzCorpus, runSeed: number, index: number, backend: RuntimeBackend): Promise<CaseResult> {
  const { bytes, seed, mutations } = caseBytes(corpus, runSeed, index);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { outcome, detail, askTfjs } = await classify(bytes, backend, corpus.seeds.find((s) => s.name === seed)!.version);
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const explained = askTfjs !== undefined && (await askTfjs());
  return { outcome: explained ? OVERFLOW_AS_TFJS : outcome, ms, cpuMs: (cpu.user + cpu.system) / 1000, seed, mutations, ...(detail === undefined ? {} : { detail }) };
}

/** Whether an outcome is a finding (a crash, a broken invariant, a non-finite output). */
export function isFinding(outcome: string): boolean {
  return outcome.startsWith(NOT_DC_ERROR) || outcome === INVARIANT || outcome === NON_FINITE;
}

export type { Json };
