import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readImage, readImageDir } from './images.js';

describe('readImage / readImageDir', () => {
  it('decodes a grey PNG with alpha to RGB, dropping alpha and spreading grey over the three channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-images-'));
    const png = new PNG({ width: 2, height: 1, colorType: 4, inputColorType: 4 });
    png.data.set([10, 10, 10, 255, 200, 200, 200, 0]);
    writeFileSync(join(dir, 'a.png'), PNG.sync.write(png, { colorType: 4, inputColorType: 6 }));
    const img = await readImage(join(dir, 'a.png'));
    expect([img.width, img.height, Array.from(img.rgb)]).toEqual([2, 1, [10, 10, 10, 200, 200, 200]]);
  });

  it('refuses a file that does not decode with BAD_DATA_FILE naming it, and a hint saying what dc reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-images-'));
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    writeFileSync(join(dir, 'broken.jpg'), 'not a jpeg');
    for (const name of ['broken.png', 'broken.jpg']) {
      const e = await readImage(join(dir, name)).catch((x: unknown) => x);
      expect(e, name).toMatchObject({ code: 'BAD_DATA_FILE', message: expect.stringMatching(new RegExp(`${name.replace('.', '\\.')} is not a readable (PNG|JPG) image: `)), hint: expect.stringMatching(/^Remove it from the folder, or save it again as PNG or JPEG/) });
    }
    await expect(readImageDir(dir)).rejects.toMatchObject({ code: 'BAD_DATA_FILE', message: expect.stringContaining('broken.jpg') });
  });

  it('refuses a PNG whose header declares more than 100 megapixels before inflating any of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-images-'));
    // A real 1 × 1 PNG with its IHDR's width and height set to 20,000 × 20,000 (a forged or bomb PNG: 1.6 GB of RGBA).
    const bytes = PNG.sync.write(new PNG({ width: 1, height: 1 }));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(16, 20_000);
    view.setUint32(20, 20_000);
    writeFileSync(join(dir, 'huge.png'), bytes);
    const e = await readImage(join(dir, 'huge.png')).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'BAD_DATA_FILE', message: expect.stringMatching(/huge\.png is not a readable PNG image: its header says 20000 × 20000 pixels, more than the 100 megapixels dc reads$/), hint: expect.stringContaining('of at most 100 megapixels') });
  });
});
