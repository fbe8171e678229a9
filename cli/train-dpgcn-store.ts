/**
 * `train dpgcn --from-store`: train `dpgcn/graph` on the heterogeneous graph a GraphStore holds
 * (ml/gcn/from-store.ts) and publish it under `<models-dir>/dpgcn/`: once, or with `--every-hours`
 * now and on that schedule in this (trainer) process until SIGINT/SIGTERM.
 *
 * The store is the one the configuration names (embedded at DB_PATH by default, or Neo4j), or an
 * existing embedded store file given with `--db`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventType } from '../domain/events';
import { isEventType } from '../domain/events';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { argError, parseInstant } from '../eval/protocols/temporal-source';
import { loadConfig } from '../config/config';
import { openConfiguredStore } from '../graph/configured';
import { createEmbeddedGraphStore } from '../graph/embedded';
import type { GraphStore } from '../graph/port';
import { createJobQueue } from '../jobs/factory';
import { scheduleDpgcnRetrain } from '../jobs/processors/dpgcn-retrain';
import { trainDpgcnFromStore, type TrainDpgcnFromStoreOptions, type TrainDpgcnFromStoreResult } from '../ml/gcn/from-store';
import { RELATIONS, type RelationName } from '../ml/gcn/store-graph';
import type { GcnHyperParameters } from '../ml/gcn/train';

/** The flags of the store path (strings as commander gives them; numbers already parsed). */
export interface StoreFlags {
  db?: string;
  trainEnd?: string;
  modelsDir?: string;
  seed: number;
  holdout: number;
  fusion: boolean;
  halfLifeDays?: number;
  typeWeights?: string;
  relations?: string;
  relationScales?: string;
  minTermNodes?: number;
  everyHours?: number;
}

/** `a=1,b=2` with keys from `known` and finite non-negative values; EVAL_ARGUMENT_INVALID naming `flag` otherwise. */
function weightList<K extends string>(raw: string, flag: string, known: (k: string) => k is K): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const part of raw.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const v = Number(value);
    if (!key || !known(key)) throw argError(flag, `unknown name "${key ?? ''}" in "${raw}"`);
    if (value === undefined || value === '' || !(Number.isFinite(v) && v >= 0)) throw argError(flag, `"${part}" needs a finite non-negative weight (name=weight)`);
    out[key] = v;
  }
  return out;
}

const isRelation = (k: string): k is RelationName => (RELATIONS as readonly string[]).includes(k);

/** Training options from the flags (everything checked before the store is opened). */
export function storeOptionsFromFlags(f: StoreFlags, settings: Partial<GcnHyperParameters>, defaults: { modelsDir: string; log: (line: string) => void }): TrainDpgcnFromStoreOptions {
  const trainEnd = f.trainEnd === undefined ? undefined : parseInstant(f.trainEnd, '--train-end');
  if (f.halfLifeDays !== undefined && !(f.halfLifeDays > 0)) throw argError('--half-life-days', `must be positive (got ${f.halfLifeDays})`);
  if (f.minTermNodes !== undefined && !(Number.isInteger(f.minTermNodes) && f.minTermNodes >= 1)) throw argError('--min-term-nodes', `must be a positive integer (got ${f.minTermNodes})`);
  if (f.everyHours !== undefined && !(f.everyHours > 0)) throw argError('--every-hours', `must be positive (got ${f.everyHours})`);
  let relations: Exclude<RelationName, 'interacted'>[] | undefined;
  if (f.relations !== undefined) {
    const names = f.relations.trim() === '' || f.relations.trim() === 'none' ? [] : f.relations.split(',').map((s) => s.trim());
    for (const n of names) if (!isRelation(n) || n === 'interacted') throw argError('--relations', `unknown relation "${n}" (choose from ${RELATIONS.slice(1).join(', ')}, or none)`);
    relations = names as Exclude<RelationName, 'interacted'>[];
  }
  return {
    ...settings,
    modelsDir: resolve(f.modelsDir ?? defaults.modelsDir),
    seed: f.seed,
    holdout: f.holdout,
    fusion: f.fusion,
    ...(trainEnd !== undefined ? { trainEnd } : {}),
    ...(f.halfLifeDays !== undefined ? { halfLifeMs: f.halfLifeDays * 24 * 3600 * 1000 } : {}),
    ...(f.typeWeights !== undefined ? { typeWeights: weightList<EventType>(f.typeWeights, '--type-weights', isEventType) } : {}),
    ...(relations ? { relations } : {}),
    ...(f.relationScales !== undefined ? { relationScales: weightList<RelationName>(f.relationScales, '--relation-scales', isRelation) } : {}),
    ...(f.minTermNodes !== undefined ? { minTermNodes: f.minTermNodes } : {}),
    log: defaults.log,
    createdBy: f.everyHours !== undefined ? 'cli train dpgcn --from-store --every-hours' : 'cli train dpgcn --from-store',
  };
}

