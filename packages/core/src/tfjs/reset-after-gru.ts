/**
 * Keras' GRU with `reset_after=True` — its default since TensorFlow 2, so what every Keras GRU
 * model holds — which tfjs refuses ("GRUCell does not support reset_after parameter set to true"):
 * the reset gate multiplies the recurrent product after it is taken, and the layer has two biases,
 * one added to `x·K`, one to `h·R` (bias `[2, 3·units]`):
 * `z = σ(x·K_z + b_z + h·R_z + b'_z)`, `r = σ(x·K_r + b_r + h·R_r + b'_r)`,
 * `h = z·h + (1 − z)·act(x·K_h + b_h + r·(h·R_h + b'_h))`.
 * A tfjs layer of that computation ({@link registerResetAfterGru}: tfjs's `RNN` over a cell that
 * computes it, so that masks, `goBackwards`, `returnSequences` and `Bidirectional` work as for
 * tfjs's GRU) loads such a model and retrains it; in the IR it is a `gru` node with `resetAfter`.
 * Keras' model.json names it `GRU` with `reset_after: true` ({@link withResetAfterGruClass} renames
 * it for tfjs); tfjs saves it, and `dc export` writes it, under {@link RESET_AFTER_GRU_CLASS}, which
 * a tfjs app loads after {@link registerResetAfterGru}.
 */
import type * as tf from '@tensorflow/tfjs';
import { mapLayerEntries } from './map-layer-entries.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name the tfjs layer registers under (a model.json names it Keras' `GRU`). */
export const RESET_AFTER_GRU_CLASS = 'DcResetAfterGRU';
const CELL_CLASS = 'DcResetAfterGRUCell';

/** A tfjs initializer (what `tf.initializers.*` return). */
type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/** An initializer, or tfjs's name of one (`'zeros'`, `'glorotUniform'`, ...); any other value (a serialised config) gives the default. */
type InitializerArg = Initializer | string | object;

function isInitializer(v: unknown): v is Initializer {
  return typeof v === 'object' && v !== null && typeof (v as { apply?: unknown }).apply === 'function' && typeof (v as { getClassName?: unknown }).getClassName === 'function';
}

/** What the layer and its cell take: tfjs's GRU arguments that matter to the computation. */
export interface ResetAfterGruArgs {
  readonly name?: string;
  readonly units: number;
  readonly activation?: string;
  readonly recurrentActivation?: string;
  readonly useBias?: boolean;
  readonly returnSequences?: boolean;
  readonly goBackwards?: boolean;
  readonly returnState?: boolean;
  readonly stateful?: boolean;
  readonly trainable?: boolean;
  readonly batchInputShape?: (number | null)[];
  readonly inputShape?: (number | null)[];
  readonly dtype?: tf.DataType;
  /** Default, as Keras: glorotUniform for the kernel, orthogonal for the recurrent kernel, zeros for the bias. */
  readonly kernelInitializer?: InitializerArg;
  readonly recurrentInitializer?: InitializerArg;
  readonly biasInitializer?: InitializerArg;
}

/** What both the layer and its cell serialise of the computation, defaults applied. */
function computationConfig({ units, activation, recurrentActivation, useBias }: ResetAfterGruArgs): tf.serialization.ConfigDict {
  return { units, activation: activation ?? 'tanh', recurrentActivation: recurrentActivation ?? 'sigmoid', useBias: useBias ?? true };
}

