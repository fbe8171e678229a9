import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

/** ISO-8601 date-time (graphql-scalars `DateTime`), decoded to a JS Date. */
export const DateTimeScalar = DateTimeResolver;

/**
 * A literal as plain data, without judging it: numbers, text, NaN / Infinity (which GraphQL
 * parses as enum names), booleans, null; lists and objects as themselves; variables resolved.
 */
function literal(ast: ValueNode, variables?: Readonly<Record<string, unknown>> | null): unknown {
  switch (ast.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.STRING:
      return ast.value;
    case Kind.ENUM:
      return ast.value === 'NaN' ? Number.NaN : ast.value === 'Infinity' ? Number.POSITIVE_INFINITY : ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value, variables)]));
  }
}

/**
 * Input scalars of recordEvents that never fail GraphQL coercion: input coercion failing fails the
 * whole operation, so one bad event would sink its batch. These hand the value over as it came,
 * and the resolver checks it per event (domain/validate.ts), rejecting only that event and naming
 * `events[i].<field>`.
 */
function perEventScalar(name: string, description: string): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    description,
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: (ast, variables) => literal(ast, variables),
  });
}

/** When an event happened: ISO-8601 text or ms since the epoch, checked per event. */
export const EventTimeScalar = perEventScalar(
  'EventTime',
  'When an event happened: ISO-8601 date-time text (e.g. 2026-12-01T10:00:00Z) or milliseconds since the epoch. Checked per event: an unparsable or out-of-range time rejects only that event (`events[i].ts`).',
);

/** A non-negative number of an event, checked per event. */
export const EventNumberScalar = perEventScalar(
  'EventNumber',
  'A finite, non-negative number within its configured bound. Checked per event: text, NaN, Infinity, a negative or an out-of-range value rejects only that event (`events[i].<field>`).',
);
