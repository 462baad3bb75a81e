/**
 * dc's tfjs classes (layers and activations tfjs lacks) each extend a class of one tfjs instance,
 * so they are defined, and registered with its serialisation, once per instance on first use,
 * never at import.
 */
import type * as tf from '@tensorflow/tfjs';

/** `define`, run once per tfjs instance; later calls with the same instance return its first result. */
export function perTfjs<T>(define: (tfjs: typeof tf) => T): (tfjs: typeof tf) => T {
  const made = new WeakMap<object, T>();
  return (tfjs) => {
    if (!made.has(tfjs)) made.set(tfjs, define(tfjs));
    return made.get(tfjs) as T;
  };
}

/** Registers `classes` with `tfjs`'s serialisation, so that `tf.loadLayersModel` reads a model.json naming them. */
export function registerClasses(tfjs: typeof tf, ...classes: readonly unknown[]): void {
  for (const c of classes) tfjs.serialization.registerClass(c as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
