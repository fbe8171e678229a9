/**
 * Roles, scopes and the per-operation rule table: which scope each root field (Query, Mutation,
 * Subscription) needs. A field missing from the table is refused for every key (deny by default),
 * and a test walks every root field of the generated schema, so a new operation without a rule
 * fails the build. A key holds one role; a role is a fixed set of scopes.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export const SCOPES = [
  'feed:read',
  'catalog:read',
  'events:write',
  'catalog:write',
  'values:read',
  'users:read',
  'experiments:read',
  'experiments:write',
  'values:subscribe',
  'audit:read',
  'metrics:read',
  'health:read',
  'schema:read',
  'scorers:read',
  'scorers:write',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['frontend', 'ingest', 'analyst', 'admin', 'partner', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes of each role. `admin` holds every scope but the partner stream (which needs segment entitlements). */
export const ROLE_SCOPES: Readonly<Record<Role, ReadonlySet<Scope>>> = {
  frontend: new Set<Scope>(['feed:read', 'catalog:read']),
  ingest: new Set<Scope>(['events:write', 'catalog:write', 'catalog:read']),
  analyst: new Set<Scope>(['values:read', 'users:read', 'experiments:read', 'catalog:read', 'metrics:read', 'health:read', 'scorers:read']),
  admin: new Set<Scope>(SCOPES.filter((s) => s !== 'values:subscribe')),
  partner: new Set<Scope>(['values:subscribe']),
  monitor: new Set<Scope>(['metrics:read', 'health:read']),
};

export type RootType = 'Query' | 'Mutation' | 'Subscription';

/** The scope each root field needs. Every root field of the schema has exactly one entry. */
export const OPERATION_RULES: Readonly<Record<RootType, Readonly<Record<string, Scope>>>> = {
  Query: {
    feed: 'feed:read',
    suggestQueries: 'feed:read',
    ads: 'feed:read',
    strategies: 'feed:read',
    item: 'catalog:read',
    eventTypes: 'catalog:read',
    userValue: 'values:read',
    user: 'users:read',
    users: 'users:read',
    experiment: 'experiments:read',
    experiments: 'experiments:read',
    experimentResults: 'experiments:read',
    auditLog: 'audit:read',
    publishedScorers: 'scorers:read',
    publishedStrategies: 'scorers:read',
    catalogChanges: 'scorers:read',
    dpgcnPolicy: 'scorers:read',
    iraPolicy: 'scorers:read',
  },
  Mutation: {
    recordEvents: 'events:write',
    upsertItems: 'catalog:write',
    upsertUsers: 'catalog:write',
    upsertQueries: 'catalog:write',
    createExperiment: 'experiments:write',
    startExperiment: 'experiments:write',
    stopExperiment: 'experiments:write',
    archiveExperiment: 'experiments:write',
    publishScorer: 'scorers:write',
    promoteScorer: 'scorers:write',
    rollbackScorer: 'scorers:write',
    shadowScorer: 'scorers:write',
    publishStrategy: 'scorers:write',
    rollbackStrategy: 'scorers:write',
    freezeDpgcnPolicy: 'scorers:write',
    rollbackDpgcnPolicy: 'scorers:write',
    freezeIraPolicy: 'scorers:write',
    rollbackIraPolicy: 'scorers:write',
  },
  Subscription: {
    userValueChanged: 'values:subscribe',
  },
};

/** The scope `type.field` needs, or undefined when the table has no rule (refused). */
export function requiredScope(type: RootType, field: string): Scope | undefined {
  return Object.hasOwn(OPERATION_RULES[type], field) ? OPERATION_RULES[type][field] : undefined;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const ROOT: Readonly<Record<OperationDefinitionNode['operation'], RootType>> = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

/**
 * Root fields an operation selects, through fragments; introspection (`__schema`, `__type`,
 * `__typename`) excepted, and `schema` set when it asks for the schema (`__schema` or `__type`).
 */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): { type: RootType; fields: string[]; schema: boolean } {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const fields = new Set<string>();
  const seen = new Set<string>();
  let schema = false;
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!s.name.value.startsWith('__')) fields.add(s.name.value);
        else if (s.name.value === '__schema' || s.name.value === '__type') schema = true;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.selectionSet);
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return { type: ROOT[operation.operation], fields: [...fields], schema };
}

/** A principal's scopes against an operation's root fields: the first refused field and the scope it needs, or null. */
export function firstForbidden(scopes: ReadonlySet<Scope>, type: RootType, fields: readonly string[]): { field: string; scope: Scope | null } | null {
  for (const field of fields) {
    const scope = requiredScope(type, field);
    if (scope === undefined) return { field, scope: null };
    if (!scopes.has(scope)) return { field, scope };
  }
  return null;
}
