/**
 * An optional capability of a live scorer: proposing candidates itself (e.g. the top-K items by
 * embedding similarity). A strategy names the scorer in `candidates.embedding.scorer`; the
 * pipeline finds the capability with `scorerRetriever` and never imports the plugin.
 *
 * ```ts
 * return { score(req) { ... }, retrieve({ userId, limit, exclude }) { ... return itemIds; } };
 * ```
 */

export interface RetrieveRequest {
  readonly userId: string;
  /** Most items wanted. */
  readonly limit: number;
  /** Items that must not be proposed (purchased, on screen). */
  readonly exclude: ReadonlySet<string>;
}

export interface ScorerRetriever {
  /** Item ids, best first, at most `limit`; an unknown user gets none. */
  retrieve(req: RetrieveRequest): Promise<readonly string[]>;
}

/** The scorer's retriever capability, or null when it has none. */
export function scorerRetriever(scorer: object | undefined): ScorerRetriever | null {
  const f = (scorer as Partial<ScorerRetriever> | undefined)?.retrieve;
  return typeof f === 'function' ? { retrieve: (req) => f.call(scorer, req) } : null;
}
