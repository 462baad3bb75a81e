/**
 * The drawing pad: white strokes on black with the mouse (pointer events), turned into a 28×28
 * MNIST-style input by `preprocessDrawing` after every stroke.
 */
import { preprocessDrawing } from '../../src/web/preprocess.js';
import { paintDigit } from './grid.js';

/** Stroke width on the 280 px pad: about MNIST's pen relative to its 20 px box. */
const LINE_WIDTH = 22;

/** Wires `pad`; calls `onDigit` with the 784 inputs after each stroke, or `undefined` after Clear. */
export function setupPad(pad: HTMLCanvasElement, preview: HTMLCanvasElement, clear: HTMLButtonElement, onDigit: (input: Float32Array | undefined) => void): void {
  const ctx = pad.getContext('2d', { willReadFrequently: true })!;
  const reset = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pad.width, pad.height);
    paintDigit(preview, new Float32Array(784));
  };
  reset();
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineWidth = LINE_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  let last: { x: number; y: number } | undefined;
  const at = (e: PointerEvent) => {
    const r = pad.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * pad.width) / r.width, y: ((e.clientY - r.top) * pad.height) / r.height };
  };
  const finish = () => {
    if (!last) return;
    last = undefined;
    const rgba = ctx.getImageData(0, 0, pad.width, pad.height).data;
    const ink = new Float32Array(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i] / 255;
    const input = preprocessDrawing(ink, pad.width, pad.height);
    paintDigit(preview, input ?? new Float32Array(784), 255);
    onDigit(input);
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.beginPath();
    ctx.arc(last.x, last.y, LINE_WIDTH / 2, 0, 2 * Math.PI);
    ctx.fill();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
  });
  pad.addEventListener('pointerup', finish);
  pad.addEventListener('pointercancel', finish);
  clear.addEventListener('click', () => {
    ctx.fillStyle = '#000';
    reset();
    ctx.fillStyle = '#fff';
    onDigit(undefined);
  });
}

/** Fills `root` with one bar per class. */
export function showBars(root: HTMLElement, probs: Float32Array | undefined): void {
  root.replaceChildren();
  if (!probs) return;
  const max = Math.max(...probs);
  probs.forEach((p, i) => {
    const label = document.createElement('span');
    label.textContent = String(i);
    const track = document.createElement('div');
    const fill = document.createElement('div');
    fill.className = 'fill';
    fill.style.width = `${Math.max(0, (100 * p) / (max > 0 ? max : 1))}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.textContent = p.toFixed(3);
    root.append(label, track, value);
  });
}
