/** Moved to services/context.ts; this path is kept for one step. */
export * from '../services/context';
