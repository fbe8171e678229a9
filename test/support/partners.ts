/**
 * Partner side of `userValueChanged` for integration tests: a PARTNERS_FILE with fresh keys, and a
 * graphql-ws client (the `graphql-ws` package over `ws`) that records what one subscription gets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { UserSegment } from '../../domain/user-value';
import { newPartnerKey } from '../../services/partners';
import { UserValueChangedDocument, type UserValueChangedSubscription, type UserValueChangedSubscriptionVariables } from '../generated/graphql';

export type ReceivedChange = UserValueChangedSubscription['userValueChanged'];

/** Write `<dir>/partners.json` for these partners; returns its path and each partner's API key. */
export function writePartnersFile(dir: string, partners: Record<string, readonly UserSegment[]>): { file: string; keys: Record<string, string> } {
  const keys: Record<string, string> = {};
  const entries = Object.entries(partners).map(([id, segments]) => {
    const k = newPartnerKey();
    keys[id] = k.apiKey;
    return { id, keySha256: k.keySha256, segments };
  });
  const file = join(dir, 'partners.json');
  writeFileSync(file, JSON.stringify({ partners: entries }, null, 2));
  return { file, keys };
}

export interface PartnerSubscription {
  readonly changes: ReceivedChange[];
  /** GraphQL errors in `next` payloads (argument errors arrive there, then completion). */
  readonly resultErrors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Settles when the subscription ends: `complete`, or the error (a GraphQL error list or a CloseEvent). */
  readonly ended: Promise<{ kind: 'complete' } | { kind: 'error'; error: unknown }>;
  /** The close code of the socket, once it closed. */
  closeCode(): number | undefined;
  /** Wait until `n` changes arrived (or fail after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedChange[]>;
  /** Unsubscribe and close the socket (a partner disconnecting). */
  dispose(): Promise<void>;
}

/** Open one graphql-ws connection with `apiKey` (omitted when undefined) and subscribe once. */
export function subscribeValueChanges(httpUrl: string, apiKey: string | undefined, variables: UserValueChangedSubscriptionVariables = {}): PartnerSubscription {
  const changes: ReceivedChange[] = [];
  const resultErrors: PartnerSubscription['resultErrors'] = [];
  let code: number | undefined;
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: apiKey === undefined ? {} : { apiKey },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => void (code = (e as { code?: number }).code) },
  });
  let unsubscribe = (): void => undefined;
  const ended = new Promise<{ kind: 'complete' } | { kind: 'error'; error: unknown }>((resolve) => {
    unsubscribe = client.subscribe<UserValueChangedSubscription>(
      { query: print(UserValueChangedDocument), variables: { ...variables } },
      {
        next: (r) => {
          if (r.data?.userValueChanged) changes.push(r.data.userValueChanged);
          if (r.errors) resultErrors.push(...(r.errors as PartnerSubscription['resultErrors']));
        },
        error: (error) => resolve({ kind: 'error', error }),
        complete: () => resolve({ kind: 'complete' }),
      },
    );
  });
  return {
    changes,
    resultErrors,
    ended,
    closeCode: () => code,
    async waitFor(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (changes.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} changes (got ${changes.length}: ${JSON.stringify(changes.map((c) => c.userId))})`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return changes;
    },
    async dispose() {
      unsubscribe();
      await client.dispose();
    },
  };
}
