/**
 * Scorer plugins loaded at boot from modules named in the configuration (PLUGINS, PLUGINS_DIR),
 * so a data scientist serves a plugin without editing the gateway. Every failure of such an
 * optional module (not found, throws on load, exports no scorer, a malformed declaration, an id
 * already taken) skips that module or plugin with a coded reason naming the module, logged once;
 * the gateway still boots and lists the skips with the registry's (`RegistryOptions.skipped`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, runInThisContext } from 'node:vm';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import * as sdk from '../plugins/sdk';
import type { PluginLogger, ScorerPlugin, ScorerSettings } from '../plugins/sdk/contract';
import { checkDeclaration, type SkippedScorer } from '../plugins/sdk/registry';

const MODULE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs']);
const EMPTY_SETTINGS: ScorerSettings = Object.freeze({});

export interface PluginLoaderOptions {
  readonly logger: PluginLogger;
  /** Module specifiers (PLUGINS): a package name, or a path (starting with `.` or `/`, or ending in .js/.cjs/.mjs) to a module file or a package folder. Default none. */
  readonly modules?: readonly string[];
  /** Folder (PLUGINS_DIR) whose every .js/.cjs/.mjs file and every subfolder with a package.json is a plugin module, loaded in name order after `modules`. Default none. */
  readonly dir?: string;
  /** Folder that relative paths and package names resolve from. Default the working directory. */
  readonly cwd?: string;
  /** Ids already registered (the bundled plugins); a loaded plugin reusing one is skipped (DUPLICATE_SCORER_ID). Default none. */
  readonly takenIds?: Iterable<string>;
  /** Settings per module name (see `pluginModuleName`), handed to `createScorers(sdk, settings)`; `{}` for a module not named here (PLUGIN_SETTINGS). Default none. */
  readonly settings?: Readonly<Record<string, ScorerSettings>>;
  /** Longest wait (ms) for one module to load and declare its scorers (top-level await, an async createScorers); past it the module is skipped. Default 10000. */
  readonly loadTimeoutMs?: number;
}

export interface LoadedPlugins {
  /** Plugins whose declaration passed the registry's static checks, in load order. */
  readonly plugins: readonly ScorerPlugin[];
  /** Modules and plugins left out, each with its code and a reason naming the module; a whole module is listed under its path, with version "" (as is a plugin without a version string). */
  readonly skipped: readonly SkippedScorer[];
}

/**
 * A real `import()` from CommonJS, also under jest: tsc (module commonjs) rewrites `import()` to
 * `require()`, which cannot load ESM, and jest's sandbox refuses dynamic imports without
 * --experimental-vm-modules. A function compiled in the main context with its default loader does
 * both (CJS files come back as a namespace whose `default` is `module.exports`).
 */
let nativeImport: ((url: string) => Promise<Record<string, unknown>>) | undefined;
function importModule(file: string): Promise<Record<string, unknown>> {
  nativeImport ??= runInThisContext('(url) => import(url)', { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }) as (url: string) => Promise<Record<string, unknown>>;
  return nativeImport(pathToFileURL(file).href);
}

function moduleError(module: string, message: string): CodedError {
  return new CodedError(ErrorCode.INVALID_PLUGIN, `plugin module ${module}: ${message}`, { module });
}

const isPath = (spec: string): boolean => spec.startsWith('.') || isAbsolute(spec) || MODULE_EXTENSIONS.has(extname(spec));

/** The name PLUGIN_SETTINGS knows a module by: a package's name, or a path's last part without its .js/.cjs/.mjs extension. */
export function pluginModuleName(spec: string): string {
  if (!isPath(spec)) return spec;
  const base = basename(spec.replace(/[\\/]+$/, ''));
  const ext = extname(base);
  return MODULE_EXTENSIONS.has(ext) ? base.slice(0, -ext.length) : base;
}

