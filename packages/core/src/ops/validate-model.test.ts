import { describe, expect, it } from 'vitest';
import type { Layer, LayerConfig, Model } from '../ir/model.js';
import { thrownErrorCode } from '../testing/error-code.js';
import { tinyConvModel, tinyGraphModel } from '../testing/fixtures.js';
import { withRandomParams, type TopologySpec } from '../testing/random-params.js';
import { layerNormRowSize } from './batch-norm.js';
import { checkGraph } from './check-graph.js';
import { requiredOpset } from './opset.js';
import { validateModel } from './validate-model.js';

/** `tinyConvModel` with the config of layer `i` replaced (params refilled to fit). */
function withConfig(i: number, config: unknown): Model {
  const m = tinyConvModel();
  const layers = m.layers.map((l, j) => ({ name: l.name, config: (j === i ? config : l.config) as LayerConfig, ...(l.inputs ? { inputs: l.inputs } : {}) }));
  return { ...m, layers: layers.map((l) => ({ ...l, params: m.layers.find((x) => x.name === l.name)!.params })) };
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  return { code: 'no error', message: '' };
}

describe('the op table through validateModel', () => {
  it('resolves a graph: explicit inputs, every shape, the parameters each node needs', () => {
    const g = validateModel(tinyGraphModel());
    const shape = (n: string) => g.nodes.find((x) => x.name === n)!.outputShape;
    expect(g.inputName).toBe('image');
    expect(shape('stem')).toEqual([10, 10, 4]);
    expect(shape('down')).toEqual([5, 5, 8]);
    expect(shape('proj')).toEqual([5, 5, 3]);
    expect(shape('cat')).toEqual([5, 5, 11]);
    expect(shape('gap')).toEqual([11]);
    expect(g.outputShape).toEqual([5]);
    expect(g.nodes.find((x) => x.name === 'bn')!.params).toEqual({ gamma: [4], beta: [4], movingMean: [4], movingVariance: [4] });
    expect(g.nodes.find((x) => x.name === 'down')!.params).toEqual({ kernel: [3, 3, 4, 2] });
    expect(g.nodes.find((x) => x.name === 'dw')!.inputs).toEqual(['relu6']);
  });

  it.each([
    ['an unknown kind', { kind: 'lstm' }, 'is not a known node kind'],
    ['an unknown field', { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid', extra: 1 }, 'unknown field "extra"'],
    ['a missing field', { kind: 'maxPool2d', poolSize: [2, 2], padding: 'valid' }, '.strides'],
    ['a zero pool window', { kind: 'maxPool2d', poolSize: [2, 0], strides: [2, 2], padding: 'valid' }, 'poolSize[1]'],
    ['a pooling kind on a conv layer', { kind: 'avgPool2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true }, 'poolSize'],
    ['an unknown activation', { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'gelu2', useBias: true }, 'activation'],
    ['a numeric activation', { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 42, useBias: true }, 'activation'],
    ['a null activation', { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: null, useBias: true }, 'activation'],
    ['a missing useBias', { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' }, 'useBias'],
    ['a removed kernelSize', { kind: 'conv2d', filters: 4, strides: [1, 1], padding: 'same', activation: 'relu', useBias: true }, 'kernelSize'],
    ['strides and dilation together', { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [2, 2], dilationRate: [2, 2], padding: 'same', activation: 'relu', useBias: true }, 'dilationRate'],
    ['an upsampling by more than 1,024', { kind: 'upSampling2d', size: [1, 1025] }, '.size: must be at most 1024 along each axis'],
    ['a transposed convolution striding more than 1,024 (an upsampling too)', { kind: 'conv2dTranspose', filters: 4, kernelSize: [3, 3], strides: [65536, 1], padding: 'same', activation: 'relu', useBias: true }, '.strides: must be at most 1024 along each axis'],
  ])('refuses %s with INVALID_MODEL naming the field', (_, config, fragment) => {
    const e = errorOf(() => validateModel(withConfig(0, config)));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain(fragment);
  });

  it('refuses bias tensors that disagree with useBias, and non-finite values', () => {
    const m = tinyConvModel();
    const noBias = { ...m, layers: m.layers.map((l, i) => (i === 0 ? { ...l, config: { ...(l.config as object), useBias: false } as LayerConfig } : l)) };
    expect(errorOf(() => validateModel(noBias)).message).toContain('"bias" its configuration does not use');
    const missing = { ...m, layers: m.layers.map((l, i) => (i === 0 ? { ...l, params: { kernel: l.params.kernel } } : l)) };
    expect(errorOf(() => validateModel(missing)).message).toContain('missing its bias');
    const nan = tinyConvModel();
    (nan.layers[0].params.kernel!.values as Float32Array)[3] = NaN;
    expect(errorOf(() => validateModel(nan)).message).toContain('non-finite');
  });

  it('refuses broken topologies: empty, forward references, dead nodes, wrong arity, mismatched merges', () => {
    const g = tinyGraphModel();
    const edit = (f: (layers: Layer[]) => Layer[]): Model => ({ ...g, layers: f([...g.layers]) });
    expect(errorOf(() => validateModel({ ...g, layers: [] })).message).toContain('1 to');
    expect(errorOf(() => validateModel(edit((ls) => ls.map((l) => (l.name === 'dw' ? { ...l, inputs: ['pw'] } : l))))).message).toContain('neither the model input nor an earlier node');
    expect(errorOf(() => validateModel(edit((ls) => ls.map((l) => (l.name === 'cat' ? { ...l, inputs: ['down', 'down'] } : l))))).message).toContain('does not feed the model output');
    expect(errorOf(() => validateModel(edit((ls) => ls.map((l) => (l.name === 'sum' ? { ...l, config: { kind: 'subtract' }, inputs: ['relu6', 'pw', 'bn'] } : l))))).message).toContain('takes 2 inputs');
    expect(errorOf(() => validateModel(edit((ls) => ls.map((l) => (l.name === 'cat' ? { ...l, config: { kind: 'add' } } : l))))).message).toContain('do not fit');
    expect(errorOf(() => validateModel(edit((ls) => ls.map((l) => (l.name === 'bn' ? { ...l, name: 'stem' } : l))))).message).toContain('duplicate');
  });

  it('tells a tfjs model passed by mistake to convert it first', () => {
    const fake = { getClassName: () => 'Sequential', layers: [] } as unknown as Model;
    expect(thrownErrorCode(() => validateModel(fake))).toBe('INVALID_MODEL');
    expect(errorOf(() => validateModel(fake)).message).toContain('tfjs model');
  });

  it('infers same/valid, strided and dilated windows as tfjs does, odd sizes included', () => {
    const conv = (strides: number, dilation: number, padding: 'same' | 'valid') =>
      checkGraph({ inputShape: [7, 9, 2], layers: [{ name: 'c', config: { kind: 'conv2d', filters: 3, kernelSize: [3, 3], strides: [strides, strides], padding, dilationRate: [dilation, dilation], activation: 'linear', useBias: false } }] }, 'INVALID_MODEL').outputShape;
    expect(conv(1, 1, 'same')).toEqual([7, 9, 3]);
    expect(conv(2, 1, 'same')).toEqual([4, 5, 3]);
    expect(conv(2, 1, 'valid')).toEqual([3, 4, 3]);
    expect(conv(1, 2, 'valid')).toEqual([3, 5, 3]);
    const m = withRandomParams({ name: 'pad', inputShape: [5, 6, 2], layers: [
      { name: 'zp', config: { kind: 'zeroPadding2d', amounts: [[1, 2], [0, 3]] } },
      { name: 'crop', config: { kind: 'cropping2d', amounts: [[0, 1], [2, 2]] } },
      { name: 'perm', config: { kind: 'permute', dims: [3, 1, 2] } },
      { name: 'flat', config: { kind: 'reshape', targetShape: [-1] } },
    ] });
    expect(validateModel(m).outputShape).toEqual([2 * 7 * 5]);
  });

  it('says which op set a topology needs: masking needs op set 3, dropout variants 2; a mask value must be a finite number within ±1e30', () => {
    const one = (config: Record<string, unknown>) => withRandomParams({ name: 'm', inputShape: [4, 2], layers: [{ name: 'mask', config: config as unknown as LayerConfig }] }, 1);
    expect([requiredOpset(one({ kind: 'masking', maskValue: -1 })), requiredOpset(one({ kind: 'dropout', rate: 0.1, variant: 'alphaDropout' }))]).toEqual([3, 2]);
    expect(validateModel(one({ kind: 'masking', maskValue: -1 })).outputShape).toEqual([4, 2]);
    for (const maskValue of [Infinity, Number.NaN, 1e31, '-1', undefined]) expect(thrownErrorCode(() => validateModel(one({ kind: 'masking', maskValue })))).toBe('INVALID_MODEL');
    // Masking was a dropout variant before it became a node kind (op set 3, unreleased then).
    expect(thrownErrorCode(() => validateModel(one({ kind: 'dropout', rate: 0, variant: 'masking' })))).toBe('INVALID_MODEL');
  });

  it('a layer norm over several trailing axes has gamma and beta of their shape; more axes than the input has, or not an integer from 1 to 8, is refused', () => {
    const ln = (trailingAxes: unknown) => ({ name: 'l', inputShape: [4, 5, 6], layers: [{ name: 'ln', config: { kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true, trailingAxes } as unknown as LayerConfig }] });
    const model = withRandomParams(ln(2) as TopologySpec, 1);
    expect([model.layers[0].params.gamma?.shape, model.layers[0].params.beta?.shape, validateModel(model).outputShape]).toEqual([[5, 6], [5, 6], [4, 5, 6]]);
    expect(layerNormRowSize([4, 5, 6], { trailingAxes: 3 })).toBe(120);
    expect(layerNormRowSize([4, 5, 6], {})).toBe(6);
    const gammaOfLastAxis = { ...model, layers: [{ ...model.layers[0], params: { gamma: { shape: [6], values: new Float32Array(6) }, beta: model.layers[0].params.beta! } }] };
    expect(thrownErrorCode(() => validateModel(gammaOfLastAxis))).toBe('INVALID_MODEL');
    for (const trailingAxes of [4, 0, 1.5, '2']) expect(thrownErrorCode(() => validateModel({ ...model, layers: [{ ...model.layers[0], config: { ...model.layers[0].config, trailingAxes } as unknown as LayerConfig }] }))).toBe('INVALID_MODEL');
  });

  it('reads a thresholdedRelu activation with its theta (op set 3); theta on another activation, or not finite, is refused', () => {
    const act = (config: Record<string, unknown>) => withRandomParams({ name: 't', inputShape: [4], layers: [{ name: 'a', config: { kind: 'activation', ...config } as LayerConfig }] }, 1);
    expect(validateModel(act({ activation: 'thresholdedRelu', theta: -0.5 })).outputShape).toEqual([4]);
    expect([requiredOpset(act({ activation: 'thresholdedRelu' })), requiredOpset(act({ activation: 'leakyRelu', alpha: 0.2 }))]).toEqual([3, 2]);
    expect(thrownErrorCode(() => validateModel(act({ activation: 'relu', theta: 0.5 })))).toBe('INVALID_MODEL');
    expect(thrownErrorCode(() => validateModel(act({ activation: 'thresholdedRelu', theta: Infinity })))).toBe('INVALID_MODEL');
  });

  it('refuses a graph whose activations together pass 2^30 elements per sample, naming the node that passes it (each within 2^26)', () => {
    const chain = (n: number) => ({ inputShape: [1024, 1024, 64], layers: Array.from({ length: n }, (_, i) => ({ name: `act${i}`, config: { kind: 'activation', activation: 'relu' } })) });
    expect(checkGraph(chain(16), 'BAD_HEADER').outputShape).toEqual([1024, 1024, 64]);
    expect(errorOf(() => checkGraph(chain(17), 'BAD_HEADER'))).toEqual({ code: 'BAD_HEADER', message: `[BAD_HEADER] layer "act16": brings the model's activations to more than ${2 ** 30} elements per sample` });
  });

  it('reads Keras 3\'s hard_silu as a node and as a layer\'s activation (op set 3); a topology claiming op set 2 with it is refused', () => {
    const act = withRandomParams({ name: 't', inputShape: [4], layers: [{ name: 'a', config: { kind: 'activation', activation: 'hard_silu' } }] }, 1);
    const dense = withRandomParams({ name: 't', inputShape: [4], layers: [{ name: 'd', config: { kind: 'dense', units: 3, activation: 'hard_silu', useBias: true } }] }, 1);
    expect([validateModel(act).outputShape, validateModel(dense).outputShape]).toEqual([[4], [3]]);
    expect([requiredOpset(act), requiredOpset(dense)]).toEqual([3, 3]);
    expect(() => checkGraph(dense, 'BAD_HEADER', { opset: 2 })).toThrow(/uses fields or activations of op set 3, but declares op set 2$/);
  });

  it('checks dot nodes as strictly as tfjs builds them: two inputs of rank 1 or 2, axes in range, equal summed extents, no parameters; op set 3', () => {
    const dot = (config: Record<string, unknown>, inputShape: number[] = [3, 4], inputs = ['x', 'y'], params: Layer['params'] = {}): Model => ({
      name: 'dots',
      inputShape,
      layers: [
        { name: 'x', config: { kind: 'dropout', rate: 0 }, inputs: ['input'], params: {} },
        { name: 'y', config: { kind: 'dropout', rate: 0 }, inputs: ['input'], params: {} },
        { name: 'dot', config: { kind: 'dot', ...config } as LayerConfig, inputs, params },
      ],
    });
    const shape = (config: Record<string, unknown>, inputShape?: number[]) => validateModel(dot(config, inputShape)).outputShape;
    expect([shape({ axes: [2, 2], normalize: false }), shape({ axes: [1, 1], normalize: true }), shape({ axes: [2, 1], normalize: false }, [4, 4]), shape({ axes: [1, 1], normalize: false }, [5])]).toEqual([[3, 3], [4, 4], [4, 4], [1]]);
    expect(requiredOpset(dot({ axes: [2, 2], normalize: false }))).toBe(3);
    const problems: [Model, string][] = [
      [dot({ axes: [0, 2], normalize: false }), 'config.axes[0]: must be an integer in [1, 2], got 0'],
      [dot({ axes: [2, 3], normalize: false }), 'config.axes[1]: must be an integer in [1, 2], got 3'],
      [dot({ axes: [2], normalize: false }), 'config.axes: must be two axes'],
      [dot({ axes: 2, normalize: false }), 'config.axes: must be an array of 1 to 2 integers'],
      [dot({ axes: [2, 2] }), 'config.normalize: must be true or false'],
      [dot({ axes: [2, 2], normalize: false, axis: -1 }), 'unknown field "axis"'],
      [dot({ axes: [2, 1], normalize: false }), 'the summed axes differ in extent: axis 2 of the first input has 4, axis 1 of the second 3'],
      [dot({ axes: [2, 2], normalize: false }, [5]), 'axis 2 of the first input does not exist: its shape is [5]'],
      [dot({ axes: [2, 2], normalize: false }, [2, 3, 4]), 'the first input has shape [2, 3, 4]: dot takes inputs of rank 1 or 2'],
      [dot({ axes: [2, 2], normalize: false }, [3, 4], ['x']), '"dot" takes 2 inputs, got 1'],
      [dot({ axes: [2, 2], normalize: false }, [3, 4], ['x', 'y', 'x']), '"dot" takes 2 inputs, got 3'],
      [dot({ axes: [2, 2], normalize: false }, [3, 4], ['x', 'y'], { kernel: { shape: [4, 4], values: new Float32Array(16) } }), 'holds a parameter "kernel"'],
    ];
    for (const [model, fragment] of problems) expect(errorOf(() => validateModel(model))).toEqual({ code: 'INVALID_MODEL', message: expect.stringContaining(fragment) as string });
    expect(errorOf(() => checkGraph(dot({ axes: [2, 2], normalize: false }), 'BAD_HEADER', { opset: 2 })).message).toContain('"dot" needs op set 3, the file declares 2');
  });
});
