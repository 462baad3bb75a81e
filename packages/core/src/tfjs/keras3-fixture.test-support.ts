/**
 * Keras 3 model.json fixtures: what tensorflowjs_converter 4.22 writes for the Keras 3 twin of a
 * tfjs model (the shapes follow files the converter wrote for Keras 3.10 models).
 */
import * as tf from '@tensorflow/tfjs';

export type Json = Record<string, unknown>;
/** Keras 3's float32 dtype policy. */
export const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
/** A `__keras_tensor__` argument of a call. */
export const tensor = (history: [string, number, number], shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: history } });
/** A deep copy of JSON. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The artifacts `lm.save` writes. */
export async function artifactsOf(lm: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await lm.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

/** The layers of each model config in `topology`, nested ones too, by model name. */
function layersByModel(config: Json, into = new Map<string, string[]>()): Map<string, string[]> {
  const layers = (config.config as { layers: Json[] }).layers;
  into.set((config.config as { name: string }).name, layers.map((l) => (l.config as { name: string }).name));
  for (const l of layers) if (l.class_name === 'Sequential' || l.class_name === 'Functional' || l.class_name === 'Model') layersByModel(l, into);
  return into;
}

/**
 * What the converter writes for the Keras 3 twin of a tfjs model: the same layers and weights in
 * Keras 3's dialect, each weight named under its model's name and those of the models around it.
 */
export function asKeras3(saved: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const top = clone(saved.modelTopology) as Json;
  const outputShapes = new Map<string, (number | null)[]>();
  const classOf = new Map<string, string>();
  const rewrite = (config: Json) => {
    const c = config.config as Json;
    c.dtype = POLICY;
    for (const key of ['input_layers', 'output_layers']) {
      const list = c[key] as unknown[] | undefined;
      if (list?.length === 1) c[key] = list[0];
    }
    const layers = c.layers as Json[];
    const first = layers[0].config as Json;
    if (config.class_name === 'Sequential' && 'batch_input_shape' in first) {
      // Keras 3's Sequential lists its input as an InputLayer.
      layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: first.batch_input_shape, dtype: 'float32', sparse: false, ragged: false, name: `${String(c.name)}_input` } });
      delete first.batch_input_shape;
    }
    for (const layer of layers) {
      const lc = layer.config as Json;
      classOf.set(String(lc.name), String(layer.class_name));
      layer.module = 'keras.layers';
      layer.registered_name = null;
      if (typeof lc.dtype === 'string') lc.dtype = POLICY;
      if ('batch_input_shape' in lc) {
        lc.batch_shape = lc.batch_input_shape;
        delete lc.batch_input_shape;
        outputShapes.set(String(lc.name), lc.batch_shape as (number | null)[]);
      }
      if (lc.activation === 'swish') lc.activation = 'silu';
      for (const key of Object.keys(lc)) {
        const v = lc[key] as Json | null;
        if (key.endsWith('_initializer') && v && typeof v === 'object') lc[key] = { module: 'keras.initializers', ...v, registered_name: null };
      }
      if (Array.isArray(layer.inbound_nodes)) {
        layer.inbound_nodes = (layer.inbound_nodes as [string, number, number, Json][][]).map((call) => {
          const args = call.map(([name, node, index]) => tensor([name, node, index], outputShapes.get(name) ?? [null]));
          return { args: args.length === 1 ? args : [args], kwargs: {} };
        });
      }
      if (layer.class_name === 'Sequential' || layer.class_name === 'Functional' || layer.class_name === 'Model') rewrite(layer);
    }
  };
  rewrite(top);
  const owner = new Map<string, string[]>();
  const models = layersByModel(top);
  const pathOf = (layer: string, model: string, path: string[]): string[] | undefined => {
    const names = models.get(model) ?? [];
    if (names.includes(layer)) return [...path, model];
    for (const inner of names.filter((n) => models.has(n))) {
      const found = pathOf(layer, inner, [...path, model]);
      if (found) return found;
    }
    return undefined;
  };
  const topName = (top.config as { name: string }).name;
  // A recurrent layer's weights are its cell's: lstm/lstm_cell/kernel.
  const cells: Record<string, string> = { LSTM: 'lstm_cell', GRU: 'gru_cell', SimpleRNN: 'simple_rnn_cell' };
  const weightSpecs = saved.weightSpecs!.map((s) => {
    const [layer, ...rest] = s.name.split('/');
    owner.set(layer, pathOf(layer, topName, []) ?? [topName]);
    const cell = cells[classOf.get(layer) ?? ''];
    // Keras 3 names a depthwise convolution's kernel `kernel` (tf.keras: depthwise_kernel).
    const named = ['DepthwiseConv2D', 'DepthwiseConv1D'].includes(classOf.get(layer) ?? '') && rest.join('/') === 'depthwise_kernel' ? ['kernel'] : rest;
    return { ...s, name: [...owner.get(layer)!, layer, ...(cell ? [cell] : []), ...named].join('/') };
  });
  return { ...saved, modelTopology: { keras_version: '3.10.0', backend: 'tensorflow', model_config: top, training_config: { loss: 'categorical_crossentropy', metrics: ['accuracy'] } }, weightSpecs };
}

/** An IOHandler that loads `artifacts`. */
export const handlerOf = (artifacts: tf.io.ModelArtifacts): tf.io.IOHandler => ({ load: async () => artifacts });
