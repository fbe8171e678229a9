import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent } from '../../../domain/events';
import { ErrorCode } from '../../../errors/codes';
import { createGraphStore } from '../../../graph/factory';
import type { GraphStore } from '../../../graph/port';
import { writeQueryArtifact } from '../../../test/support/query-artifact';
import { checkSuggestInput, createQuerySuggester, MAX_SUGGEST_LIMIT } from './service';

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

let dir: string;
let store: GraphStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recgate-queries-'));
  store = await createGraphStore({ kind: 'embedded', path: join(dir, 'store.db') });
  // "lamp" is the popular query; "lantern" led to the item the user's vector points at.
  await store.ingestEvents([
    search('e1', 'u2', 'lamp', 'i-lamp', T0),
    search('e2', 'u3', 'lamp', 'i-lamp', T0 + 1),
    search('e3', 'u4', 'lamp', null, T0 + 2),
    search('e4', 'u2', 'lantern', 'i-lantern', T0 + 3),
    search('e5', 'u3', 'ladder', null, T0 + 4),
    search('e6', 'u5', 'kettle', null, T0 + 5),
  ]);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkSuggestInput', () => {
  it('normalises the prefix and refuses bad input with BAD_USER_INPUT naming the field', () => {
    expect(checkSuggestInput({ userId: ' u1 ', prefix: '  LA  ' })).toEqual({ userId: 'u1', prefix: 'la', limit: 10 });
    const field = (input: Parameters<typeof checkSuggestInput>[0]): unknown => {
      try {
        checkSuggestInput(input);
      } catch (err) {
        return [(err as { code: string }).code, (err as { details: { field: string } }).details.field];
      }
      return 'accepted';
    };
    expect(field({ userId: '' })).toEqual([ErrorCode.BAD_USER_INPUT, 'userId']);
    expect(field({ userId: 'u', prefix: 'x'.repeat(201) })).toEqual([ErrorCode.BAD_USER_INPUT, 'prefix']);
    expect(field({ userId: 'u', prefix: 5 })).toEqual([ErrorCode.BAD_USER_INPUT, 'prefix']);
    expect(field({ userId: 'u', limit: 0 })).toEqual([ErrorCode.BAD_USER_INPUT, 'limit']);
    expect(field({ userId: 'u', limit: MAX_SUGGEST_LIMIT + 1 })).toEqual([ErrorCode.BAD_USER_INPUT, 'limit']);
    expect(field({ userId: 'u', limit: 2.5 })).toEqual([ErrorCode.BAD_USER_INPUT, 'limit']);
    expect(field({ userId: 'u', limit: MAX_SUGGEST_LIMIT })).toBe('accepted');
  });
});

describe('createQuerySuggester', () => {
  it("without an artifact: popularity by prefix, the user's own queries boosted, cold start", async () => {
    const s = createQuerySuggester({ store, artifactDir: null });
    const anon = await s.suggest({ userId: 'nobody', prefix: 'La' });
    expect(anon).toMatchObject({ prefix: 'la', coldStart: true, artifactVersion: null });
    expect(anon.suggestions.map((x) => [x.text, x.source])).toEqual([
      ['lamp', 'popular'],
      ['ladder', 'popular'],
      ['lantern', 'popular'],
    ]);
    // u2 searched lamp and lantern: lantern passes ladder (same count, earlier in text order) by recency.
    const u2 = await s.suggest({ userId: 'u2', prefix: 'la' });
    expect(u2.suggestions.map((x) => [x.text, x.source])).toEqual([
      ['lamp', 'recent'],
      ['lantern', 'recent'],
      ['ladder', 'popular'],
    ]);
  });

  it("with an artifact: ranks by the user's vector (LED_TO mean or the query's own row); unknown users fall back", async () => {
    const artifactDir = join(dir, 'models', 'dpgcn');
    writeQueryArtifact(artifactDir, { version: 1, users: { u1: [0, 1], u9: [1, 0] }, items: { 'i-lamp': [1, 0], 'i-lantern': [0, 1] } });
    const s = createQuerySuggester({ store, artifactDir, refreshMs: 0 });
    const u1 = await s.suggest({ userId: 'u1', prefix: 'la' });
    expect(u1).toMatchObject({ coldStart: false, artifactVersion: 1 });
    expect(u1.suggestions.map((x) => [x.text, x.source])).toEqual([
      ['lantern', 'personal'],
      ['lamp', 'popular'],
      ['ladder', 'popular'],
    ]);
    expect((await s.suggest({ userId: 'u9', prefix: 'la' })).suggestions[0]).toMatchObject({ text: 'lamp', source: 'personal' });
    expect((await s.suggest({ userId: 'ghost', prefix: 'la' })).coldStart).toBe(true);
    // A new version with its own query rows (contract 1) replaces the LED_TO means once the snapshot is rebuilt.
    writeQueryArtifact(artifactDir, { version: 2, users: { u1: [0, 1] }, items: { 'i-lamp': [1, 0] }, queries: { ladder: [0, 3], lamp: [1, 0] } });
    await s.refresh();
    const v2 = await s.suggest({ userId: 'u1', prefix: 'la' });
    expect(v2.artifactVersion).toBe(2);
    expect(v2.suggestions[0]).toMatchObject({ text: 'ladder', source: 'personal' });
  });

  it('rebuilds in the background once stale: new searches show up on a later request', async () => {
    let now = 0;
    const s = createQuerySuggester({ store, artifactDir: null, refreshMs: 1000, clock: () => now });
    expect((await s.suggest({ userId: 'x', prefix: 'ke' })).suggestions.map((x) => x.text)).toEqual(['kettle']);
    await store.ingestEvents([search('e7', 'u6', 'kettle black', null, T0 + 6)]);
    now = 500;
    expect((await s.suggest({ userId: 'x', prefix: 'ke' })).suggestions.map((x) => x.text)).toEqual(['kettle']);
    now = 1500;
    // Answers from the old snapshot and starts the rebuild; a later request sees the new one.
    expect((await s.suggest({ userId: 'x', prefix: 'ke' })).suggestions.map((x) => x.text)).toEqual(['kettle']);
    let texts: string[] = [];
    for (let i = 0; i < 200 && texts.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      texts = (await s.suggest({ userId: 'x', prefix: 'ke' })).suggestions.map((x) => x.text);
    }
    expect(texts).toEqual(['kettle', 'kettle black']);
  });
});
