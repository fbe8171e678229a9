/**
 * A plugin whose model file is missing or does not fit its declared layout does not stop the
 * gateway: it is skipped with its reason logged, strategies naming it are skipped, the feed is
 * served. Relative model paths resolve against MODELS_DIR.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseStrategy } from '../../pipeline/strategy';
import { createCommercialScorer } from '../../plugins/baseline';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import { FeedDocument, RecordEventsDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { createStatsOnnxScorer, writeLogisticModel } from '../support/onnx-scorer';

type Line = Record<string, unknown>;

function capture(): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('boot with a broken scorer plugin', () => {
  const models = mkdtempSync(join(tmpdir(), 'boot-skip-models-'));
  const strategies = mkdtempSync(join(tmpdir(), 'boot-skip-strategies-'));
  mkdirSync(join(models, 'acme'));
  writeLogisticModel(join(models, 'acme'), 'five.onnx', 5);
  writeFileSync(join(strategies, 'onnx.json'), JSON.stringify({ id: 'onnx', scorers: [{ id: 'acme/missing', weight: 1 }] }));
  const plugins = (): ScorerPlugin[] => [
    createCommercialScorer(),
    createStatsOnnxScorer({ id: 'acme/missing', uri: 'acme/missing.onnx' }),
    createStatsOnnxScorer({ id: 'acme/narrow', uri: 'acme/five.onnx' }),
  ];
  const env = { MODELS_DIR: models, STRATEGIES_DIR: strategies };
  let t: TestGateway | undefined;
  afterAll(async () => {
    await t?.stop();
    rmSync(models, { recursive: true, force: true });
    rmSync(strategies, { recursive: true, force: true });
  });

  it('boots, logs why each plugin was skipped, skips the strategy naming one, and serves the feed', async () => {
    const { logger, lines } = capture();
    t = await startTestGateway({ plugins: plugins(), strategy: parseStrategy({ id: 'plain', scorers: [{ id: 'baseline/commercial', weight: 1 }] }), env, logger });
    const skipped = lines.filter((l) => l.msg === 'scorer plugin skipped: strategies naming it are not served');
    expect(skipped.map((l) => [l.scorerId, l.code])).toEqual([
      ['acme/missing', 'INVALID_PLUGIN'],
      ['acme/narrow', 'MODEL_SHAPE_MISMATCH'],
    ]);
    expect(skipped[0]!.reason).toContain(`cannot open model ${join(models, 'acme', 'missing.onnx')}`);
    expect(skipped[1]!.reason).toMatch(/\[N, 5\], 5 wide; the declared layout needs float32 \[N, 6\]/);
    const strategySkip = lines.find((l) => l.msg === 'strategy not served here');
    expect(strategySkip?.reason).toMatch(/scorer "acme\/missing" was skipped \(INVALID_PLUGIN: .*missing\.onnx/);
    expect(t.gateway.registry.list().map((r) => r.id)).toEqual(['baseline/commercial']);
    const health = (await (await t.get('/healthz')).json()) as { scorers: string[]; skippedScorers: Array<{ id: string; code: string; reason: string }> };
    expect(health.scorers).toEqual(['baseline/commercial@1.0.0']);
    expect(health.skippedScorers.map((k) => [k.id, k.code])).toEqual([
      ['acme/missing@1.0.0', 'INVALID_PLUGIN'],
      ['acme/narrow@1.0.0', 'MODEL_SHAPE_MISMATCH'],
    ]);
    expect(health.skippedScorers[0]!.reason).toContain('missing.onnx');

    const ts = new Date(Date.now() - 60_000).toISOString();
    const events = Array.from({ length: 12 }, (_, k) => ({ eventId: `b${k}`, userId: `u${k % 3}`, type: k % 4 === 0 ? 'purchase' : 'view', itemId: `i${k % 6}`, ts, value: k % 4 === 0 ? 10 : 0 }));
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(12);
    const { data, errors } = await t.gql(FeedDocument, { userId: 'u1', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data!.feed.items).toHaveLength(3);
    expect(data!.feed.degraded).toEqual([]);
  });

  it('refuses to boot when the default strategy names a skipped plugin, giving the reason', async () => {
    const start = startTestGateway({ plugins: plugins(), strategy: parseStrategy({ scorers: [{ id: 'acme/missing', weight: 1 }] }), env });
    await expect(start).rejects.toMatchObject({ code: 'INVALID_STRATEGY', message: expect.stringMatching(/"acme\/missing" was skipped \(INVALID_PLUGIN: .*missing\.onnx/) });
  });
});
