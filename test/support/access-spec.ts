/** The role table of issue 10 (step 6), written from the spec and not from services/access/scopes.ts, so the two are checked against each other. */
import type { Role } from '../../services/access/scopes';

/**
 * What each role may call, written from the spec (issue 10, step 6; issue 11, step 7: publishing is
 * admin-scoped, and analysts may read the published catalog and its shadow agreement), not from the rule table.
 */
export const ROLE_SPEC: Readonly<Record<Role, readonly string[]>> = {
  frontend: ['Query.feed', 'Query.strategies', 'Query.item', 'Query.eventTypes'],
  ingest: ['Mutation.recordEvents', 'Mutation.upsertItems', 'Mutation.upsertUsers', 'Mutation.upsertQueries', 'Query.item', 'Query.eventTypes'],
  analyst: [
    'Query.userValue',
    'Query.user',
    'Query.users',
    'Query.experiment',
    'Query.experiments',
    'Query.experimentResults',
    'Query.item',
    'Query.eventTypes',
    'Query.publishedScorers',
    'Query.publishedStrategies',
    'Query.catalogChanges',
  ],
  admin: [
    'Query.feed',
    'Query.strategies',
    'Query.item',
    'Query.eventTypes',
    'Query.userValue',
    'Query.user',
    'Query.users',
    'Query.experiment',
    'Query.experiments',
    'Query.experimentResults',
    'Query.auditLog',
    'Mutation.recordEvents',
    'Mutation.upsertItems',
    'Mutation.upsertUsers',
    'Mutation.upsertQueries',
    'Mutation.createExperiment',
    'Mutation.startExperiment',
    'Mutation.stopExperiment',
    'Mutation.archiveExperiment',
    'Query.publishedScorers',
    'Query.publishedStrategies',
    'Query.catalogChanges',
    'Mutation.publishScorer',
    'Mutation.promoteScorer',
    'Mutation.rollbackScorer',
    'Mutation.shadowScorer',
    'Mutation.publishStrategy',
    'Mutation.rollbackStrategy',
  ],
  partner: ['Subscription.userValueChanged'],
  monitor: [],
};
