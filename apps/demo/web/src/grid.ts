/** The grid of MNIST test digits with predicted (and, when wrong, true) labels. */
import type { DigitSample } from '../../src/web/sample-format.js';
import { argmax } from './model.js';

/** Paints 28×28 bytes (0 = black) onto a canvas. */
export function paintDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, scale = 1): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < canvas.width * canvas.height; i++) {
    const v = Math.round(pixels[i] * scale);
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}

/** Draws one cell per digit (label unknown until {@link showPredictions}). */
export function renderGrid(root: HTMLElement, sample: DigitSample): void {
  root.replaceChildren();
  const size = sample.rows * sample.cols;
  for (let i = 0; i < sample.count; i++) {
    const cell = document.createElement('div');
    cell.className = 'cell';
    cell.dataset.index = String(i);
    cell.dataset.label = String(sample.labels[i]);
    const canvas = document.createElement('canvas');
    canvas.width = sample.cols;
    canvas.height = sample.rows;
    paintDigit(canvas, sample.pixels.subarray(i * size, (i + 1) * size));
    const label = document.createElement('div');
    label.className = 'label';
    label.textContent = '…';
    cell.append(canvas, label);
    root.append(cell);
  }
}

/** Writes each cell's prediction (`data-pred`, `data-correct`) and returns the number correct. */
export function showPredictions(root: HTMLElement, outputs: Float32Array): number {
  let correct = 0;
  for (const cell of root.querySelectorAll<HTMLElement>('.cell')) {
    const i = Number(cell.dataset.index);
    const pred = argmax(outputs, i * 10);
    const truth = Number(cell.dataset.label);
    const ok = pred === truth;
    if (ok) correct++;
    cell.dataset.pred = String(pred);
    cell.dataset.correct = String(ok);
    cell.title = `predicted ${pred} (p = ${outputs[i * 10 + pred].toFixed(3)}), true ${truth}`;
    cell.querySelector('.label')!.textContent = ok ? `${pred}` : `${pred} (${truth})`;
  }
  return correct;
}
