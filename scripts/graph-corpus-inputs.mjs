/**
 * The range each float-input model of the corpus takes a photograph in, as `x = byte × scale +
 * offset` (`PixelScale` of @dc/cli): what the Human library's sources (github.com/vladmandic/human,
 * `src/`, read 2026-12-04) feed it, so that the benchmark calibrates and judges each model on inputs
 * like those it was trained on. Models not listed take byte / 255 (Human's `tf.div(x, 255)`: the
 * segmenters, the body and hand landmark models, and the face-crop models fed blazeface's crop of
 * the image over 255); int32 inputs (the MoveNets, handtrack, faceboxes) take the bytes.
 */

/** [-1, 1]: `tf.sub(tf.div(x, 127.5), 1)` and its variants. */
const SIGNED = { scale: 1 / 127.5, offset: -1 };
/** Bytes as floats, [0, 255]. */
const BYTES = { scale: 1, offset: 0 };

/** Per model: the pixel scale where it is not byte / 255. */
export const INPUT_PIXELS = {
  // src/face/blazeface.ts getBoxes: resized / 127.5 − 1 (the face detectors Human loads as face.detector).
  blazeface: SIGNED,
  'blazeface-front': SIGNED,
  'blazeface-back': SIGNED,
  'facemesh-detection-short': SIGNED,
  'facemesh-detection-full': SIGNED,
  // src/hand/handposedetector.ts: resized / 127.5 − 1.
  handdetect: SIGNED,
  // src/body/posenet.ts: resized / 127.5 − 1.
  posenet: SIGNED,
  // src/gear/ssrnet-gender.ts and src/gear/emotion.ts: (x / 255 − 0.5) × 2 (one grey channel for
  // gender and emotion; the benchmark's grey is the mean of R, G and B).
  gender: SIGNED,
  'gender-ssrnet-imdb': SIGNED,
  emotion: SIGNED,
  // src/gear/ssrnet-age.ts and src/face/faceres.ts: blazeface's crop (bytes / 255) × 255 again.
  age: BYTES,
  faceres: BYTES,
  'faceres-deep': BYTES,
  // src/object/centernet.ts: the resized image as it is.
  centernet: BYTES,
  // No Human code left; the graph itself starts with (x − 127.5) × 0.0078125.
  mobileface: BYTES,
  // EfficientNet-Lite4 backbone, which its authors' project (daniegr/EfficientPose) feeds
  // x / 127.5 − 1; Human's src/body/efficientpose.ts computes x × 2 − 1 of the bytes ([−1, 509]).
  efficientpose: SIGNED,
};
