#!/usr/bin/env node
/**
 * One entry point: `serve`, `import`, `eval`, `train`, `simulate`, `schema`. Config comes from the environment (see the
 * README's config table); flags only choose what to do.
 */
import './env-defaults';
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { CodedError } from '../errors/errors';
import { loadDemoData } from '../demo/load';
import { buildGatewaySchema } from '../schema/build';
import { startGateway } from '../server/gateway';
import { evalCommand } from './eval-command';
import { importCommand } from './import-command';
import { keysCommand } from './keys-command';
import { partnerKeyCommand } from './partner-key';
import { registerScorerCommands } from './scorer-command';
import { addRemoteScorerCommands } from './scorer-remote';
import { strategyCommand } from './strategy-remote';
import { simulateCommand } from './simulate';
import { trainCommand } from './train-duve';
import { addTrainMtlAds } from './train-mtl-ads';
import { addTrainIra } from './train-ira';
import { tuneCommand } from './tune-command';
import { trainDuveFromStore } from '../ml/duve/from-store';
import { latestDuveArtifact } from '../ml/duve/export';
import { openConfiguredStore } from '../graph/configured';
import { bootstrapKeys } from '../services/access/bootstrap';

const EXAMPLE_QUERY = `{ feed(userId: "demo-u-0001", limit: 5) { coldStart strategy { id digest } items { rank itemId score item { title categories price } contributions { scorerId weight normalized } sources } degraded { scorerId code } } }`;

async function serve(opts: { demo: boolean }): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const store = await openConfiguredStore(config);
  if (opts.demo) {
    const demo = await loadDemoData(store, { progress: process.stderr.isTTY });
    if (demo.loaded) {
      logger.warn({ users: demo.users, items: demo.items, events: demo.events }, 'DEMO DATA loaded: generated in code (seeded), not real behaviour');
    } else {
      logger.info('store already holds events; demo data not loaded');
    }
    if ((await latestDuveArtifact(config.duveModelDir)) === null) {
      // The demo window is 30 days: a 7-day horizon leaves room for reference times.
      logger.info({ modelDir: config.duveModelDir }, 'no DUVE model yet: training one on the demo data (7-day horizon)');
      const r = await trainDuveFromStore(store, { modelDir: config.duveModelDir, horizonDays: 7, stepDays: 1, iterations: 150, seed: 42 });
      logger.info({ version: r.version, users: r.users, examples: r.examples, ms: Math.round(r.trainMs), halfLivesDays: r.halfLivesDays }, 'DUVE model trained on the demo data');
    }
  }
  const gateway = await startGateway({ config, store, logger });
  // First start: an admin and a frontend key, printed once here; only their hashes are stored.
  const issued = gateway.access.disabled ? null : bootstrapKeys(gateway.access.keys, gateway.access.audit);
  const keyLine = issued
    ? `First start: two API keys were created. They are shown ONCE (only their SHA-256 is stored in ${config.accessDbPath}):\n` +
      `  admin     ${issued.admin.key.id}  ${issued.admin.secret}\n  frontend  ${issued.frontend.key.id}  ${issued.frontend.secret}\n` +
      `More keys: node dist/cli/main.js keys create --role <frontend|ingest|analyst|admin|partner|monitor> --name <name>\n\n`
    : '';
  const bearer = gateway.access.disabled ? '' : ` -H "authorization: Bearer ${issued ? issued.frontend.secret : '$RECGATE_KEY'}"`;
  process.stdout.write(
    `\nrecgate is up (${store.kind} store${config.graphStore === 'embedded' ? `: ${config.dbPath}` : ''})\n` +
      `  GraphQL:  ${gateway.url}\n  health:   ${gateway.url.replace('/graphql', '/healthz')}\n  metrics:  ${gateway.url.replace('/graphql', '/metrics')} (key with metrics:read)\n\n` +
      keyLine +
      (gateway.access.disabled ? 'AUTH=off (NODE_ENV=development): API KEYS ARE NOT CHECKED. Never run this way in production.\n\n' : '') +
      `Try${issued ? ' (with the frontend key)' : gateway.access.disabled ? '' : ' (RECGATE_KEY: a frontend key)'}:\n  curl -s ${gateway.url} -H 'content-type: application/json'${bearer} \\\n    -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'\n\n`,
  );
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await gateway.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function emitSchema(out: string): Promise<void> {
  const schema = await buildGatewaySchema();
  writeFileSync(out, `${printSchema(lexicographicSortSchema(schema))}\n`);
  process.stdout.write(`schema written to ${out}\n`);
}

const program = new Command('recgate').description('Recommendation gateway: GraphQL feed, scorer plugins, graph store');
program
  .command('serve')
  .description('start the GraphQL gateway on the configured store (embedded SQLite by default)')
  .option('--demo', 'load the generated demo catalogue if the store is empty', false)
  .action((o: { demo: boolean }) => serve(o));
program
  .command('schema')
  .description('write the GraphQL SDL generated from the type-graphql classes')
  .option('--out <file>', 'output file', 'schema/schema.graphql')
  .action((o: { out: string }) => emitSchema(o.out));
program.addCommand(importCommand(() => openConfiguredStore(loadConfig())));
program.addCommand(evalCommand());
program.addCommand(partnerKeyCommand());
program.addCommand(keysCommand(() => loadConfig().accessDbPath));
program.addCommand(addTrainIra(addTrainMtlAds(trainCommand())));
program.addCommand(simulateCommand());
program.addCommand(tuneCommand());
addRemoteScorerCommands(registerScorerCommands(program));
program.addCommand(strategyCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CodedError) process.stderr.write(`error ${err.code}: ${err.message}\n`);
  else process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
