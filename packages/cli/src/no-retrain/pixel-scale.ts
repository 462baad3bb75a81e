/**
 * How raw data (a photograph's bytes, a `.npy` array's values) become a float model input:
 * `x = raw × scale + offset`, one pair for every channel or one per channel (ImageNet's mean and
 * standard deviation per colour), from `--input-scale` / `--input-offset` or a file's record.
 */
import { DcError, type Preprocessing } from '@dc/core';

/** What `--input-scale` and `--input-offset` take: one number (every channel) or one per channel. */
export type ScaleFlag = number | readonly number[];

/**
 * `x = raw × scale[c] + offset[c]` for channel `c`: two lists of one length, 1 (every channel) or
 * one per channel, e.g. `{ scale: [2 / 255], offset: [-1] }` for a model trained on [-1, 1]. The
 * form of a file's preprocessing record. Without one: photographs `byte / 255`, a `.npy` as given.
 */
export type PixelScale = Preprocessing;

/** The pixel scale a command applies, and where it came from: its flags, or the file's record. */
export type InputScaling = PixelScale & { readonly source: 'flags' | 'file' };

const listOf = (v: ScaleFlag): number[] => (typeof v === 'number' ? [v] : [...v]);

/**
 * The pixel scale of `--input-scale` / `--input-offset` when either is given, else undefined. The
 * missing one takes `defaults` (byte / 255 for photographs); a single number goes with a list as
 * that number for every channel; two lists of different lengths are `INVALID_OPTION`.
 */
export function pixelScaleOf(o: { readonly inputScale?: ScaleFlag; readonly inputOffset?: ScaleFlag }, defaults: { readonly scale: number; readonly offset: number } = { scale: 1 / 255, offset: 0 }): PixelScale | undefined {
  if (o.inputScale === undefined && o.inputOffset === undefined) return undefined;
  const scale = listOf(o.inputScale ?? defaults.scale);
  const offset = listOf(o.inputOffset ?? defaults.offset);
  if (scale.length === 0 || offset.length === 0 || (scale.length > 1 && offset.length > 1 && scale.length !== offset.length)) {
    throw new DcError('INVALID_OPTION', `--input-scale gives ${scale.length} value(s) and --input-offset ${offset.length}: give one number, or one per channel to both`, {
      option: 'input-scale',
      hint: 'e.g. --input-scale 0.01712,0.01751,0.01743 --input-offset -2.1179,-2.0357,-1.8044 for ImageNet mean and standard deviation per channel.',
    });
  }
  const n = Math.max(scale.length, offset.length);
  const widen = (l: number[]) => (l.length === n ? l : new Array<number>(n).fill(l[0]));
  return { scale: widen(scale), offset: widen(offset) };
}

/**
 * A file's preprocessing record as the pixel scale of its photographs. Scale 1, offset 0 (float
 * training data, taken as given) says nothing about photographs: undefined, so they stay byte / 255
 * (and a `.npy` as given either way).
 */
export function pixelScaleOfRecord(record: Preprocessing | undefined): PixelScale | undefined {
  if (!record || record.scale.length === 0) return undefined;
  if (record.scale.every((s) => s === 1) && record.offset.every((b) => b === 0)) return undefined;
  return { scale: [...record.scale], offset: [...record.offset] };
}

/** The flags' pixel scale when either flag is given, else the file's record ({@link pixelScaleOfRecord}), else undefined. */
export function inputScaling(o: { readonly inputScale?: ScaleFlag; readonly inputOffset?: ScaleFlag }, record: Preprocessing | undefined): InputScaling | undefined {
  const flags = pixelScaleOf(o);
  if (flags) return { ...flags, source: 'flags' };
  const recorded = pixelScaleOfRecord(record);
  return recorded ? { ...recorded, source: 'file' } : undefined;
}

/** `byte × s + o`, or `byte × [s1, s2, s3] + [o1, o2, o3]` per channel. */
export function formatPixelScale(p: PixelScale): string {
  const f = (l: readonly number[]) => (l.length === 1 ? String(l[0]) : `[${l.join(', ')}]`);
  return `byte × ${f(p.scale)} + ${f(p.offset)}`;
}

/** Applies `f(value, channel)` to every value of a row-major array of `shape`, its channel on `axis`. */
export function mapChannels<T extends Float32Array | Int32Array>(values: ArrayLike<number>, shape: readonly number[], axis: number, out: T, f: (v: number, channel: number) => number): T {
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channels = shape[axis] ?? 1;
  for (let i = 0; i < values.length; i++) out[i] = f(values[i], Math.floor(i / stride) % channels);
  return out;
}

/** The scale and offset of channel `c` (a list of one: the same for every channel). */
export function channelPair(p: PixelScale, c: number): [number, number] {
  return [p.scale.length === 1 ? p.scale[0] : p.scale[c], p.offset.length === 1 ? p.offset[0] : p.offset[c]];
}
