/**
 * The feed cost bound: what GraphQL Armor cannot count. Armor's cost limit is static per field,
 * so `feed(limit: 100)` costs it the same as `feed(limit: 1)`, and a few expensive aliases pass.
 * A feed's real work is the candidates it scores and re-ranks for each item it returns, so one
 * feed costs `limit × candidates` (the largest candidate count of any strategy this gateway may
 * serve, since experiments pick the strategy per user). The limit comes from the argument, a
 * literal or a variable, which is why this is an Apollo plugin (didResolveOperation sees the
 * variables; validation rules do not) and not a validation rule. Runs before execution.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { ErrorCode } from '../errors/codes';

export interface FeedCostOptions {
  /** Largest summed feed cost of one operation (MAX_FEED_COST, default 50000). */
  readonly maxCost: number;
  /** Candidates one feed scores: the largest `candidates.max` of the served strategies (default strategy: 200). */
  readonly candidatesPerFeed: number;
  /** Limit used when a feed sets none: the largest strategy `limit` (default 10). */
  readonly defaultLimit: number;
  /** FEED_MAX_LIMIT: a larger limit is refused by the resolver, so it costs at most this. */
  readonly maxLimit: number;
}

/** The feed cost of a query operation with its variables. Non-query operations cost 0. */
export function feedCost(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  o: Omit<FeedCostOptions, 'maxCost'>,
): number {
  if (operation.operation !== OperationTypeNode.QUERY) return 0;
  // Fields with one response key are merged and resolved once, so each key counts once.
  const limits = new Map<string, number>();
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value !== 'feed') continue;
        const arg = sel.arguments?.find((a) => a.name.value === 'limit');
        const limit = arg === undefined ? o.defaultLimit : numberOf(arg.value, variables, o.defaultLimit);
        const key = sel.alias?.value ?? sel.name.value;
        limits.set(key, Math.max(limits.get(key) ?? 0, Math.min(Math.max(limit, 1), o.maxLimit)));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet);
      } else if (!visited.has(sel.name.value)) {
        visited.add(sel.name.value);
        const frag = fragments[sel.name.value];
        if (frag) walk(frag.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  let cost = 0;
  for (const limit of limits.values()) cost += limit * o.candidatesPerFeed;
  return cost;
}

function numberOf(v: ValueNode, variables: Readonly<Record<string, unknown>>, fallback: number): number {
  if (v.kind === Kind.INT || v.kind === Kind.FLOAT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const x = variables[v.name.value];
    return typeof x === 'number' && Number.isFinite(x) ? x : fallback;
  }
  return fallback;
}

export function feedCostPlugin(o: FeedCostOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation === undefined) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const cost = feedCost(operation, fragments, request.variables ?? {}, o);
          if (cost > o.maxCost) {
            throw new GraphQLError(`Feed cost limit of ${o.maxCost} exceeded, found ${cost} (Σ limit × ${o.candidatesPerFeed} candidates over the feed fields)`, {
              extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'feedCost', cost, maxCost: o.maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
