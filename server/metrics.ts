/** Moved to services/metrics.ts (gateway services live in services/, not server/); this path is kept for one step. */
export * from '../services/metrics';