const resetAfterGruClass = perTfjs((tfjs): new (args: ResetAfterGruArgs) => tf.RNN => {
  class ResetAfterGruCell extends tfjs.layers.Layer {
    static className = CELL_CLASS;
    readonly stateSize: number;
    readonly args: ResetAfterGruArgs;
    private readonly act: tf.layers.Layer;
    private readonly gate: tf.layers.Layer;
    private kernel?: tf.LayerVariable;
    private recurrentKernel?: tf.LayerVariable;
    private bias?: tf.LayerVariable;
    constructor(args: ResetAfterGruArgs) {
      super({ name: args.name });
      this.args = args;
      this.stateSize = args.units;
      this.act = tfjs.layers.activation({ activation: (args.activation ?? 'tanh') as never });
      this.gate = tfjs.layers.activation({ activation: (args.recurrentActivation ?? 'sigmoid') as never });
    }
    override build(inputShape: tf.Shape | tf.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      const u = this.args.units;
      const init = (arg: InitializerArg | undefined, fallback: () => Initializer) => {
        if (isInitializer(arg)) return arg;
        const named = typeof arg === 'string' ? (tfjs.initializers as unknown as Record<string, ((a: object) => Initializer) | undefined>)[arg] : undefined;
        return named ? named({}) : fallback();
      };
      this.kernel = this.addWeight('kernel', [shape[shape.length - 1]!, 3 * u], 'float32', init(this.args.kernelInitializer, () => tfjs.initializers.glorotUniform({})));
      this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', init(this.args.recurrentInitializer, () => tfjs.initializers.orthogonal({})));
      if (this.args.useBias ?? true) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', init(this.args.biasInitializer, () => tfjs.initializers.zeros()));
      this.built = true;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
      return tfjs.tidy(() => {
        const [x, h] = inputs as tf.Tensor2D[];
        let xk: tf.Tensor2D = tfjs.matMul(x, this.kernel!.read() as tf.Tensor2D);
        let hr: tf.Tensor2D = tfjs.matMul(h, this.recurrentKernel!.read() as tf.Tensor2D);
        if (this.bias) {
          const [inputBias, recurrentBias] = tfjs.unstack(this.bias.read());
          xk = tfjs.add(xk, inputBias);
          hr = tfjs.add(hr, recurrentBias);
        }
        const [xz, xr, xh] = tfjs.split(xk, 3, 1);
        const [hz, hrr, hh] = tfjs.split(hr, 3, 1);
        const apply = (layer: tf.layers.Layer, t: tf.Tensor) => layer.call(t, {}) as tf.Tensor;
        const z = apply(this.gate, tfjs.add(xz, hz));
        const r = apply(this.gate, tfjs.add(xr, hrr));
        const candidate = apply(this.act, tfjs.add(xh, tfjs.mul(r, hh)));
        const next = tfjs.add(tfjs.mul(z, h), tfjs.mul(tfjs.sub(1, z), candidate));
        return [next, next];
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...computationConfig(this.args) };
    }
  }
  class ResetAfterGru extends tfjs.RNN {
    static override className = RESET_AFTER_GRU_CLASS;
    constructor(args: ResetAfterGruArgs) {
      super({ ...args, cell: new ResetAfterGruCell(args) } as never);
    }
    override getConfig(): tf.serialization.ConfigDict {
      const config = super.getConfig();
      delete config.cell;
      // Flat, as Keras writes a GRU: the cell's computation beside the RNN's flags.
      return { ...config, ...computationConfig((this.cell as unknown as ResetAfterGruCell).args), resetAfter: true };
    }
    static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
      return new cls(config);
    }
  }
  registerClasses(tfjs, ResetAfterGruCell, ResetAfterGru);
  return ResetAfterGru;
});

/** Registers the layer with `tfjs` (once per tfjs instance), so that a model.json naming it loads. */
export function registerResetAfterGru(tfjs: typeof tf): void {
  resetAfterGruClass(tfjs);
}

/**
 * A new Keras GRU layer, `reset_after=True` (registered with `tfjs`): what `tf.layers.gru` would
 * build if tfjs had Keras' default. A model holding one saves under {@link RESET_AFTER_GRU_CLASS}.
 */
export function resetAfterGru(tfjs: typeof tf, args: ResetAfterGruArgs): tf.RNN {
  return new (resetAfterGruClass(tfjs))(args);
}

/**
 * `topology` (a model.json's `modelTopology`) with each Keras `GRU` of `reset_after: true` named as
 * the layer that computes it, for tfjs to build; `topology` itself where it holds none.
 */
export function withResetAfterGruClass(topology: unknown): unknown {
  return mapLayerEntries(topology, (entry) => (entry.class_name === 'GRU' && entry.config.reset_after === true ? { ...entry, class_name: RESET_AFTER_GRU_CLASS } : undefined));
}

