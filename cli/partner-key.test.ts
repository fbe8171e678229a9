import { parsePartners } from '../services/partners';
import { partnerKeyCommand } from './partner-key';

async function run(args: string[]): Promise<string> {
  let text = '';
  await partnerKeyCommand((t) => void (text += t)).parseAsync(args, { from: 'user' });
  return text;
}

describe('partner-key', () => {
  it('prints a key and a PARTNERS_FILE entry whose hash authenticates that key', async () => {
    const text = await run(['--id', 'acme', '--segments', 'high-value, at-risk']);
    const key = /\n {2}(rgk_\S+)\n/.exec(text)?.[1];
    const entry = JSON.parse(/\n {2}(\{.*\})\n/.exec(text)?.[1] ?? 'null') as { id: string; keySha256: string; segments: string[] };
    expect(entry).toMatchObject({ id: 'acme', segments: ['high-value', 'at-risk'] });
    expect(parsePartners({ partners: [entry] }).authenticate(key)).toEqual({ id: 'acme', segments: ['high-value', 'at-risk'] });
  });

  it('refuses an unknown segment with CONFIG_INVALID before printing anything', async () => {
    let printed = '';
    const cmd = partnerKeyCommand((t) => void (printed += t));
    await expect(cmd.parseAsync(['--segments', 'vip'], { from: 'user' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(printed).toBe('');
  });
});
