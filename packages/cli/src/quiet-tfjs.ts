/**
 * tfjs prints advice of its own on the console of whatever embeds it: on the cpu backend's first
 * use in Node, a banner recommending `@tensorflow/tfjs-node`. `dc` says which backend it runs on
 * itself, so it switches tfjs to production mode before using it, which in tfjs 4 silences exactly
 * that advice (tfjs's `warn` and `log`; errors still throw). Importing tfjs costs a third of a
 * second or more, so a command that may not need it (`dc run` of a `.dcm` on dc's own backends,
 * `dc export` of a GraphModel file) takes it from here where it does, not before it starts.
 */
import type * as tf from '@tensorflow/tfjs';

/** `@tensorflow/tfjs`, imported (once: a module) and in production mode. */
export async function quietTfjs(): Promise<typeof tf> {
  const { importTfjsPackage } = await import('@dc/core/tfjs');
  const tfjs = await importTfjsPackage('@tensorflow/tfjs');
  tfjs.enableProdMode();
  return tfjs;
}
