import { admitScorer } from './admission';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { timeProbeInWorker } from './probe-timer';
import { probeFeeds } from './admission';
import { scaffoldLinearScorer } from './scaffold';

const { manifest, modelBytes } = scaffoldLinearScorer({ id: 'acme/t', columns: ['log1p(item.stats.purchase)', 'pair.co.sum', 'item.price'], weights: [1, 2, 3] });

describe('timing the probe on a worker thread', () => {
  it('measures the model off this thread, even while this thread is blocked', async () => {
    const timing = timeProbeInWorker({ bytes: modelBytes, feeds: probeFeeds(manifest, 64), attempts: 3, timeoutMs: 50 });
    // Block this event loop for 300 ms while the worker runs: a main-thread timer would count it.
    const until = performance.now() + 300;
    while (performance.now() < until);
    const ms = await timing;
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(50);
  });

  it('rejects bytes that are not a model, and a worker that runs past its limit', async () => {
    await expect(timeProbeInWorker({ bytes: new Uint8Array([1, 2, 3]), feeds: probeFeeds(manifest, 4), attempts: 1, timeoutMs: 50 })).rejects.toThrow();
    await expect(timeProbeInWorker({ bytes: modelBytes, feeds: probeFeeds(manifest, 4), attempts: 1, timeoutMs: 50 }, 1)).rejects.toThrow(/no answer within 1 ms/);
  });

  it('admission refuses by the injected timing, and reports a failed timing as threw', async () => {
    const opts = { loadModelBytes: loadOnnxModelBytes };
    await expect(admitScorer(manifest, modelBytes, { ...opts, timeProbe: async () => 99 })).rejects.toMatchObject({
      code: 'MODEL_PROBE_FAILED',
      details: { problem: 'too-slow', ms: 99, timeoutMs: 50 },
    });
    await expect(admitScorer(manifest, modelBytes, { ...opts, timeProbe: () => Promise.reject(new Error('worker died')) })).rejects.toMatchObject({
      code: 'MODEL_PROBE_FAILED',
      details: { problem: 'threw' },
    });
    expect((await admitScorer(manifest, modelBytes, { ...opts, timeProbe: (p) => timeProbeInWorker(p) })).probeMs).toBeLessThan(50);
  });
});
