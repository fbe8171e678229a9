/** The seeded generator lives with the SDK's fixtures (plugins/sdk/random.ts); re-exported for the numeric core. */
export { mulberry32 } from '../plugins/sdk/random';
