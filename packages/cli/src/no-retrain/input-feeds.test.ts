import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInputFeeds } from './input-feeds.js';

/** `n` solid grey PNGs of 4×4 pixels, grey levels 0, 255, 0, 255, ..., in `dir`. */
function writeGreyPhotos(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < n; k++) {
    const png = new PNG({ width: 4, height: 4 });
    const grey = k % 2 === 0 ? 0 : 255;
    for (let i = 0; i < 16; i++) png.data.set([grey, grey, grey, 255], i * 4);
    writeFileSync(join(dir, `p${k}.png`), PNG.sync.write(png));
  }
}

describe('readInputFeeds: a pixel scale with several inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-input-feeds-'));
  const photos = join(dir, 'photos');
  const metadata = Float32Array.from({ length: 4 * 2 }, (_, i) => i + 0.5);
  const specs = [
    { name: 'image', shape: [-1, 4, 4, 3], dtype: 'float32' as const },
    { name: 'metadata', shape: [-1, 2], dtype: 'float32' as const },
  ];
  const pixels = { scale: [2 / 255], offset: [-1] };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    writeGreyPhotos(photos, 4);
    writeFileSync(join(dir, 'metadata.npy'), Buffer.from(dump(metadata, [4, 2])));
    writeFileSync(join(dir, 'image.npy'), Buffer.from(dump(new Float32Array(4 * 48).fill(255), [4, 4, 4, 3])));
  });

  it('scales the photographs and takes a .npy beside them as given', async () => {
    const feeds = await readInputFeeds(tf, [photos, join(dir, 'metadata.npy')], specs, { pixels, batchSize: 4 });
    const [image, meta] = feeds.batches[0];
    // Grey 0 and 255 as 2 · byte / 255 − 1: −1 and 1.
    expect(Array.from(new Set(image.dataSync()))).toEqual([-1, 1]);
    expect(Array.from(meta.dataSync())).toEqual(Array.from(metadata));
    expect(feeds.source).toBe('images+npy');
    // One scale per colour channel: the metadata's two columns are not channels to check it against.
    const perChannel = await readInputFeeds(tf, [photos, join(dir, 'metadata.npy')], specs, { pixels: { scale: [1, 2, 3], offset: [0, 0, 0] }, batchSize: 4 });
    expect(Array.from(perChannel.batches[0][0].dataSync().subarray(48, 51))).toEqual([255, 510, 765]);
    expect(Array.from(perChannel.batches[0][1].dataSync())).toEqual(Array.from(metadata));
    tf.dispose([...feeds.batches.flat(), ...perChannel.batches.flat()]);
  });

  it('refuses a pixel scale with several inputs and no photographs (it would apply to nothing) with INVALID_OPTION; x = raw reads them as given', async () => {
    const arrays = [join(dir, 'image.npy'), join(dir, 'metadata.npy')];
    await expect(readInputFeeds(tf, arrays, specs, { pixels })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('none of') });
    const raw = await readInputFeeds(tf, arrays, specs, { pixels: { scale: [1], offset: [0] }, batchSize: 4 });
    expect(raw.batches[0][0].dataSync()[0]).toBe(255);
    tf.dispose(raw.batches.flat());
  });

  it('scales a .npy of a model of one input, as before', async () => {
    const feeds = await readInputFeeds(tf, [join(dir, 'image.npy')], specs.slice(0, 1), { pixels, batchSize: 4 });
    expect(feeds.batches[0][0].dataSync()[0]).toBe(1);
    tf.dispose(feeds.batches.flat());
  });
});
