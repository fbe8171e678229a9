/**
 * `train ira [--line L] [--from t] [--to t] [--updates 2000]`: offline pre-training of IRA policy
 * lines (plugins/ira/pretrain.ts): fitted double-DQN over the decision log of IRA_DB_PATH and the
 * store's events, published as each line's next version (`pretrain`), which every gateway on that
 * file serves within a poll. Decisions logged without an outcome take their rewards from the store
 * (purchases and clicks in the window) and, with DUVE_VERSION=v2 and an artifact, v_long from DUVE v2.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { argError, parseInstant } from '../eval/protocols/temporal-source';
import { openConfiguredStore } from '../graph/configured';
import { createEmbeddedGraphStore } from '../graph/embedded';
import { createInProcessQueue } from '../jobs/in-process';
import { latestDuve2Artifact } from '../ml/duve2/export';
import { loadOnnxModel } from '../ml/onnx/session';
import { loadDuve2ValueSource } from '../plugins/duve/v2';
import { createIraRuntime, type UserValueSource } from '../plugins/ira';
import type { PretrainOfflineOptions } from '../plugins/ira/pretrain';

export interface TrainIraFlags {
  line?: string;
  from?: string;
  to?: string;
  updates?: number;
  seed: number;
  windowHours?: number;
  horizonHours?: number;
  iraDb?: string;
  db?: string;
}

const HOUR = 3_600_000;

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** Options from the flags (checked before any file is opened); coded errors name the flag. */
export function trainIraOptionsFromFlags(f: TrainIraFlags, defaults: { iraDbPath: string }): { dbPath: string; windowMs: number; horizonMs: number; pretrain: PretrainOfflineOptions } {
  const dbPath = f.iraDb ?? defaults.iraDbPath;
  if (dbPath === '') throw argError('--ira-db', 'IRA_DB_PATH is empty (IRA off): pass --ira-db');
  const from = f.from === undefined ? undefined : parseInstant(f.from, '--from');
  const to = f.to === undefined ? undefined : parseInstant(f.to, '--to');
  if (from !== undefined && to !== undefined && !(from < to)) throw argError('--to', 'must be after --from');
  const windowMs = (f.windowHours ?? 24) * HOUR;
  const horizonMs = (f.horizonHours ?? f.windowHours ?? 24) * HOUR;
  if (horizonMs < windowMs) throw argError('--horizon-hours', 'must be at least --window-hours');
  return {
    dbPath: resolve(dbPath),
    windowMs,
    horizonMs,
    pretrain: {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      ...(f.updates !== undefined ? { updates: f.updates } : {}),
    },
  };
}

/** The action: open the IRA file and the store, pre-train, print one line per policy line. */
export async function runTrainIra(f: TrainIraFlags): Promise<void> {
  const config = loadConfig();
  const o = trainIraOptionsFromFlags(f, { iraDbPath: config.iraDbPath });
  if (!existsSync(o.dbPath)) throw argError('--ira-db', `no IRA database at ${o.dbPath} (IRA_DB_PATH): serve with IRA on to log decisions first`);
  if (f.db !== undefined && !existsSync(f.db)) throw argError('--db', `no embedded store at ${f.db}`);
  const store = f.db !== undefined ? await createEmbeddedGraphStore({ path: f.db }) : await openConfiguredStore(config);
  const jobs = createInProcessQueue();
  try {
    let valueSources: Record<string, UserValueSource> = {};
    if (config.duveVersion === 'v2' && (await latestDuve2Artifact(resolve(config.duve2ModelDir))) !== null) {
      valueSources = { v2: await loadDuve2ValueSource(resolve(config.duve2ModelDir), { loadModel: loadOnnxModel, store, id: 'v2' }) };
    }
    const rt = createIraRuntime({
      dbPath: o.dbPath,
      jobs,
      clock: Date.now,
      logger: pino({ level: 'silent' }),
      seed: f.seed,
      instanceId: 'cli',
      valueSources,
      store,
      pollMs: 0,
      windowMs: o.windowMs,
      horizonMs: o.horizonMs,
    });
    try {
      const r = await rt.pretrainOffline(o.pretrain).catch((err: unknown) => {
        if (err instanceof RangeError) throw new CodedError(ErrorCode.EVAL_DATA_INVALID, err.message, { iraDb: o.dbPath });
        throw err;
      });
      const f4 = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(4));
      for (const l of r.lines) {
        const m = l.metrics;
        process.stdout.write(
          `ira/${l.line}@${l.version} (pretrain): ${l.decisions} decisions, ${l.transitions} slot transitions (${(100 * m.terminalShare).toFixed(1)}% terminal), mean reward ${f4(m.meanReward)}, ` +
            `last loss ${f4(m.lastLoss)}, in-sample SNIPS trained ${f4(m.snipsTrained)} vs version 0 ${f4(m.snipsVersion0)}; ${(m.trainMs / 1000).toFixed(1)} s; value sources: ${Object.keys(valueSources).join(', ') || 'none'}\n`,
        );
      }
    } finally {
      rt.close();
    }
  } finally {
    await jobs.close();
    await store.close();
  }
}

/** Register `train ira` on the `train` command. */
export function addTrainIra(train: Command): Command {
  train
    .command('ira')
    .description('IRA: fitted double-DQN over the decision log of IRA_DB_PATH + the store events -> the next version of each policy line (served by every gateway on that file)')
    .option('--line <name>', 'only this policy line (default: every line in the log)')
    .option('--from <time>', 'decisions at or after (ISO-8601 or epoch ms)')
    .option('--to <time>', 'decisions before (ISO-8601 or epoch ms)')
    .option('--updates <n>', 'minibatch double-DQN updates per line (default 2000)', positiveInt)
    .option('--seed <n>', 'seed of the weights and the minibatch draws', positiveInt, 42)
    .option('--window-hours <h>', 'attribution window of decisions logged without an outcome (default 24)', positive)
    .option('--horizon-hours <h>', "a decision's next decision must come within this, else terminal (default the window)", positive)
    .option('--ira-db <file>', 'the IRA database (default IRA_DB_PATH)')
    .option('--db <file>', 'an existing embedded store file instead of the configured store')
    .action((f: TrainIraFlags) => runTrainIra(f));
  return train;
}
