/**
 * suggestQueries through the real gateway: a frontend key (feed:read) gets suggestions ranked by
 * the user's dpgcn embedding (DPGCN_MODELS_DIR/<n>, query vectors = LED_TO means of item rows),
 * unknown users get popularity by prefix (cold start), keys without feed:read are refused, and bad
 * input is refused with BAD_USER_INPUT naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent } from '../domain/events';
import { SuggestQueriesDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';
import { writeQueryArtifact } from './support/query-artifact';

const T0 = Date.UTC(2026, 0, 1);
const search = (id: string, userId: string, query: string, itemId: string | null, ts: number): InteractionEvent => ({
  eventId: id,
  userId,
  type: 'search',
  itemId,
  ts,
  value: 0,
  dwellMs: null,
  session: null,
  referrer: null,
  query,
});

describe('suggestQueries', () => {
  let t: TestGateway;
  let frontend: string;
  // DPGCN_MODELS_DIR defaults to ./models/dpgcn: the test's artifact goes to a folder of its own.
  const artifactDir = mkdtempSync(join(tmpdir(), 'recgate-queries-dpgcn-'));
  beforeAll(async () => {
    writeQueryArtifact(artifactDir, { version: 3, users: { fan: [0, 1] }, items: { 'i-lamp': [1, 0], 'i-lantern': [0, 1] } });
    t = await startTestGateway({ env: { QUERY_SUGGEST_REFRESH_MS: '0', DPGCN_MODELS_DIR: artifactDir } });
    await t.store.ingestEvents([
      search('e1', 'a', 'lamp', 'i-lamp', T0),
      search('e2', 'b', 'lamp', 'i-lamp', T0 + 1),
      search('e3', 'c', 'lamp', null, T0 + 2),
      search('e4', 'a', 'lantern', 'i-lantern', T0 + 3),
      search('e5', 'b', 'kettle', null, T0 + 4),
    ]);
    frontend = t.keyFor('frontend');
  });
  afterAll(async () => {
    await t.stop();
    rmSync(artifactDir, { recursive: true, force: true });
  });

  it("ranks by the user's embedding for a known user, by popularity for an unknown one", async () => {
    const fan = await t.gql(SuggestQueriesDocument, { userId: 'fan', prefix: '  LA', limit: 5 }, { key: frontend });
    expect(fan.errors).toBeUndefined();
    expect(fan.data?.suggestQueries).toMatchObject({ userId: 'fan', prefix: 'la', coldStart: false, artifactVersion: 3 });
    expect(fan.data?.suggestQueries.suggestions.map((s) => [s.text, s.source])).toEqual([
      ['lantern', 'personal'],
      ['lamp', 'popular'],
    ]);
    const cold = await t.gql(SuggestQueriesDocument, { userId: 'stranger', prefix: 'la' }, { key: frontend });
    expect(cold.data?.suggestQueries.coldStart).toBe(true);
    expect(cold.data?.suggestQueries.suggestions.map((s) => [s.text, s.source])).toEqual([
      ['lamp', 'popular'],
      ['lantern', 'popular'],
    ]);
    const all = await t.gql(SuggestQueriesDocument, { userId: 'stranger', limit: 1 }, { key: frontend });
    expect(all.data?.suggestQueries.suggestions.map((s) => s.text)).toEqual(['lamp']);
  });

  it('refuses keys without feed:read', async () => {
    const r = await t.gql(SuggestQueriesDocument, { userId: 'fan' }, { key: t.keyFor('ingest') });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'suggestQueries', scope: 'feed:read' });
  });

  it.each([
    [{ userId: '', prefix: 'la' }, 'userId'],
    [{ userId: 'fan', prefix: 'x'.repeat(201) }, 'prefix'],
    [{ userId: 'fan', limit: 0 }, 'limit'],
    [{ userId: 'fan', limit: 51 }, 'limit'],
  ])('refuses %j with BAD_USER_INPUT naming %s', async (vars, field) => {
    const r = await t.gql(SuggestQueriesDocument, vars, { key: frontend });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
