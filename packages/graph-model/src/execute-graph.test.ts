import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { executeGraph } from './execute-graph.js';

/** A hand-written GraphDef: `relu = Relu(x)` and `where = Where(x)` (a dynamic shape, so `execute` refuses it). */
async function loadModel(): Promise<tf.GraphModel> {
  const float = { type: 'DT_FLOAT' };
  return tf.loadGraphModel(
    tf.io.fromMemory({
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '4' }] } } } },
          { name: 'relu', op: 'Relu', input: ['x'], attr: { T: float } },
          { name: 'where', op: 'Where', input: ['x'], attr: { T: float } },
        ],
        versions: { producer: 1 },
      },
      weightSpecs: [],
      weightData: new ArrayBuffer(0),
    }),
  );
}

describe('executeGraph', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs with execute where the graph allows it, else executeAsync, asking execute once per node list', async () => {
    const model = await loadModel();
    const execute = vi.spyOn(model, 'execute');
    const executeAsync = vi.spyOn(model, 'executeAsync');
    const x = tf.tensor1d([0, -1, 0, 2]);
    for (let run = 0; run < 2; run++) {
      const [relu] = await executeGraph(model, x, ['relu']);
      expect(Array.from(await relu.data())).toEqual([0, 0, 0, 2]);
      const [where] = await executeGraph(model, x, ['where']);
      expect(await where.array()).toEqual([[1], [3]]);
      tf.dispose([relu, where]);
    }
    // relu: execute twice; where: refused by execute once, then straight to executeAsync.
    expect(execute).toHaveBeenCalledTimes(3);
    expect(executeAsync).toHaveBeenCalledTimes(2);
    x.dispose();
    model.dispose();
  });
});
