/** PLUGINS, PLUGINS_DIR and PLUGIN_SETTINGS: parsed once at boot; a malformed PLUGIN_SETTINGS refuses to start, naming the variable. */
import { ErrorCode } from '../errors/codes';
import { loadConfig } from './config';

describe('plugin configuration', () => {
  it('defaults to no plugins', () => {
    const cfg = loadConfig({});
    expect(cfg.plugins).toEqual([]);
    expect(cfg.pluginsDir).toBeUndefined();
    expect(cfg.pluginSettings).toEqual({});
  });

  it('splits PLUGINS on commas, trimmed, and reads PLUGIN_SETTINGS per module name', () => {
    const cfg = loadConfig({ PLUGINS: ' acme-scorer, ./local/boost.js ,,', PLUGINS_DIR: 'plugins', PLUGIN_SETTINGS: '{"boost":{"k":2,"tags":["a"]},"acme-scorer":{}}' });
    expect(cfg.plugins).toEqual(['acme-scorer', './local/boost.js']);
    expect(cfg.pluginsDir).toBe('plugins');
    expect(cfg.pluginSettings).toEqual({ boost: { k: 2, tags: ['a'] }, 'acme-scorer': {} });
    expect(Object.isFrozen(cfg.pluginSettings.boost)).toBe(true);
  });

  it.each([
    ['{not json', /PLUGIN_SETTINGS=.*JSON/],
    ['[1]', /must be a JSON object of settings objects/],
    ['{"boost":3}', /"boost" must map to a JSON object/],
  ])('refuses PLUGIN_SETTINGS=%s', (raw, message) => {
    expect(() => loadConfig({ PLUGIN_SETTINGS: raw })).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFIG_INVALID, message: expect.stringMatching(message), details: { field: 'PLUGIN_SETTINGS' } }),
    );
  });
});
