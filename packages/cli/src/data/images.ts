/**
 * Photographs as model inputs: PNG (pngjs) and JPEG (jpeg-js) files decoded to RGB bytes, read one
 * by one from a folder in name order.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DcError } from '@dc/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A decoded image: `height × width × 3` RGB bytes, row-major. */
export interface RgbImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** File extensions read as images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** Whether `path` names a photograph (by its extension: `.png`, `.jpg`, `.jpeg`). */
export const isPhotograph = (path: string): boolean => IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());

/** The most pixels a photograph may have: jpeg-js's own limit, held for PNGs too (a PNG's pixels are inflated whole before pngjs checks them). */
export const MAX_IMAGE_MEGAPIXELS = 100;

/** A PNG's width and height from its IHDR chunk (the first), undefined for what does not start like a PNG. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const ihdr = [0x49, 0x48, 0x44, 0x52];
  if (bytes.length < 24 || !ihdr.every((b, i) => bytes[12 + i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decodes one PNG or JPEG file to RGB (alpha dropped, grey expanded); `BAD_DATA_FILE` if it cannot, or if it has more than {@link MAX_IMAGE_MEGAPIXELS} megapixels. */
export async function readImage(path: string): Promise<RgbImage> {
  const bytes = await readFile(path);
  const ext = extname(path).toLowerCase();
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (ext === '.png') {
      const size = pngSize(bytes);
      if (size && size.width * size.height > MAX_IMAGE_MEGAPIXELS * 1e6) throw new Error(`its header says ${size.width} × ${size.height} pixels, more than the ${MAX_IMAGE_MEGAPIXELS} megapixels dc reads`);
      const png = PNG.sync.read(bytes);
      ({ width, height } = png);
      rgba = png.data;
    } else {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
      ({ width, height } = img);
      rgba = img.data;
    }
  } catch (e) {
    throw new DcError('BAD_DATA_FILE', `${path} is not a readable ${ext.slice(1).toUpperCase()} image: ${(e as Error).message}`, { cause: e, hint: `Remove it from the folder, or save it again as PNG or JPEG (dc decodes them with pngjs and jpeg-js: grey, RGB, alpha and palette PNGs, baseline and progressive JPEGs, of at most ${MAX_IMAGE_MEGAPIXELS} megapixels).` });
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j];
    rgb[i + 1] = rgba[j + 1];
    rgb[i + 2] = rgba[j + 2];
  }
  return { name: path, width, height, rgb };
}

/** The paths of every `.png`, `.jpg`, `.jpeg` file of `dir` in name order (`BAD_DATA_FILE` when there is none). */
export async function photographPaths(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter(isPhotograph).sort();
  if (names.length === 0) throw new DcError('BAD_DATA_FILE', `${dir} holds no PNG or JPEG image`, { hint: 'Pass a folder of .png / .jpg photographs, or a .npy array of inputs in the model\'s input shape.' });
  return names.map((n) => join(dir, n));
}

/** Every photograph of `dir` ({@link photographPaths}), decoded. */
export async function readImageDir(dir: string): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for (const path of await photographPaths(dir)) out.push(await readImage(path));
  return out;
}
