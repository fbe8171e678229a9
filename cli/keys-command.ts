/**
 * `keys`: API key management on ACCESS_DB_PATH (services/access/manage.ts). Secrets are printed
 * once, by `create` and `rotate`, and never stored; running gateways see every change on their
 * next request. Each change is written to the audit log as `cli:<os user>`.
 *
 *   keys create --role <role> --name <name> [--segments a,b]   (segments: partner keys only)
 *   keys list [--all] [--json]
 *   keys rotate <id>
 *   keys revoke <id>
 *   keys audit [--after <cursor>] [--limit <n>]                (JSON lines, oldest first)
 *   keys import-partners <PARTNERS_FILE>
 */
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import type { ApiKeyRecord } from '../services/access/keys';
import { openKeyAdmin, type KeyAdmin } from '../services/access/manage';
import { ROLES } from '../services/access/scopes';

type Out = (text: string) => void;

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer ≥ 0');
  return n;
}

const line = (k: ApiKeyRecord): string =>
  [
    k.id.padEnd(16),
    k.role.padEnd(9),
    k.name.padEnd(24),
    k.segments ? k.segments.join(',') : '-',
    `created ${k.createdAt}`,
    k.rotatedAt ? `rotated ${k.rotatedAt}` : '',
    k.revokedAt ? `REVOKED ${k.revokedAt}` : '',
  ]
    .filter((s) => s !== '')
    .join('  ');

export function keysCommand(dbPath: () => string, out: Out = (t) => process.stdout.write(t)): Command {
  const withAdmin = <R>(run: (admin: KeyAdmin) => R): R => {
    const admin = openKeyAdmin(dbPath(), { keyId: 'cli', keyName: userInfo().username, role: 'operator' });
    try {
      return run(admin);
    } finally {
      admin.close();
    }
  };
  const cmd = new Command('keys').description('create, list, rotate and revoke API keys; read the audit log (ACCESS_DB_PATH)');
  cmd
    .command('create')
    .description('create a key and print its secret once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who holds it (1-64 of A-Z a-z 0-9 . _ : -)')
    .option('--segments <list>', 'comma-separated segments a partner key may see')
    .action((o: { role: string; name: string; segments?: string }) =>
      withAdmin((a) => {
        const segments = o.segments
          ?.split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const { key, secret } = a.create({ name: o.name, role: o.role, ...(segments ? { segments } : {}) });
        out(`${line(key)}\nsecret (shown once; only its SHA-256 is stored):\n  ${secret}\n`);
      }),
    );
  cmd
    .command('list')
    .description('list keys (never their secrets)')
    .option('--all', 'include revoked keys', false)
    .option('--json', 'one JSON object per line', false)
    .action((o: { all: boolean; json: boolean }) =>
      withAdmin((a) => {
        for (const k of a.list({ includeRevoked: o.all })) out(`${o.json ? JSON.stringify(k) : line(k)}\n`);
      }),
    );
  cmd
    .command('rotate <id>')
    .description('give a key a new secret (same id, name, role); the old secret stops working at once')
    .action((id: string) =>
      withAdmin((a) => {
        const { key, secret } = a.rotate(id);
        out(`${line(key)}\nnew secret (shown once):\n  ${secret}\n`);
      }),
    );
  cmd
    .command('revoke <id>')
    .description('revoke a key; requests with it get 401 from then on')
    .action((id: string) => withAdmin((a) => out(`${line(a.revoke(id))}\n`)));
  cmd
    .command('audit')
    .description('export the audit log as JSON lines, oldest first')
    .option('--after <cursor>', 'start after this entry', positiveInt, 0)
    .option('--limit <n>', 'most entries', positiveInt, 10_000)
    .action((o: { after: number; limit: number }) =>
      withAdmin((a) => {
        for (const e of a.audit(o.limit, o.after)) out(`${JSON.stringify(e)}\n`);
      }),
    );
  cmd
    .command('import-partners <file>')
    .description('move PARTNERS_FILE entries into the key store as partner keys (the partners keep their keys)')
    .action((file: string) =>
      withAdmin((a) => {
        const r = a.importPartners(file);
        for (const k of r.imported) out(`imported ${line(k)}\n`);
        for (const id of r.skipped) out(`skipped ${id}: already stored\n`);
      }),
    );
  return cmd;
}
