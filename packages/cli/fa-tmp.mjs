import * as tf from '@tensorflow/tfjs';
import { readModelArtifacts } from '../core/dist/tfjs/index.js';
import { createGraphRunner } from './dist/no-retrain/graph-runner.js';
const { artifacts } = await readModelArtifacts('/tmp/corpus/package/models/facemesh-attention.json', 'graph-model');
const r = await createGraphRunner(tf, artifacts);
try { const out = await r.run(new Map(), [tf.zeros([1,192,192,3])]); console.log('ok', out.length); } catch (e) { console.log(e.stack.split('\n').slice(0,12).join('\n')); }
const gm = await import('../graph-model/dist/index.js');
try { const s = await gm.graphModelSource(artifacts, 'fa.json', { tf }); console.log('source ok', s.tensors.length); } catch (e) { console.log('source:', e.stack.split('\n').slice(0,8).join('\n')); }
try { const out = await r.run(new Map(), [tf.randomUniform([1,192,192,3])]); console.log('ok rand', out.length); } catch (e) { console.log(e.stack.split('\n').slice(0,12).join('\n')); }
