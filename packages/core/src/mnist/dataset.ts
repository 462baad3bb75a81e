/** A labelled image set, as flat typed arrays (no per-pixel objects). */
export interface ImageSet {
  /** Pixels scaled to [0, 1], `count × height × width`, row-major. */
  readonly images: Float32Array;
  /** Class of each image, 0..9. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

/** Train and test sets. */
export interface ImageDataset {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** The first `count` examples of a set (views, no copy). */
export function sliceSet(set: ImageSet, count: number): ImageSet {
  const n = Math.min(count, set.count);
  const px = set.height * set.width;
  return { ...set, count: n, images: set.images.subarray(0, n * px), labels: set.labels.subarray(0, n) };
}

/** How many examples of each class (index = label). */
export function labelCounts(set: ImageSet, classes = 10): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of set.labels) counts[l]++;
  return counts;
}
