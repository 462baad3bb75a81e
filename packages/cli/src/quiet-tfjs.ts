/**
 * tfjs prints advice of its own on the console of whatever embeds it: on the cpu backend's first
 * use in Node, a banner recommending `@tensorflow/tfjs-node`. `dc` says which backend it runs on
 * itself, so its commands switch tfjs to production mode, which in tfjs 4 silences exactly that
 * advice (tfjs's `warn` and `log`; errors still throw).
 */
export async function quietTfjs(): Promise<void> {
  (await import('@tensorflow/tfjs')).enableProdMode();
}