async function openStore(db: string | undefined): Promise<GraphStore> {
  if (db === undefined) return openConfiguredStore(loadConfig());
  if (!existsSync(db)) throw argError('--db', `no embedded store at ${db}`);
  return createEmbeddedGraphStore({ path: db });
}

function summary(r: TrainDpgcnFromStoreResult): string {
  const nodes = Object.entries(r.graph.nodes)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return `dpgcn/graph v${r.version} -> ${r.dir}: ${nodes}; held-out Recall@20 ${r.selection.best.recall.toFixed(4)} at epoch ${r.selection.best.epoch}; ${r.fusion ? 'fusion network saved' : 'no fusion network'}; ${(r.trainMs / 1000).toFixed(1)} s\n`;
}

/** Retrain now and every `hours` until SIGINT/SIGTERM. */
async function retrainForever(store: GraphStore, o: TrainDpgcnFromStoreOptions, hours: number, redisUrl: string): Promise<void> {
  const queue = createJobQueue(redisUrl ? { redisUrl } : {});
  const logger = {
    info: (obj: object, msg?: string) => void process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
    warn: (obj: object, msg?: string) => void process.stderr.write(`warning: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  };
  queue.onOutcome((out) => {
    if (out.status === 'failed') logger.warn({ job: out.id, error: out.error, unrecoverable: out.unrecoverable }, 'dpgcn retrain failed');
  });
  await scheduleDpgcnRetrain(queue, store, o, { everyMs: hours * 3_600_000, logger });
  process.stderr.write(`retraining dpgcn/graph every ${hours} h (${queue.kind} queue); Ctrl-C stops\n`);
  await new Promise<void>((res) => {
    process.once('SIGINT', res);
    process.once('SIGTERM', res);
  });
  await queue.close();
}

/** The `--from-store` action: train once (or on a schedule) and print where the version went. */
export async function runDpgcnFromStore(f: StoreFlags, settings: Partial<GcnHyperParameters>): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const config = f.db === undefined ? loadConfig() : undefined;
  const o = storeOptionsFromFlags(f, settings, { modelsDir: config?.modelsDir ?? 'models', log });
  const store = await openStore(f.db);
  try {
    if (f.everyHours !== undefined) {
      await retrainForever(store, o, f.everyHours, config?.redisUrl ?? '');
      return;
    }
    if ((await store.counts()).events === 0) throw new CodedError(ErrorCode.EVAL_DATA_INVALID, `train dpgcn --from-store: the ${store.kind} store holds no events to train on`, { store: store.kind });
    let r: TrainDpgcnFromStoreResult;
    try {
      r = await trainDpgcnFromStore(store, o);
    } catch (err) {
      if (err instanceof RangeError)
        throw new CodedError(ErrorCode.EVAL_DATA_INVALID, `train dpgcn --from-store: ${err.message}`, { store: store.kind, ...(o.trainEnd !== undefined ? { trainEnd: o.trainEnd } : {}) });
      throw err;
    }
    process.stdout.write(summary(r));
  } finally {
    await store.close();
  }
}
