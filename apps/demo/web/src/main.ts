/**
 * The demo page: picks a backend (WebGPU, else cpu, saying why), loads `./model.dcm` (or
 * `?model=<url>`, or a file from the picker), classifies the MNIST digit sample and what is drawn
 * on the pad. `window.dcDemo` exposes the state for tests and curious users.
 */
import { isDcError } from '@dc/core';
import { decodeDigitSample, digitBatch, type DigitSample } from '../../src/web/sample-format.js';
import { backendRequest, pickBackend, type PageBackend } from './backend.js';
import { setupPad, showBars } from './draw.js';
import { renderGrid, showPredictions } from './grid.js';
import { argmax, loadPageModel, type PageModel } from './model.js';

/** What the page has done, for tests (read-only by convention). */
export interface DemoState {
  backend?: { name: string; detail: string; reason?: string };
  model?: { name: string; fileBytes: number; source: string };
  /** Outputs for the digit sample, `count × 10`, from the current model. */
  sampleOutputs?: Float32Array;
  correct?: number;
  /** Inputs and outputs of the last drawing. */
  drawInput?: Float32Array;
  drawOutput?: Float32Array;
  error?: string;
}

declare global {
  interface Window {
    dcDemo: DemoState;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: DemoState = {};
window.dcDemo = state;
let backend: PageBackend | undefined;
let current: PageModel | undefined;
let sample: DigitSample | undefined;
let drawn: Float32Array | undefined;
let generation = 0;

function showError(e: unknown): void {
  // A DcError's message starts with its [CODE]; its hint says what to do.
  const text = isDcError(e) && e.hint ? `${e.message}\n${e.hint}` : e instanceof Error ? e.message : String(e);
  state.error = text;
  $('error').textContent = text;
  $('error').hidden = false;
  document.body.dataset.state = 'error';
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function classifyDrawing(): Promise<void> {
  if (!current || !drawn) {
    $('draw-result').textContent = '–';
    showBars($('bars'), undefined);
    delete state.drawOutput;
    return;
  }
  const out = await current.session.predict(drawn, 1);
  state.drawInput = drawn;
  state.drawOutput = out;
  const pred = argmax(out);
  $('draw-result').textContent = String(pred);
  $('draw-result').dataset.pred = String(pred);
  showBars($('bars'), out);
}

async function useModel(bytes: Uint8Array, source: string): Promise<void> {
  const my = ++generation;
  document.body.dataset.state = 'loading';
  $('error').hidden = true;
  if (!backend) return;
  const model = await loadPageModel(bytes, source, backend.backend);
  if (my !== generation) return model.session.dispose();
  current?.session.dispose();
  current = model;
  state.model = { name: model.name, fileBytes: model.fileBytes, source };
  $('model').textContent = `model: ${model.name} · ${(model.fileBytes / 1024).toFixed(1)} KiB · ${model.summary}`;
  if (sample) {
    const t0 = performance.now();
    const out = await model.session.predict(digitBatch(sample), sample.count);
    const ms = performance.now() - t0;
    if (my !== generation) return;
    state.sampleOutputs = out;
    state.correct = showPredictions($('grid'), out);
    $('accuracy').textContent = `${state.correct} / ${sample.count} correct · ${sample.count} digits in ${ms.toFixed(1)} ms`;
  }
  await classifyDrawing();
  document.body.dataset.state = 'ready';
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const request = backendRequest(location.search);
  backend = await pickBackend(request);
  state.backend = { name: backend.name, detail: backend.detail, ...(backend.reason ? { reason: backend.reason } : {}) };
  const pill = $('backend');
  pill.dataset.backend = backend.name;
  pill.textContent = `backend: ${backend.name} (${backend.detail})${backend.reason ? ` — not WebGPU: ${backend.reason}` : ''}`;
  pill.title = backend.hint ?? pill.textContent;

  sample = decodeDigitSample(await fetchBytes('./mnist-sample.bin'));
  renderGrid($('grid'), sample);

  setupPad($<HTMLCanvasElement>('pad'), $<HTMLCanvasElement>('preview'), $<HTMLButtonElement>('clear'), (input) => {
    drawn = input;
    classifyDrawing().catch(showError);
  });
  $<HTMLInputElement>('file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    file.arrayBuffer().then((b) => useModel(new Uint8Array(b), file.name)).catch(showError);
  });

  const url = params.get('model') ?? './model.dcm';
  await useModel(await fetchBytes(url), url);
}

start().catch(showError);
