import { DateTimeResolver } from 'graphql-scalars';

/** ISO-8601 date-time (graphql-scalars `DateTime`), decoded to a JS Date. */
export const DateTimeScalar = DateTimeResolver;