/** The file to import for a specifier: a module file, a folder's package.json `main` or index.js, or a package resolved from `cwd`. */
export function resolvePluginModule(spec: string, cwd: string): string {
  const requireFrom = createRequire(join(cwd, 'package.json'));
  if (!isPath(spec)) {
    try {
      return requireFrom.resolve(spec);
    } catch (err) {
      throw moduleError(spec, `cannot resolve package from ${cwd}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const path = resolve(cwd, spec);
  if (!existsSync(path)) throw moduleError(path, 'not found');
  if (statSync(path).isFile()) {
    if (!MODULE_EXTENSIONS.has(extname(path))) throw moduleError(path, 'a plugin file must end in .js, .cjs or .mjs');
    return path;
  }
  try {
    return requireFrom.resolve(path);
  } catch {
    throw moduleError(path, 'a plugin folder needs a package.json whose "main" names a module, or an index.js');
  }
}

/** The plugin modules of PLUGINS_DIR, in name order. A missing or unreadable folder throws INVALID_PLUGIN. */
export function listPluginDir(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw moduleError(dir, `cannot read PLUGINS_DIR: ${(err as Error).message}`);
  }
  return names
    .map((name) => join(dir, name))
    .filter((path) => {
      const st = statSync(path);
      return st.isFile() ? MODULE_EXTENSIONS.has(extname(path)) : st.isDirectory() && existsSync(join(path, 'package.json'));
    });
}

/** A module that never settles must not hold the boot: it is skipped (and left running; an import cannot be cancelled). */
async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** What a module declares, in this order: `createScorers(sdk, settings)`, then `scorers` (an array), then `scorer`; named ESM exports or properties of `module.exports`. */
async function declaredPlugins(module: string, ns: Record<string, unknown>, settings: ScorerSettings): Promise<unknown[]> {
  const sources = isObject(ns.default) ? [ns, ns.default] : [ns];
  const pick = (key: string): unknown => sources.find((s) => s[key] !== undefined)?.[key];
  const factory = pick('createScorers');
  let out: unknown;
  if (factory !== undefined) {
    if (typeof factory !== 'function') throw moduleError(module, 'createScorers must be a function');
    try {
      out = await (factory as (s: typeof sdk, settings: ScorerSettings) => unknown)(sdk, settings);
    } catch (err) {
      throw moduleError(module, `createScorers threw: ${(err as Error).message}`);
    }
  } else if (pick('scorers') !== undefined) {
    out = pick('scorers');
    if (!Array.isArray(out)) throw moduleError(module, 'scorers must be an array of scorer plugins');
  } else {
    out = pick('scorer');
  }
  const list = Array.isArray(out) ? out : out === undefined || out === null ? [] : [out];
  if (list.length === 0) throw moduleError(module, 'exports no scorer (export createScorers(sdk), scorers or scorer)');
  return list;
}

/**
 * Load every configured plugin module and check each plugin's declaration (id, version, features,
 * timeout, setup, duplicate ids) as the registry would. Never throws for a module or plugin: what
 * fails is skipped, logged once and returned in `skipped`; model and setup checks stay with the registry.
 */
export async function loadPluginModules(opts: PluginLoaderOptions): Promise<LoadedPlugins> {
  const cwd = resolve(opts.cwd ?? '.');
  const seen = new Set(opts.takenIds ?? []);
  const plugins: ScorerPlugin[] = [];
  const skipped: SkippedScorer[] = [];
  const skip = (entry: SkippedScorer, module: string, scorerId?: string): void => {
    skipped.push(entry);
    opts.logger.error({ module, ...(scorerId === undefined ? {} : { scorerId }), code: entry.code, reason: entry.reason }, 'scorer plugin skipped: strategies naming it are not served');
  };
  const coded = (err: unknown, module: string): CodedError => (err instanceof CodedError ? err : moduleError(module, (err as Error).message));
  const specs: string[] = [...(opts.modules ?? [])];
  if (opts.dir !== undefined) {
    const dir = resolve(cwd, opts.dir);
    try {
      specs.push(...listPluginDir(dir));
    } catch (err) {
      const e = coded(err, dir);
      skip({ id: dir, version: '', code: e.code, reason: e.message }, dir);
    }
  }
  const names = new Set(specs.map(pluginModuleName));
  for (const name of Object.keys(opts.settings ?? {})) {
    if (!names.has(name)) opts.logger.warn({ module: name }, 'PLUGIN_SETTINGS names a plugin module that is not configured; its settings are unused');
  }
  for (const spec of specs) {
    let module = spec;
    let declared: unknown[];
    try {
      const file = resolvePluginModule(spec, cwd);
      module = file;
      const load = async (): Promise<unknown[]> => {
        let ns: Record<string, unknown>;
        try {
          ns = await importModule(file);
        } catch (err) {
          throw moduleError(file, `failed to load: ${(err as Error).message}`);
        }
        return declaredPlugins(file, ns, opts.settings?.[pluginModuleName(spec)] ?? EMPTY_SETTINGS);
      };
      declared = await withTimeout(load(), opts.loadTimeoutMs ?? 10_000, () => moduleError(file, `did not load and declare its scorers within ${opts.loadTimeoutMs ?? 10_000} ms`));
    } catch (err) {
      const e = coded(err, module);
      if (typeof e.details.module === 'string') module = e.details.module;
      skip({ id: module, version: '', code: e.code, reason: e.message }, module);
      continue;
    }
    const accepted: string[] = [];
    declared.forEach((p, i) => {
      try {
        if (!isObject(p)) throw moduleError(module, `export ${i} is not a scorer plugin object`);
        checkDeclaration(p as unknown as ScorerPlugin, seen);
      } catch (err) {
        const e = coded(err, module);
        const id = isObject(p) && typeof p.id === 'string' && p.id !== '' ? p.id : `${module}#${i}`;
        const version = isObject(p) && typeof p.version === 'string' ? p.version : '';
        skip({ id, version, code: e.code, reason: e.message.includes(module) ? e.message : `${e.message} (plugin module ${module})` }, module, id);
        return;
      }
      const plugin = p as unknown as ScorerPlugin;
      seen.add(plugin.id);
      plugins.push(plugin);
      accepted.push(`${plugin.id}@${plugin.version}`);
    });
    if (accepted.length > 0) opts.logger.info({ module, scorers: accepted }, 'scorer plugins loaded');
  }
  return { plugins, skipped };
}
