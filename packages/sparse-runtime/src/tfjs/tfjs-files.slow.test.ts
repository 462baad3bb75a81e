import * as tf from '@tensorflow/tfjs';
import { describeFileConformance } from '../testing/file-conformance.js';
import { createTfjsBackend } from './index.js';

describeFileConformance({ backendName: 'tfjs-wasm', createBackend: () => createTfjsBackend({ tf, tfBackend: 'wasm' }) });
