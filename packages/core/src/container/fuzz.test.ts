import { describe, expect, it } from 'vitest';
import { densify, type CompressedModel } from '../compressed.js';
import { isDcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { createRandom, type RandomSource } from '../random.js';
import { crc32 } from './crc32.js';
import { decodeContainer } from './decode.js';
import { encodeContainer } from './encode.js';
import { frame, layoutSections } from './framing.js';
import type { ContainerHeader } from './header.js';
import { joinContainer, serialiseHeader, splitContainer } from '../testing/forge-container.js';
import { seededModel } from './seeded-file.test-support.js';

function sampleModel(): Model {
  const rnd = createRandom(11);
  const kernel = Float32Array.from({ length: 48 * 20 }, () => (rnd.next() < 0.15 ? Math.fround(rnd.next() - 0.5) : 0));
  return {
    name: 'fuzz',
    inputShape: [48],
    layers: [{ name: 'fc', config: { kind: 'dense', units: 20, activation: 'relu', useBias: true }, params: { kernel: { shape: [48, 20], values: kernel }, bias: { shape: [20], values: new Float32Array(20).fill(0.25) } } }],
  };
}

function fingerprint(m: CompressedModel): string {
  return JSON.stringify([...m.tensors].map(([k, t]) => [k, t.layout, t.shape, Array.from(new Uint32Array(densify(t).buffer))]));
}

/** One random mutation of `b`: flips, overwrites, truncation, insertion, deletion or appending. */
function mutate(b: Uint8Array, r: RandomSource): Uint8Array {
  const out = Array.from(b);
  const times = 1 + r.int(4);
  for (let t = 0; t < times; t++) {
    const at = r.int(out.length + 1);
    switch (r.int(6)) {
      case 0: out[at] ^= 1 << r.int(8); break;
      case 1: out[at] = r.int(256); break;
      case 2: out.length = at; break;
      case 3: out.splice(at, 0, r.int(256)); break;
      case 4: out.splice(at, 1 + r.int(8)); break;
      default: out.push(r.int(256));
    }
  }
  return Uint8Array.from(out.filter((v) => v !== undefined));
}

/**
 * Runs `cases` mutated inputs through the decoder; every one must be a DcError or a decode (equal
 * to the original when `mustMatch`). Stops at the deadline; returns the counts seen.
 */
function fuzz(make: (r: RandomSource) => Uint8Array, original: string, mustMatch: boolean, cases: number, deadlineMs: number): Map<string, number> {
  const r = createRandom(2024);
  const seen = new Map<string, number>();
  const until = performance.now() + deadlineMs;
  for (let i = 0; i < cases && performance.now() < until; i++) {
    const input = make(r);
    let outcome: string;
    try {
      const m = decodeContainer(input);
      outcome = mustMatch && fingerprint(m) !== original ? 'WRONG MODEL' : 'decoded';
    } catch (e) {
      if (!isDcError(e)) throw new Error(`case ${i}: not a DcError: ${String(e)}`, { cause: e });
      outcome = e.code;
    }
    seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  }
  return seen;
}

describe('decoder fuzzing', () => {
  const model = sampleModel();
  const { bytes, header, tensors } = encodeContainer({ model }, { gapBits: 3 });
  const sections = tensors.flatMap((t) => t.streams.map((s) => s.data));
  const original = fingerprint(decodeContainer(bytes));

  it('random byte mutations end in a DcError or the original model (3000 cases)', () => {
    const seen = fuzz((r) => mutate(bytes, r), original, true, 3000, 20_000);
    expect(seen.get('WRONG MODEL')).toBeUndefined();
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(3000);
    expect(seen.get('CHECKSUM_MISMATCH')).toBeGreaterThan(500);
  });

  it('mutations with repaired checksums end in a DcError or some model, never a crash (2000 cases)', () => {
    const make = (r: RandomSource): Uint8Array => {
      const h = structuredClone(header) as ContainerHeader & { tensors: Array<{ streams: Record<string, { crc32: number }> }> };
      const secs = sections.map((s) => s.slice());
      if (r.next() < 0.5) {
        // Garble one section's bytes and fix its CRC: only the stream checks stand between it and a wrong model.
        const ti = r.int(h.tensors.length);
        const roles = Object.keys(h.tensors[ti].streams);
        const role = roles[r.int(roles.length)];
        const si = tensors.slice(0, ti).reduce((n, t) => n + t.streams.length, 0) + tensors[ti].streams.findIndex((s) => s.role === role);
        const sec = secs[si];
        for (let k = 0; k < 1 + r.int(3) && sec.length > 0; k++) sec[r.int(sec.length)] = r.int(256);
        h.tensors[ti].streams[role].crc32 = crc32(sec);
        const { offsets, length } = layoutSections(secs.map((s) => s.length));
        return frame(JSON.stringify(h), secs, offsets, length);
      }
      // Change one number of the header JSON and re-frame it with valid checksums.
      const json = JSON.stringify(h);
      const digits = [...json.matchAll(/\d+/g)];
      const d = digits[r.int(digits.length)];
      const replacement = String([0, 1, 7, 255, 65536, 2 ** 31, Number(d[0]) + 1, Number(d[0]) - 1][r.int(8)]);
      const mutated = json.slice(0, d.index) + replacement + json.slice(d.index! + d[0].length);
      const { offsets, length } = layoutSections(secs.map((s) => s.length));
      return frame(mutated, secs, offsets, length);
    };
    const seen = fuzz(make, original, false, 2000, 20_000);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    expect(seen.size).toBeGreaterThan(2);
  });
});

describe('decoder fuzzing: a version 7 file with a seeded tensor', () => {
  const { model, codebooks, connectivity } = seededModel(60, 30);
  const { bytes, header, tensors } = encodeContainer({ model, codebooks, connectivity }, { header: 'compact' });
  const sections = tensors.flatMap((t) => t.streams.map((s) => s.data));
  const original = fingerprint(decodeContainer(bytes));
  const split = splitContainer(bytes);

  it('is a version 7 file whose kernel is seeded', () => {
    expect(split.version).toBe(7);
    expect(header.tensors[0].connectivity).toEqual(connectivity.get('fc1/kernel'));
  });

  it('random byte mutations end in a DcError or the original model (3000 cases)', () => {
    const seen = fuzz((r) => mutate(bytes, r), original, true, 3000, 20_000);
    expect(seen.get('WRONG MODEL')).toBeUndefined();
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(3000);
    expect(seen.get('CHECKSUM_MISMATCH')).toBeGreaterThan(500);
  });

  it('mutations of the compact header or a section, with repaired checksums, end in a DcError or some model (2000 cases)', () => {
    const make = (r: RandomSource): Uint8Array => {
      if (r.next() < 0.5) {
        // Garble one section's bytes, fix its CRC and write the compact header again.
        const h = structuredClone(header) as ContainerHeader & { tensors: Array<{ streams: Record<string, { crc32: number }> }> };
        const secs = sections.map((s) => s.slice());
        const si = r.int(secs.length);
        const ti = tensors.findIndex((_, j) => tensors.slice(0, j + 1).reduce((n, t) => n + t.streams.length, 0) > si);
        const role = tensors[ti].streams[si - tensors.slice(0, ti).reduce((n, t) => n + t.streams.length, 0)].role;
        const sec = secs[si];
        for (let k = 0; k < 1 + r.int(3) && sec.length > 0; k++) sec[r.int(sec.length)] = r.int(256);
        h.tensors[ti].streams[role as string].crc32 = crc32(sec);
        const { offsets, length } = layoutSections(secs.map((s) => s.length));
        return frame(serialiseHeader(h, 7), secs, offsets, length, 7);
      }
      // Mutate the compact header's bytes (seed, keep, entries, descriptors, ...) and re-frame it with valid checksums.
      const out = Array.from(split.headerBytes);
      for (let k = 0; k < 1 + r.int(3); k++) {
        const at = r.int(out.length);
        if (r.next() < 0.5) out[at] ^= 1 << r.int(8);
        else out[at] = r.int(256);
      }
      return joinContainer(Uint8Array.from(out), split.data, { version: r.next() < 0.9 ? 7 : 3, deflate: r.next() < 0.5 });
    };
    const seen = fuzz(make, original, false, 2000, 20_000);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    expect(seen.get('BAD_HEADER')).toBeGreaterThan(100);
    expect(seen.get('CORRUPT_STREAM')).toBeGreaterThan(10);
  });
});
