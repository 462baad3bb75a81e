import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activateTfBackend } from './load-tfjs.js';

describe('activateTfBackend', () => {
  it('activates a registered backend', async () => {
    await activateTfBackend(tf, 'cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it("refuses a backend nothing registered with BACKEND_UNAVAILABLE; for webgpu the hint says where tfjs registers it", async () => {
    // Plain Node has no navigator.gpu, so tfjs-backend-webgpu never registers "webgpu" here.
    await expect(activateTfBackend(tf, 'webgpu')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/"webgpu" is not registered/), hint: expect.stringMatching(/navigator\.gpu exists: a browser .* or choose another backend \(.*cpu/) });
    await expect(activateTfBackend(tf, 'nosuch')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', hint: expect.stringMatching(/^Import the package that registers the "nosuch" tfjs backend first, or choose another backend/) });
    expect(tf.getBackend()).toBe('cpu');
  });
});
