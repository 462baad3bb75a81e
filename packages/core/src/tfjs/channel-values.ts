/** Per-channel values a Keras layer's config gives as one number for all channels or one per channel. */

/** `values` (one, or one per channel) as one value per each of `channels`; undefined for another count. */
export function perChannelValues(values: ArrayLike<number>, channels: number): Float32Array | undefined {
  if (values.length !== 1 && values.length !== channels) return undefined;
  return Float32Array.from({ length: channels }, (_, i) => values[values.length === 1 ? 0 : i]);
}
