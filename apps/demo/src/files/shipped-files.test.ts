/**
 * The shipped `.dcm` files stay reproducible: re-encoding each file's decoded model with the
 * writer stage and options recorded last in its provenance gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import { containerInputOf, decodeContainer, describeContainer, encodeFile, type Stage, type StageContext } from '@dc/core';
import { huffmanCoder, huffmanEncode } from '@dc/huffman';
import { ransCoder } from '@dc/rans';
import { describe, expect, it } from 'vitest';
import { DEMO_WRITER_OPTIONS } from '../steps/compress.js';

// The paper preset's files, and the seeded preset's (format version 7: seeds in place of positions).
const FILES = ['lenet-300-100', 'lenet-5', 'lenet-300-100-seeded', 'lenet-5-seeded'];
const coders = { huffman: huffmanCoder, rans: ransCoder };
const decoders = Object.values(coders);

/** The writer stage a file's provenance names, with the options it recorded. */
function writerOf(name: string, options: unknown): Stage {
  if (name === 'dc:huffman') return huffmanEncode(options as never);
  if (name === 'dc:encode') {
    const o = options as { coders: Array<keyof typeof coders> };
    return encodeFile({ ...o, coders: o.coders.map((c) => coders[c]) } as never);
  }
  throw new Error(`no writer for stage ${name}`);
}

/** Runs `stage` alone as if it came after `stages` (their provenance goes into the file). */
async function reencode(stage: Stage, bytes: Uint8Array): Promise<Uint8Array> {
  const input = containerInputOf(decodeContainer(bytes, { decoders }));
  const ctx: StageContext = {
    random: { seed: 0, next: () => 0, int: () => 0, fork: () => ctx.random },
    signal: new AbortController().signal,
    reporter: { info: () => {}, warn: () => {} },
    stages: input.stages,
    progress: () => {},
    throwIfAborted: () => {},
  };
  const artifacts = { 'quantize/codebooks': input.codebooks, 'prune/masks': input.masks, 'prune/connectivity': input.connectivity };
  const out = await stage.apply({ model: input.model, artifacts }, ctx);
  return out.artifacts['encode/file'].bytes;
}

describe('shipped .dcm files', () => {
  it("are each listed in compressed/README.md with their bytes and ratio to float32", () => {
    const readme = readFileSync(new URL('../../compressed/README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((l) => /^\| `[^`]+\.dcm` \|/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[1])).toEqual(FILES.map((f) => `\`${f}.dcm\``));
    for (const [, name, , bytesCell, ratioCell] of rows) {
      const bytes = new Uint8Array(readFileSync(new URL(`../../compressed/${name.slice(1, -1)}`, import.meta.url)));
      const elements = [...decodeContainer(bytes, { decoders }).tensors.values()].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
      expect(bytesCell).toBe(bytes.length.toLocaleString('en'));
      expect(ratioCell).toBe(`${((4 * elements) / bytes.length).toFixed(1)}×`);
    }
  });

  for (const file of FILES) {
    it(`${file}.dcm is byte-identical when re-encoded from its decoded model by its writer stage`, async () => {
      const bytes = new Uint8Array(readFileSync(new URL(`../../compressed/${file}.dcm`, import.meta.url)));
      const last = decodeContainer(bytes, { decoders }).stages.at(-1)!;
      const again = await reencode(writerOf(last.name, last.options), bytes);
      expect(again.length).toBe(bytes.length);
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      const d = describeContainer(bytes, { decoders });
      expect(d.totals.header + d.totals.padding + d.totals.codebook + d.totals.codes + d.totals.gaps + d.totals.values).toBe(bytes.length);
      // Written by the demo's writer, as `pnpm demo` writes files now.
      expect(last).toEqual({ name: 'dc:encode', options: expect.objectContaining({ coders: ['huffman', 'rans'], ...DEMO_WRITER_OPTIONS }) });
    });
  }
});
