import { densify, isDcError, type CompressedModel } from '@dc/core';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { joinContainer, splitContainer } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../cpu/index.js';
import { createSession } from '../session.js';
import { encodeModelFile } from '../testing/encode-file.js';
import { randomInput, randomMlp, randomModel } from '../testing/random-model.js';
import { loadCompressedModel } from './load.js';

const cm = randomMlp({ seed: 3, sizes: [64, 32, 10], density: 0.1, bits: 5 });

async function errorOf(p: Promise<unknown>) {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(isDcError(e), String(e)).toBe(true);
  return e as { code: string; hint: string; message: string; tensor?: string };
}

describe('loadCompressedModel', () => {
  it('loads a real .dcm file (bytes, path, file URL, ArrayBuffer) keeping codes and codebooks, not dense weights', async () => {
    const bytes = encodeModelFile(cm);
    const dir = await mkdtemp(join(tmpdir(), 'dc-rt-'));
    const path = join(dir, 'm.dcm');
    await writeFile(path, bytes);
    for (const source of [bytes, path, pathToFileURL(path), bytes.slice().buffer]) {
      const m = await loadCompressedModel(source);
      expect(m.fileBytes).toBe(bytes.byteLength);
      expect(m.inputShape).toEqual([64]);
      expect(m.outputShape).toEqual([10]);
      const k = m.compressed.tensors.get('dense_1/kernel')!;
      expect(k.layout).toBe('sparse-coded');
      if (k.layout === 'sparse-coded') expect(k.codes).toBeInstanceOf(Uint8Array);
      expect(densify(k)).toEqual(densify(cm.tensors.get('dense_1/kernel')!));
    }
  });

  it('a session on the file predicts exactly what a session on the in-memory model predicts', async () => {
    const fromFile = await createSession(await loadCompressedModel(encodeModelFile(cm)), { backend: createCpuBackend() });
    const fromModel = await createSession(await loadCompressedModel(cm), { backend: createCpuBackend() });
    const x = randomInput(1, 5 * 64);
    expect(await fromFile.predict(x, 5)).toEqual(await fromModel.predict(x, 5));
  });

  it('reports a file that is not a .dcm as BAD_MAGIC, a cut one as TRUNCATED_FILE, a flipped byte as CHECKSUM_MISMATCH', async () => {
    const bytes = encodeModelFile(cm);
    expect((await errorOf(loadCompressedModel(new TextEncoder().encode('{"not": "a model file at all"}')))).code).toBe('BAD_MAGIC');
    expect((await errorOf(loadCompressedModel(bytes.slice(0, bytes.length - 9)))).code).toBe('TRUNCATED_FILE');
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 0xff;
    expect((await errorOf(loadCompressedModel(flipped))).code).toBe('CHECKSUM_MISMATCH');
  });

  it('names the package to install when a stream encoding has no decoder (UNKNOWN_ENCODING)', async () => {
    const e = await errorOf(loadCompressedModel(encodeModelFile(cm), { decoders: [] }));
    expect(e.code).toBe('UNKNOWN_ENCODING');
    expect(e.message + e.hint).toMatch(/huffman/i);
  });

  it('reports a missing file with FILE_NOT_FOUND naming it, and a hint', async () => {
    const e = await errorOf(loadCompressedModel(join(tmpdir(), 'no-such-dir-dc', 'x.dcm')));
    expect([e.code, e.message]).toEqual(['FILE_NOT_FOUND', expect.stringMatching(/model file .*x\.dcm: no such file or folder$/)]);
    expect(e.hint).toMatch(/\.dcm/);
  });

  it('rejects a node kind core\'s op table lacks (a model built in memory) with UNSUPPORTED_LAYER naming the node, its kind and what is supported', async () => {
    const bad: CompressedModel = { ...cm, layers: [...cm.layers, { name: 'lstm_1', config: { kind: 'lstm' } as never }] };
    const e = await errorOf(loadCompressedModel(bad));
    expect(e.code).toBe('UNSUPPORTED_LAYER');
    expect(e.message).toMatch(/layer "lstm_1" has kind "lstm"/);
    expect(e.hint).toMatch(/depthwiseConv2d/);
    expect(e.tensor).toBe('lstm_1');
  });

  it('a file with a node kind no op set defines fails at load naming the node and kind (BAD_HEADER); one from a newer op set names the version', async () => {
    const { version, header, data } = splitContainer(encodeModelFile(cm));
    const edited = structuredClone(header) as { opset?: number; model: { layers: { config: { kind: string } }[] } };
    edited.model.layers[1].config.kind = 'lstm';
    const e = await errorOf(loadCompressedModel(joinContainer(JSON.stringify(edited), data, { version })));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toMatch(/dense_2.*"lstm" is not a known node kind/);
    const newer = { ...(header as object), opset: 99 };
    expect((await errorOf(loadCompressedModel(joinContainer(JSON.stringify(newer), data, { version })))).code).toBe('UNSUPPORTED_VERSION');
  });

  it('rejects a kernel whose shape does not match its layer with INVALID_MODEL', async () => {
    const tensors = new Map(cm.tensors);
    tensors.set('dense_2/kernel', { layout: 'dense', shape: [31, 10], values: new Float32Array(310) });
    expect((await errorOf(loadCompressedModel({ ...cm, tensors }))).code).toBe('INVALID_MODEL');
  });

  it('plans conv models with SAME/VALID shapes', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const m = await loadCompressedModel(randomModel(seed, 'conv'));
      expect(m.inputSize).toBe(m.inputShape.reduce((a, b) => a * b, 1));
      expect(m.plan.steps.length).toBe(m.compressed.layers.length);
    }
  });
});
