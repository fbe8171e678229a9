/**
 * The data scientist's path through the CLI against a running gateway: `scorer init` writes a
 * folder, `scorer publish` uploads and publishes it (shadowed), `scorer status` shows the shadow
 * agreement after feed traffic, `strategy publish` serves a blend, a refusal comes back coded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initScorerDir } from '../cli/scorer-command';
import { addRemoteScorerCommands, describeScorer, graphql, publishDir, RemoteError, type ScorerStatus } from '../cli/scorer-remote';
import { strategyCommand } from '../cli/strategy-remote';
import { scorerCommand } from '../cli/scorer-command';
import { RecordEventsDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

describe('publishing through the CLI', () => {
  let t: TestGateway;
  let dir: string;
  beforeAll(async () => {
    t = await startTestGateway({ env: { SHADOW_SAMPLE_RATE: '1' } });
    dir = mkdtempSync(join(tmpdir(), 'recgate-ds-'));
    const base = Date.now() - 600_000;
    const events = Array.from({ length: 90 }, (_, k) => ({
      eventId: `c${k}`,
      userId: `u${k % 5}`,
      itemId: `i${(k * 3) % 17}`,
      type: k % 5 === 0 ? 'purchase' : 'view',
      ts: new Date(base + k * 1000).toISOString(),
      value: 0,
    }));
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(90);
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('init, publish in shadow, see agreement, publish a strategy, and get coded refusals', async () => {
    const conn = { url: t.gateway.url.replace('/graphql', ''), key: t.adminKey };
    const folder = join(dir, 'my-scorer');
    initScorerDir(folder, { id: 'ds/pop', columns: ['log1p(item.stats.purchase)', 'pair.co.sum'], weights: [1, 0.5] }, () => undefined);
    const published = await publishDir(conn, folder, { shadow: true, promote: false });
    expect(published).toMatchObject({ id: 'ds/pop', live: null, shadow: '1.0.0' });
    // A feed with no candidates has nothing to shadow-score: count the ones that had some.
    const FEED_QUERY = 'query($u: String!) { feed(userId: $u) { candidateCount } }';
    let scored = 0;
    for (let u = 0; u < 5; u++) {
      const f = await graphql<{ feed: { candidateCount: number } }>(conn, FEED_QUERY, { u: `u${u}` });
      if (f.feed.candidateCount > 0) scored++;
    }
    expect(scored).toBeGreaterThanOrEqual(3);
    let status: ScorerStatus | undefined;
    for (let i = 0; i < 40 && (status?.agreement[0]?.requests ?? 0) < scored; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (
        await graphql<{ publishedScorers: ScorerStatus[] }>(
          conn,
          `
            {
              publishedScorers {
                id
                live
                shadow
                liveHistory
                versions {
                  version
                  description
                  timeoutMs
                  modelSha256
                  modelBytes
                  publishedAt
                  publishedBy
                  loadedHere
                  problem
                }
                agreement {
                  version
                  strategyId
                  requests
                  failures
                  meanRankCorrelation
                  meanTopNOverlap
                  p50Ms
                  p95Ms
                }
              }
            }
          `,
          {},
        )
      ).publishedScorers[0];
    }
    expect(status!.agreement[0]).toMatchObject({ version: '1.0.0', strategyId: 'default', requests: scored, failures: 0 });
    const text = describeScorer(status!);
    expect(text).toMatch(/1\.0\.0 +SHADOW +loaded/);
    expect(text).toMatch(new RegExp(`1\\.0\\.0  default  ${scored}  0  -?\\d\\.\\d{3}`));

    // Publishing the same folder again is refused, coded; a missing folder too.
    await expect(publishDir(conn, folder, { shadow: true, promote: false })).rejects.toMatchObject({ code: 'VERSION_NOT_HIGHER' });
    await expect(publishDir(conn, join(dir, 'nope'), { shadow: true, promote: false })).rejects.toMatchObject({ code: 'INVALID_MANIFEST', details: { field: 'manifest.json' } });
    await expect(publishDir({ ...conn, key: 'rgk_wrong' }, folder, { shadow: true, promote: false })).rejects.toBeInstanceOf(RemoteError);
    await expect(publishDir({ url: 'http://127.0.0.1:1', key: 'k' }, folder, { shadow: true, promote: false })).rejects.toMatchObject({ code: 'UNREACHABLE' });

    // Promote through the command, publish a strategy file through the strategy command.
    const out: string[] = [];
    const group = scorerCommand((s) => out.push(s));
    addRemoteScorerCommands(
      group,
      (s) => out.push(s),
      (s) => out.push(s),
    );
    await group.parseAsync(['promote', 'ds/pop', '--url', conn.url, '--key', conn.key], { from: 'user' });
    expect(out.join('')).toMatch(/ds\/pop {2}live: 1\.0\.0/);
    const file = join(dir, 'blend.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'blend',
        scorers: [
          { id: 'baseline/commercial', weight: 0.5 },
          { id: 'ds/pop', weight: 0.5 },
        ],
      }),
    );
    const sout: string[] = [];
    await strategyCommand(
      (s) => sout.push(s),
      (s) => sout.push(s),
    ).parseAsync(['publish', file, '--url', conn.url, '--key', conn.key], { from: 'user' });
    expect(sout.join('')).toMatch(/blend {2}live: 1 .*served here/);
  });
});
