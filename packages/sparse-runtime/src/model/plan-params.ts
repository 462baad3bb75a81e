/** A node's parameters for the plan: kernels (recurrent ones too) stay compressed, small vectors become float32. */
import { DcError, densify, type CompressedModel, type CompressedTensor, type ParamName, type ResolvedNode } from '@dc/core';

/**
 * The parameters of a step. `kernel` and `recurrentKernel` are as the file stores them (`kernel`
 * re-scaled when a batch norm is folded in); the others are float32, one value per output channel
 * (`prelu`'s `alpha`: one per element of its shape).
 */
export interface PlanParams {
  /** Dense `[in, units]`, conv `[kh, kw, in, filters]`, depthwise `[kh, kw, in, multiplier]`. */
  readonly kernel?: CompressedTensor;
  /** A recurrent layer's recurrent kernel `[units, gates · units]`, as the file stores it. */
  readonly recurrentKernel?: CompressedTensor;
  /** Absent when the node has no bias (a step with a folded batch norm always has one). */
  readonly bias?: Float32Array;
  /** Batch norm: `gamma` (ones without `scale`), `beta` (zeros without `center`), the moving statistics. */
  readonly gamma?: Float32Array;
  readonly beta?: Float32Array;
  readonly movingMean?: Float32Array;
  readonly movingVariance?: Float32Array;
  /** PReLU: `alpha` as the file stores it (shaped as the input with 1 on each shared axis), flat. */
  readonly alpha?: Float32Array;
}

function tensor(cm: CompressedModel, node: ResolvedNode, param: ParamName, shape: readonly number[]): CompressedTensor {
  const key = `${node.name}/${param}`;
  const t = cm.tensors.get(key);
  if (!t) throw new DcError('INVALID_MODEL', `layer "${node.name}" (${node.config.kind}) is missing its tensor "${key}" [${shape.join(', ')}]`, { tensor: key });
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new DcError('INVALID_MODEL', `tensor "${key}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, { tensor: key });
  }
  return t;
}

/** Resolves the parameters core's op table says `node` holds, checking each tensor's shape (`INVALID_MODEL`). */
export function resolveParams(cm: CompressedModel, node: ResolvedNode): PlanParams {
  const out: { -readonly [K in keyof PlanParams]: PlanParams[K] } = {};
  for (const [param, shape] of Object.entries(node.params) as [ParamName, readonly number[]][]) {
    const t = tensor(cm, node, param, shape);
    if (param === 'kernel' || param === 'recurrentKernel') out[param] = t;
    else out[param] = densify(t);
  }
  if (node.config.kind === 'batchNorm') {
    const channels = node.outputShape[node.outputShape.length - 1];
    out.gamma ??= new Float32Array(channels).fill(1);
    out.beta ??= new Float32Array(channels);
  }
  return out;
}
