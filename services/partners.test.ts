import { newPartnerKey, parsePartners, sha256Hex } from './partners';

const KEY_A = 'rgk_key-of-acme';
const KEY_B = 'rgk_key-of-globex';
const doc = (partners: unknown[]): unknown => ({ partners });
const acme = { id: 'acme', keySha256: sha256Hex(KEY_A), segments: ['high-value'] };
const globex = { id: 'globex', keySha256: sha256Hex(KEY_B).toUpperCase(), segments: ['at-risk', 'dormant', 'at-risk'] };

describe('partners', () => {
  it('authenticates each key to its own partner with its segments, and nothing else', () => {
    const dir = parsePartners(doc([acme, globex]));
    expect(dir.size).toBe(2);
    expect(dir.authenticate(KEY_A)).toEqual({ id: 'acme', segments: ['high-value'] });
    // Upper-case hex is accepted; duplicate segments collapse.
    expect(dir.authenticate(KEY_B)).toEqual({ id: 'globex', segments: ['at-risk', 'dormant'] });
    for (const bad of [undefined, null, 42, '', 'rgk_key-of-acm', `${KEY_A} `, sha256Hex(KEY_A), 'x'.repeat(10_000)]) {
      expect(dir.authenticate(bad)).toBeNull();
    }
  });

  it('refuses every key when no partner is configured', () => {
    expect(parsePartners(doc([])).authenticate(KEY_A)).toBeNull();
  });

  it('generates keys whose printed hash authenticates them', () => {
    const k = newPartnerKey();
    const other = newPartnerKey();
    expect(k.apiKey).toMatch(/^rgk_[A-Za-z0-9_-]{43}$/);
    expect(k.apiKey).not.toBe(other.apiKey);
    const dir = parsePartners(doc([{ id: 'p', keySha256: k.keySha256, segments: ['new'] }]));
    expect(dir.authenticate(k.apiKey)?.id).toBe('p');
    expect(dir.authenticate(other.apiKey)).toBeNull();
  });

  it.each([
    ['a non-object root', [], '(root)'],
    ['a misspelt top-level key', { partner: [] }, 'partner'],
    ['partners that is not an array', { partners: {} }, 'partners'],
    ['a partner that is not an object', doc(['acme']), 'partners[0]'],
    ['a duplicate id', doc([acme, { ...acme, keySha256: sha256Hex('other') }]), 'partners[1].id'],
    ['a malformed id', doc([{ ...acme, id: 'has space' }]), 'partners[0].id'],
    ['a hash that is not 64 hex characters', doc([{ ...acme, keySha256: 'abc' }]), 'partners[0].keySha256'],
    ['one key for two partners', doc([acme, { ...globex, keySha256: acme.keySha256.toUpperCase() }]), 'partners[1].keySha256'],
    ['no segments', doc([{ ...acme, segments: [] }]), 'partners[0].segments'],
    ['an unknown segment', doc([acme, { ...globex, segments: ['at-risk', 'vip'] }]), 'partners[1].segments[1]'],
    ['a plain key instead of its hash', doc([{ ...acme, key: 'plain' }]), 'partners[0].key'],
  ])('rejects %s with CONFIG_INVALID naming %s', (_label, input, field) => {
    let err: unknown;
    try {
      parsePartners(input, 'partners.json');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', details: { field } });
    expect((err as Error).message).toContain(`partners.json: ${field}:`);
  });
});
