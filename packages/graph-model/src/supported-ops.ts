/**
 * Which TensorFlow ops tfjs-converter can execute. The GraphModel executor maps each node through
 * its op mappers (the `op_list` tables of `@tensorflow/tfjs-converter`, one per op category) or a
 * custom op registered with `tf.registerOp`; a node whose op is in neither fails only when the
 * model runs ("Unknown op"). Reading the converter's own tables here refuses such a model before
 * any work, naming the node.
 */
import { DcError } from '@dc/core';
import { nodesOf } from './graph-def.js';

/** Where users find the ops tfjs supports. */
export const SUPPORTED_OPS_URL = 'https://github.com/tensorflow/tfjs/blob/master/tfjs-converter/docs/supported_ops.md';

type OpList = { readonly json: ReadonlyArray<{ readonly tfOpName: string }> };

let cached: Promise<ReadonlySet<string>> | undefined;

/** The op names the installed tfjs-converter maps (its op categories, as its OperationMapper lists them). */
export function converterOps(): Promise<ReadonlySet<string>> {
  cached ??= (async () => {
    const lists: OpList[] = await Promise.all([
      import('@tensorflow/tfjs-converter/dist/operations/op_list/arithmetic.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/basic_math.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/control.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/convolution.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/creation.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/dynamic.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/evaluation.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/graph.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/hash_table.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/image.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/logical.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/matrices.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/normalization.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/reduction.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/slice_join.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/sparse.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/spectral.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/string.js'),
      import('@tensorflow/tfjs-converter/dist/operations/op_list/transformation.js'),
    ]);
    return new Set(lists.flatMap((l) => l.json.map((m) => m.tfOpName)));
  })();
  return cached;
}

/**
 * `UNSUPPORTED_OP` naming the first node (of the graph or of its functions) whose op
 * tfjs-converter cannot execute; ops in `customOps` (registered with `tf.registerOp`) are
 * accepted. `source` names the model in the message.
 */
export async function checkGraphOps(topology: Readonly<Record<string, unknown>>, source: string, customOps: readonly string[] = []): Promise<void> {
  const known = await converterOps();
  for (const node of nodesOf(topology)) {
    const op = String(node.op);
    if (known.has(op) || customOps.includes(op)) continue;
    throw new DcError('UNSUPPORTED_OP', `${source}: node "${String(node.name)}" uses op ${op}, which tfjs-converter cannot execute`, {
      tensor: String(node.name),
      hint: `tfjs runs only the ops listed at ${SUPPORTED_OPS_URL}: convert the model again without ${op}, or register it with tf.registerOp('${op}', ...) and pass customOps: ['${op}'].`,
    });
  }
}
