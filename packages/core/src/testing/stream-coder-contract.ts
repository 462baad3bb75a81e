import { describe, expect, it } from 'vitest';
import { decodeContainer } from '../container/decode.js';
import { encodeContainer, type EncodeContainerOptions } from '../container/encode.js';
import type { StreamCoder } from '../container/stream-codec.js';
import { isDcError } from '../errors/dc-error.js';
import { createRandom, type RandomSource } from '../random.js';
import { expectDecodedExactly, randomCodedModel, type RandomLayerSpec } from './random-model.js';

/** Options of {@link runStreamCoderContract}. */
export interface StreamCoderContractOptions {
  /** Random models written and read back (default 60). */
  readonly models?: number;
  /** Mutated streams and files decoded (default 1500 each). */
  readonly mutations?: number;
}

function randomSymbols(r: RandomSource, bits: number, count: number): Uint8Array | Uint16Array {
  const spread = 1 + r.int(bits);
  const skew = r.next();
  const draw = () => (r.next() < skew ? r.int(2) : r.int(2 ** spread));
  return bits <= 8 ? Uint8Array.from({ length: count }, draw) : Uint16Array.from({ length: count }, draw);
}

function randomSpec(r: RandomSource): RandomLayerSpec {
  const density = [0, 1, 0.02, r.next()][r.int(4)];
  return { inputs: 1 + r.int(120), units: 1 + r.int(40), density, bits: r.int(11), bias: r.next() < 0.5, seed: r.int(1 << 30) };
}

/** One random mutation of `bytes`: bit flips, overwrites, truncation, insertion or deletion. */
function mutate(bytes: Uint8Array, r: RandomSource): Uint8Array {
  const out = Array.from(bytes);
  for (let k = 0; k < 1 + r.int(3); k++) {
    const at = r.int(out.length + 1);
    const kind = r.int(5);
    if (kind === 0) out[at] ^= 1 << r.int(8);
    else if (kind === 1) out[at] = r.int(256);
    else if (kind === 2) out.length = at;
    else if (kind === 3) out.splice(at, 0, r.int(256));
    else out.splice(at, 1);
  }
  return Uint8Array.from(out);
}

/**
 * The contract every stream coder (a `StreamCoder` plug-in of the `.dcm` writer) must honour, as
 * a vitest suite; third-party coders run it too:
 * ```ts
 * runStreamCoderContract('rans', ransCoder);
 * ```
 * Checks: a valid encoding name; streams of every width round-trip (or are declined) with the
 * table bytes the decoder reports; random pruned, clustered models written with the coder read
 * back exactly under any layout options; mutated streams end in `CORRUPT_STREAM` or a result of
 * the right size, mutated files in a `DcError` or the original model, and files whose coded
 * streams were corrupted (with valid checksums) in a `DcError` or a model, never another exception.
 */
