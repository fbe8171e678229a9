/**
 * The GraphStore conformance suite: one set of behaviours every adapter must show, registered as
 * jest tests. An adapter's test file calls it with a function that opens a fresh, empty store in
 * its own namespace (and optionally a way to reopen it on the same data).
 *
 * Behaviours fixed here beyond the port's comments (both adapters implement them):
 * - `search` events are not item interactions; `impression` events count only in item totals.
 * - neighbourhood() deduplicates seeds; unknown seeds get degree 0; ties in the top-`limit` cut,
 *   trending and fresh are broken by smaller id first.
 */
import { describe } from '@jest/globals';
import { adsCases } from './conformance-cases/ads.cases';
import { categoryCases } from './conformance-cases/categories.cases';
import { durabilityCases } from './conformance-cases/durability.cases';
import type { OpenHarness } from './conformance-cases/fixtures';
import { readCases } from './conformance-cases/reads.cases';
import { writeCases } from './conformance-cases/writes.cases';

export type { ConformanceHarness, OpenHarness } from './conformance-cases/fixtures';
export { reopenableHarness } from './conformance-cases/fixtures';

/** Register the suite as `describe(`GraphStore conformance: ${name}`)`. */
export function describeGraphStoreConformance(name: string, open: OpenHarness): void {
  describe(`GraphStore conformance: ${name}`, () => {
    describe('writes', () => writeCases(open));
    describe('reads', () => readCases(open));
    describe('categories', () => categoryCases(open));
    describe('ads', () => adsCases(open));
    describe('restart', () => durabilityCases(name, open));
  });
}
