/**
 * Imported first by the CLI, before graphql-js loads: graphql-js reads NODE_ENV once at load and,
 * unless it is `production`, runs a slower cross-realm `instanceOf` check on every schema type
 * lookup (~2% of a feed request). Our config's own default is `production` too (README table).
 */
process.env.NODE_ENV ??= 'production';
