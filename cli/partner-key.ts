/**
 * `partner-key`: print a new partner API key and the SHA-256 to store in PARTNERS_FILE. The key is
 * shown once and never stored by the gateway; give it to the partner over a secure channel.
 */
import { Command } from 'commander';
import { USER_SEGMENTS, type UserSegment } from '../domain/user-value';
import { newPartnerKey, parsePartners } from '../services/partners';

export function partnerKeyCommand(out: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return new Command('partner-key')
    .description('print a new partner API key and the PARTNERS_FILE entry holding its hash')
    .option('--id <id>', 'partner id for the printed entry', 'partner')
    .option('--segments <list>', `comma-separated segments the partner may see (${USER_SEGMENTS.join(', ')})`, USER_SEGMENTS.join(','))
    .action((o: { id: string; segments: string }) => {
      const segments = o.segments
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '') as UserSegment[];
      const { apiKey, keySha256 } = newPartnerKey();
      const entry = { id: o.id, keySha256, segments };
      parsePartners({ partners: [entry] }, 'entry from --id/--segments'); // the checks made at boot: CONFIG_INVALID
      out(`API key (give it to the partner; it is not stored anywhere):\n  ${apiKey}\n\nAdd to the "partners" array of PARTNERS_FILE:\n  ${JSON.stringify(entry)}\n`);
    });
}