export function runStreamCoderContract(title: string, coder: StreamCoder, options: StreamCoderContractOptions = {}): void {
  const models = options.models ?? 60;
  const mutations = options.mutations ?? 1500;
  describe(`stream coder contract: ${title}`, () => {
    it('has an encoding name a file can carry and names its decoder module', () => {
      expect(coder.encoding).toMatch(/^[a-z0-9][a-z0-9._:-]*$/);
      expect(coder.encoding).not.toBe('raw');
      expect(coder.decoderModule.length).toBeGreaterThan(0);
    });

    it('round-trips random streams of every width (or declines them), reporting its table bytes', () => {
      const r = createRandom(1);
      for (let i = 0; i < 200; i++) {
        const bits = 1 + r.int(16);
        const symbols = randomSymbols(r, bits, r.int(4) === 0 ? r.int(3) : r.int(3000));
        const enc = coder.encodeSymbols(symbols, bits);
        if (!enc) continue;
        expect([...coder.decodeSymbols(enc.data, symbols.length, bits)]).toEqual([...symbols]);
        expect(enc.tableBytes).toBeGreaterThanOrEqual(0);
        expect(enc.tableBytes).toBeLessThanOrEqual(enc.data.length);
        if (coder.tableBytes) expect(coder.tableBytes(enc.data, bits)).toBe(enc.tableBytes);
      }
    });

    it('writes random pruned, clustered models that read back exactly, under any layout options', () => {
      const r = createRandom(2);
      for (let i = 0; i < models; i++) {
        const { model, codebooks } = randomCodedModel(Array.from({ length: 1 + r.int(3) }, () => randomSpec(r)));
        const layout: EncodeContainerOptions = { gapBits: (['auto', 1, 2, 4, 8] as const)[r.int(5)], layout: (['auto', 'sparse', 'dense'] as const)[r.int(3)], order: (['auto', 'row', 'column'] as const)[r.int(3)] };
        const { bytes } = encodeContainer({ model, codebooks }, { ...layout, encoders: [coder] });
        expectDecodedExactly(model, codebooks, decodeContainer(bytes, { decoders: [coder] }));
      }
    });

    it('decodes mutated streams to CORRUPT_STREAM or the right number of symbols, never another exception', () => {
      const r = createRandom(3);
      const seen = new Set<string>();
      for (let i = 0; i < mutations; i++) {
        const bits = 1 + r.int(12);
        const symbols = randomSymbols(r, bits, 1 + r.int(2000));
        const enc = coder.encodeSymbols(symbols, bits);
        if (!enc) continue;
        const count = r.int(10) === 0 ? r.int(2 * symbols.length + 2) : symbols.length;
        try {
          const out = coder.decodeSymbols(mutate(enc.data, r), count, bits);
          expect(out.length).toBe(count);
          seen.add('ok');
        } catch (e) {
          if (!isDcError(e)) throw e;
          seen.add(e.code);
        }
      }
      expect([...seen].filter((c) => c !== 'ok' && c !== 'CORRUPT_STREAM')).toEqual([]);
    });

    it('reads mutated files to a DcError or the original model, within a time bound', () => {
      const { model, codebooks } = randomCodedModel([{ inputs: 60, units: 30, density: 0.1, bits: 4, bias: true, seed: 2 }]);
      const { bytes } = encodeContainer({ model, codebooks }, { encoders: [coder] });
      const r = createRandom(5);
      const counts = new Map<string, number>();
      const t0 = performance.now();
      for (let i = 0; i < mutations; i++) {
        let outcome = 'original';
        try {
          expectDecodedExactly(model, codebooks, decodeContainer(mutate(bytes, r), { decoders: [coder] }));
        } catch (e) {
          if (!isDcError(e)) throw e;
          outcome = e.code;
        }
        counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      }
      expect(performance.now() - t0).toBeLessThan(30_000);
      expect(counts.get('CHECKSUM_MISMATCH')).toBeGreaterThan(mutations / 4);
    });

    it('reads files whose coded streams are corrupt (checksums valid) to a DcError or a model', () => {
      const r = createRandom(4);
      // A coder that corrupts what it writes, so the file's CRCs cover the corrupted streams.
      const corrupting: StreamCoder = { ...coder, encodeSymbols: (symbols, bits) => {
        const enc = coder.encodeSymbols(symbols, bits);
        return enc && { ...enc, data: mutate(enc.data, r) };
      } };
      const seen = new Set<string>();
      for (let i = 0; i < Math.ceil(mutations / 10); i++) {
        const { model, codebooks } = randomCodedModel([{ ...randomSpec(r), inputs: 30 + r.int(60), density: 0.05 + r.next() / 3, bits: 1 + r.int(6) }]);
        const { bytes } = encodeContainer({ model, codebooks }, { encoders: [corrupting] });
        try {
          decodeContainer(bytes, { decoders: [coder] });
          seen.add('model');
        } catch (e) {
          if (!isDcError(e)) throw e;
          seen.add(e.code);
        }
      }
      expect([...seen].filter((c) => c !== 'model' && c !== 'CORRUPT_STREAM')).toEqual([]);
    });
  });
}
