/**
 * `strategy publish <file>` / `strategy rollback <id>` / `strategy list`: publish a feed strategy
 * (the JSON of strategies/*.json) to running gateways without a deploy, roll it back, list what is
 * published. A published strategy overrides a strategy file of the same id while a version is
 * live; its scorer entries may pin a published scorer version (a canary arm). Same connection
 * flags as `scorer publish` (--url / RECGATE_URL, --key / RECGATE_KEY).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { connection, graphql, remoteCommandKit, RemoteError, type ConnOptions, type Out } from './scorer-remote';

interface StrategyStatus {
  id: string;
  live: number | null;
  liveHistory: number[];
  servedHere: boolean;
  problem: string | null;
  versions: Array<{ version: number; publishedAt: string; publishedBy: string }>;
}

const FIELDS = 'id live liveHistory servedHere problem versions { version publishedAt publishedBy }';

export function describeStrategy(s: StrategyStatus): string {
  const head = `${s.id}  live: ${s.live ?? '- (the strategy file of this id, if any)'}  earlier: ${s.liveHistory.join(', ') || '-'}  ${s.servedHere ? 'served here' : 'not served here'}${s.problem ? `  PROBLEM: ${s.problem}` : ''}`;
  return `${[head, ...s.versions.map((v) => `  v${v.version}  by ${v.publishedBy} at ${v.publishedAt}`)].join('\n')}\n`;
}

export function strategyCommand(out: Out = (t) => process.stdout.write(t), err: Out = (t) => process.stderr.write(t)): Command {
  const cmd = new Command('strategy').description('publish feed strategies to running gateways, roll them back, list them');
  const { withConn, run } = remoteCommandKit(out, err);
  withConn(cmd.command('publish').description('publish the next version of the strategy in <file> (JSON, with an "id") and serve it'))
    .argument('<file>')
    .action(
      run(async (file: string, o: ConnOptions) => {
        let strategy: unknown;
        try {
          strategy = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          throw new RemoteError('INVALID_STRATEGY', `cannot read ${file}: ${(e as Error).message}`, { field: 'file' });
        }
        const data = await graphql<{ publishStrategy: StrategyStatus }>(connection(o), `mutation($s: JSONObject!) { publishStrategy(strategy: $s) { ${FIELDS} } }`, { s: strategy });
        return `published\n${describeStrategy(data.publishStrategy)}`;
      }),
    );
  withConn(cmd.command('rollback').description('serve the previous published version (rolling back the first serves the file of that id again)'))
    .argument('<id>')
    .action(
      run(async (id: string, o: ConnOptions) =>
        describeStrategy((await graphql<{ rollbackStrategy: StrategyStatus }>(connection(o), `mutation($id: String!) { rollbackStrategy(id: $id) { ${FIELDS} } }`, { id })).rollbackStrategy),
      ),
    );
  withConn(cmd.command('list').description('published strategies and whether the answering instance serves them')).action(
    run(async (o: ConnOptions) => {
      const list = (await graphql<{ publishedStrategies: StrategyStatus[] }>(connection(o), `{ publishedStrategies { ${FIELDS} } }`, {})).publishedStrategies;
      return list.length === 0 ? 'no strategy has been published\n' : list.map(describeStrategy).join('\n');
    }),
  );
  return cmd;
}
