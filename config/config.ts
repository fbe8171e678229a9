/**
 * One validated, frozen configuration, parsed once at boot from the environment.
 * ENV_TABLE is the single map from environment variables to settings; the README's
 * config table is written from it (a test checks they agree).
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { DEFAULT_STORE_CEILING } from '../graph/embedded/ceiling';
import { DEFAULT_RATE_LIMITS, formatRateLimits, parseRateLimits, type RateLimitSetting } from '../services/access/rate-limit-config';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly graphStore: 'embedded' | 'neo4j';
  readonly dbPath: string;
  readonly storeSyncMs: number;
  readonly storeMaxUsers: number;
  readonly storeMaxItems: number;
  readonly storeMaxEvents: number;
  readonly neo4j: { readonly uri: string; readonly user: string; readonly password: string; readonly database: string | undefined };
  readonly statsHalfLifeDays: number;
  readonly strategyFile: string | undefined;
  readonly maxEventsPerBatch: number;
  readonly maxFeedLimit: number;
  readonly scorerTimeoutMs: number;
  readonly development: boolean;
  readonly logLevel: string;
  readonly redisUrl: string | undefined;
  readonly duveModelDir: string;
  /** Which DUVE serves user values (DUVE_VERSION): `v1` (decayed sums) or `v2` (temporal attention, DUVE2_MODEL_DIR). */
  readonly duveVersion: 'v1' | 'v2';
  /** Folder of versioned DUVE v2 artifacts (DUVE2_MODEL_DIR, default `models/duve2`). */
  readonly duve2ModelDir: string;
  readonly ltrModelDir: string;
  /** Folder of versioned dpgcn/graph artifacts (DPGCN_MODELS_DIR, default `models/dpgcn`); empty: the scorer is not registered. */
  readonly dpgcnModelsDir: string;
  readonly dpgcnPolicyDbPath: string;
  /** SQLite file of the IRA policy (IRA_DB_PATH: versions per line, flags, decision log); empty: IRA is off. */
  readonly iraDbPath: string;
  /** The IRA guardrail's margin (IRA_GUARDRAIL_MARGIN): a line halts when a new version's estimate < baseline − margin·|baseline|. */
  readonly iraGuardrailMargin: number;
  /** Folder of versioned MTL-ads artifacts (MTL_ADS_MODELS_DIR, default `models/mtl-ads`); empty: `ads` serves its fallback. */
  readonly mtlAdsModelsDir: string;
  /** Which MTL-ads model kind `ads` serves (MTL_ADS_MODEL_KIND, default `mtdl`): versions are read from `<mtlAdsModelsDir>/<kind>`. */
  readonly mtlAdsModelKind: 'bm' | 'mtdl' | 'amtdl';
  readonly modelsDir: string;
  readonly querySuggestRefreshMs: number;
  /** Extra scorer plugin modules loaded at boot (PLUGINS); empty: none. */
  readonly plugins: readonly string[];
  /** Folder of scorer plugin modules loaded at boot (PLUGINS_DIR); undefined: none. */
  readonly pluginsDir: string | undefined;
  /** Settings per plugin module name, handed to its `createScorers(sdk, settings)` (PLUGIN_SETTINGS); empty: none. */
  readonly pluginSettings: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly duveRefreshMinutes: number;
  readonly valueChangeMinDelta: number;
  readonly partnersFile: string | undefined;
  readonly accessDbPath: string;
  /** `off` only with NODE_ENV=development (checked at load). */
  readonly auth: 'on' | 'off';
  /** Per-role token buckets per API key; `off` only with NODE_ENV=development (checked at load). */
  readonly rateLimits: RateLimitSetting;
  readonly valueChangeRetentionHours: number;
  readonly strategiesDir: string;
  readonly experimentsDbPath: string;
  /** SQLite file of the published-scorer catalog when REDIS_URL is unset. */
  readonly publishedDbPath: string;
  /** How often each gateway polls the catalog's change log (ms). */
  readonly publishedSyncMs: number;
  /** Largest model blob accepted by POST /blobs (bytes). */
  readonly maxModelBytes: number;
  /** Share of feed requests shadow-scored by published versions in shadow mode. */
  readonly shadowSampleRate: number;
  /** Delay before a scorer version no longer served is closed (ms). */
  readonly scorerRetireMs: number;
  readonly maxBodyBytes: number;
  readonly maxQueryTokens: number;
  readonly maxQueryDepth: number;
  readonly maxQueryAliases: number;
  readonly maxQueryDirectives: number;
  readonly maxQueryCost: number;
  readonly maxFeedCost: number;
  readonly maxEventValue: number;
  readonly maxEventDwellMs: number;
  readonly maxEventFutureSkewMs: number;
}

interface EnvEntry {
  readonly env: string;
  readonly key: keyof Config | `neo4j.${keyof Config['neo4j']}`;
  readonly default: string;
  readonly meaning: string;
  readonly parse: (raw: string) => unknown;
}

function int(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer in [${min}, ${max}]`);
    return n;
  };
}
function positive(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error('must be a positive number');
  return n;
}
function nonNegative(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || raw.trim() === '') throw new Error('must be a number ≥ 0');
  return n;
}
const text = (raw: string): string => raw;
const optional = (raw: string): string | undefined => (raw === '' ? undefined : raw);
const list = (raw: string): readonly string[] =>
  Object.freeze(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
function settingsByName(raw: string): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  if (raw.trim() === '') return Object.freeze({});
  const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const data: unknown = JSON.parse(raw);
  if (!isPlain(data)) throw new Error('must be a JSON object of settings objects keyed by plugin module name');
  for (const [name, value] of Object.entries(data)) if (!isPlain(value)) throw new Error(`"${name}" must map to a JSON object`);
  return Object.freeze(Object.fromEntries(Object.entries(data).map(([name, value]) => [name, Object.freeze(value as Record<string, unknown>)])));
}
function oneOf<T extends string>(...values: T[]) {
  return (raw: string): T => {
    if (!(values as string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
    return raw as T;
  };
}

export const ENV_TABLE: readonly EnvEntry[] = [
  { env: 'HOST', key: 'host', default: '127.0.0.1', meaning: 'Interface the HTTP/WebSocket server binds to', parse: text },
  { env: 'PORT', key: 'port', default: '4000', meaning: 'HTTP port (GraphQL at /graphql, plus /healthz and /metrics); 0 picks a free port', parse: int(0, 65535) },
  { env: 'GRAPH_STORE', key: 'graphStore', default: 'embedded', meaning: '`embedded` (SQLite file, no services) or `neo4j`', parse: oneOf('embedded', 'neo4j') },
  { env: 'DB_PATH', key: 'dbPath', default: './data/recgate.db', meaning: 'SQLite file of the embedded store (created with its folder)', parse: text },
  {
    env: 'STORE_SYNC_MS',
    key: 'storeSyncMs',
    default: '1000',
    meaning: 'Period (ms) at which a gateway applies what other processes (`import`) wrote to the embedded store; 0: never (restart to see it)',
    parse: int(0, 3_600_000),
  },
  {
    env: 'STORE_MAX_USERS',
    key: 'storeMaxUsers',
    default: String(DEFAULT_STORE_CEILING.maxUsers),
    meaning: 'Embedded store: most users; an event or upsert that would create more is refused with STORE_FULL (README "Memory")',
    parse: int(1, 1_000_000_000),
  },
  {
    env: 'STORE_MAX_ITEMS',
    key: 'storeMaxItems',
    default: String(DEFAULT_STORE_CEILING.maxItems),
    meaning: 'Embedded store: most items; growth past it is refused with STORE_FULL',
    parse: int(1, 1_000_000_000),
  },
  {
    env: 'STORE_MAX_EVENTS',
    key: 'storeMaxEvents',
    default: String(DEFAULT_STORE_CEILING.maxEvents),
    meaning: 'Embedded store: most events; growth past it is refused with STORE_FULL',
    parse: int(1, 1_000_000_000),
  },
  { env: 'NEO4J_URI', key: 'neo4j.uri', default: '', meaning: 'Bolt/neo4j URI, used when GRAPH_STORE=neo4j (e.g. neo4j://localhost:7687)', parse: text },
  { env: 'NEO4J_USER', key: 'neo4j.user', default: 'neo4j', meaning: 'Neo4j user', parse: text },
  { env: 'NEO4J_PASSWORD', key: 'neo4j.password', default: 'neo4j', meaning: 'Neo4j password', parse: text },
  { env: 'NEO4J_DATABASE', key: 'neo4j.database', default: '', meaning: 'Neo4j database name (empty: the server default)', parse: optional },
  { env: 'STATS_HALF_LIFE_DAYS', key: 'statsHalfLifeDays', default: '7', meaning: 'Half-life of the time-decayed item statistics', parse: positive },
  { env: 'STRATEGY_FILE', key: 'strategyFile', default: '', meaning: 'JSON file with the feed strategy (retrievers, scorers, weights, N); empty: the built-in default', parse: optional },
  {
    env: 'STRATEGIES_DIR',
    key: 'strategiesDir',
    default: 'strategies',
    meaning: 'Folder of strategy JSON files experiments can serve (besides the default); files whose scorers are not registered are skipped with a warning',
    parse: text,
  },
  { env: 'EXPERIMENTS_DB_PATH', key: 'experimentsDbPath', default: './data/experiments.db', meaning: 'SQLite file of experiments and the exposure log (created with its folder)', parse: text },
  {
    env: 'PUBLISHED_DB_PATH',
    key: 'publishedDbPath',
    default: './data/published.db',
    meaning: 'SQLite file of the published-scorer catalog (versions, model blobs, strategies, change log) when REDIS_URL is unset; with REDIS_URL the catalog is in Redis, shared by every gateway',
    parse: text,
  },
  {
    env: 'PUBLISHED_SYNC_MS',
    key: 'publishedSyncMs',
    default: '1000',
    meaning: "How often a gateway polls the catalog's change log; a publish, promote or rollback is served everywhere within about this long",
    parse: int(50, 600000),
  },
  {
    env: 'MAX_MODEL_BYTES',
    key: 'maxModelBytes',
    default: '33554432',
    meaning: 'Largest model accepted by POST /blobs (32 MiB); larger answers 413 BLOB_TOO_LARGE',
    parse: int(1024, 1024 * 1024 * 1024),
  },
  {
    env: 'SHADOW_SAMPLE_RATE',
    key: 'shadowSampleRate',
    default: '0.2',
    meaning: 'Share of feed requests also scored by published versions in shadow mode (after the answer, never blended), in [0, 1]',
    parse: (raw: string): number => {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error('must be a number in [0, 1]');
      return n;
    },
  },
  {
    env: 'SCORER_RETIRE_MS',
    key: 'scorerRetireMs',
    default: '30000',
    meaning: 'After a swap, how long a scorer version no longer served stays open for requests that started before it',
    parse: int(0, 3600000),
  },
  { env: 'MAX_EVENTS_PER_BATCH', key: 'maxEventsPerBatch', default: '1000', meaning: 'Most events accepted by one recordEvents call', parse: int(1, 100000) },
  { env: 'FEED_MAX_LIMIT', key: 'maxFeedLimit', default: '100', meaning: 'Largest `limit` a feed query may ask for', parse: int(1, 1000) },
  { env: 'MAX_BODY_BYTES', key: 'maxBodyBytes', default: '1048576', meaning: 'Largest HTTP request body on /graphql; a larger one answers 413 PAYLOAD_TOO_LARGE', parse: int(1024, 100 * 1024 * 1024) },
  {
    env: 'MAX_QUERY_TOKENS',
    key: 'maxQueryTokens',
    default: '2000',
    meaning: 'Most lexical tokens in one GraphQL document (counted while parsing, so a huge document stops early); send large inputs as variables',
    parse: int(10, 1000000),
  },
  { env: 'MAX_QUERY_DEPTH', key: 'maxQueryDepth', default: '8', meaning: 'Deepest field nesting in one operation (introspection excepted)', parse: int(1, 100) },
  { env: 'MAX_QUERY_ALIASES', key: 'maxQueryAliases', default: '15', meaning: 'Most aliases in one operation', parse: int(0, 10000) },
  { env: 'MAX_QUERY_DIRECTIVES', key: 'maxQueryDirectives', default: '50', meaning: 'Most directives in one operation', parse: int(0, 10000) },
  {
    env: 'MAX_QUERY_COST',
    key: 'maxQueryCost',
    default: '5000',
    meaning: 'Static cost bound of one operation (GraphQL Armor: 2 per object field, 1 per scalar, ×1.5 per level)',
    parse: int(1, 100000000),
  },
  {
    env: 'MAX_FEED_COST',
    key: 'maxFeedCost',
    default: '50000',
    meaning: 'Feed work bound of one operation: Σ over its feed fields of limit × candidates scored (one feed(limit: 100) of the default strategy costs 20000)',
    parse: int(1, 1000000000),
  },
  { env: 'MAX_EVENT_VALUE', key: 'maxEventValue', default: '1000000', meaning: 'Largest `value` of one event; a larger one rejects that event (`events[i].value`)', parse: positive },
  { env: 'MAX_EVENT_DWELL_MS', key: 'maxEventDwellMs', default: '86400000', meaning: 'Largest `dwellMs` of one event (24 h); a larger one rejects that event', parse: positive },
  {
    env: 'MAX_EVENT_FUTURE_SKEW_MS',
    key: 'maxEventFutureSkewMs',
    default: '300000',
    meaning: 'How far ahead of the server clock an event `ts` may be (clock skew); later rejects that event',
    parse: int(0, 86400000),
  },
  { env: 'SCORER_TIMEOUT_MS', key: 'scorerTimeoutMs', default: '50', meaning: 'Default per-request deadline of a scorer that sets none', parse: int(1, 60000) },
  { env: 'NODE_ENV', key: 'development', default: 'production', meaning: '`development` shows internal error messages; anything else masks them', parse: (raw) => raw === 'development' },
  { env: 'REDIS_URL', key: 'redisUrl', default: '', meaning: 'Redis URL: jobs run on BullMQ and value changes fan out through a Redis stream across gateways; empty: in-process', parse: optional },
  {
    env: 'DUVE_MODEL_DIR',
    key: 'duveModelDir',
    default: 'models/duve',
    meaning: 'Folder of versioned DUVE artifacts (`<n>/manifest.json` + `value-head.onnx`); the highest version is served. No artifact: DUVE is off',
    parse: text,
  },
  {
    env: 'DUVE_VERSION',
    key: 'duveVersion',
    default: 'v1',
    meaning:
      'Which DUVE serves user values (`userValue`, `users`, value changes, `duve/purchase`): `v1` (decayed sums, DUVE_MODEL_DIR) or `v2` (attention over the last 64 events, DUVE2_MODEL_DIR, from `train duve --v2`)',
    parse: oneOf('v1', 'v2'),
  },
  {
    env: 'DUVE2_MODEL_DIR',
    key: 'duve2ModelDir',
    default: 'models/duve2',
    meaning: 'Folder of versioned DUVE v2 artifacts (`<n>/manifest.json` + `value.onnx` + `items.json`); the highest version is served when DUVE_VERSION=v2. No artifact: DUVE is off',
    parse: text,
  },
  {
    env: 'LTR_MODEL_DIR',
    key: 'ltrModelDir',
    default: 'models/ltr',
    meaning:
      'Folder of versioned learned-ranker artifacts (`<n>/manifest.json` + `model.onnx`, from `train ranker`); the highest version is served as `ltr/lambdamart`. None, or an unreadable one: the scorer is absent and strategies naming it are skipped',
    parse: text,
  },
  {
    env: 'MTL_ADS_MODELS_DIR',
    key: 'mtlAdsModelsDir',
    default: 'models/mtl-ads',
    meaning:
      'Folder of MTL-ads artifacts (`<kind>/<n>/model.onnx` + `manifest.json`, from `train mtl-ads`); the highest version of MTL_ADS_MODEL_KIND scores the `ads` query, and a higher one published later is swapped in within 30 s. Empty, none, or an unreadable one: `ads` serves non-personalised selling points in retrieval order and lists `mtl-ads` in `degraded`',
    parse: (raw) => raw,
  },
  {
    env: 'MTL_ADS_MODEL_KIND',
    key: 'mtlAdsModelKind',
    default: 'mtdl',
    meaning: 'The MTL-ads model kind `ads` serves: `bm` (selling-point task only), `mtdl` (with the CTR task and keyword attention) or `amtdl` (plus user and query features)',
    parse: oneOf('bm', 'mtdl', 'amtdl'),
  },
  {
    env: 'DPGCN_MODELS_DIR',
    key: 'dpgcnModelsDir',
    default: 'models/dpgcn',
    meaning:
      'Folder of versioned DP-GCN artifacts (`<n>/manifest.json` + `embeddings.bin`, optional `fusion.onnx`, from `train dpgcn`); the highest version is served as `dpgcn/graph` (scorer and embedding retriever), and a higher one published later is swapped in within 30 s. Empty, none, or an unreadable one: the scorer is absent (logged) and strategies naming it are skipped',
    parse: (raw) => raw,
  },
  {
    env: 'DPGCN_POLICY_DB_PATH',
    key: 'dpgcnPolicyDbPath',
    default: './data/dpgcn-policy.db',
    meaning:
      "SQLite file of the DDPG fusion policy's versions (created with its folder): when the served DP-GCN artifact has a fusion network, a policy picks its weight α per request inside the artifact's safe range and learns from feedback on the job queue; operated with dpgcnPolicy / freezeDpgcnPolicy / rollbackDpgcnPolicy. Empty: no policy (the fitted α)",
    parse: (raw) => raw,
  },
  {
    env: 'IRA_DB_PATH',
    key: 'iraDbPath',
    default: './data/ira.db',
    meaning:
      'SQLite file of the IRA policy (created with its folder): Q-network versions per policy line (ONNX + weights), the freeze and halt flags, and the decision log; learning runs on the job queue; operated with iraPolicy / freezeIraPolicy / rollbackIraPolicy. Empty: IRA is off',
    parse: (raw) => raw,
  },
  {
    env: 'IRA_GUARDRAIL_MARGIN',
    key: 'iraGuardrailMargin',
    default: '0.1',
    meaning: "The IRA guardrail: after each learning job, a line halts its online updates when the new version's SNIPS value estimate falls below version 0's by more than this share of it",
    parse: nonNegative,
  },
  {
    env: 'MODELS_DIR',
    key: 'modelsDir',
    default: 'models',
    meaning: "Folder that a scorer plugin's relative model paths (`model.uri`, `ctx.loadModel`) resolve against, instead of the working directory",
    parse: text,
  },
  {
    env: 'QUERY_SUGGEST_REFRESH_MS',
    key: 'querySuggestRefreshMs',
    default: '60000',
    meaning: 'Least age of the suggestQueries snapshot (searches + the newest `<DPGCN_MODELS_DIR>/<n>` artifact) before new events or a new artifact version rebuild it in the background',
    parse: int(0, 86_400_000),
  },
  {
    env: 'PLUGINS',
    key: 'plugins',
    default: '',
    meaning:
      'Extra scorer plugin modules loaded at boot, comma-separated: package names (resolved from the working directory) or paths to a .js/.cjs/.mjs file or a package folder (starting with `.` or `/`); one that fails to load or declare is skipped (listed in /healthz `skippedScorers`)',
    parse: list,
  },
  {
    env: 'PLUGINS_DIR',
    key: 'pluginsDir',
    default: '',
    meaning: 'Folder whose every .js/.cjs/.mjs file and every subfolder with a package.json is a scorer plugin module loaded at boot, after PLUGINS; empty: none',
    parse: optional,
  },
  {
    env: 'PLUGIN_SETTINGS',
    key: 'pluginSettings',
    default: '',
    meaning:
      'JSON object of settings per plugin module name (file name without extension, folder name or package name), handed to its `createScorers(sdk, settings)`: `{"purchase-count":{"prior":1}}`; empty: none',
    parse: settingsByName,
  },
  { env: 'DUVE_REFRESH_MINUTES', key: 'duveRefreshMinutes', default: '15', meaning: 'Period of the DUVE refresh job (recompute every user value, republish changes)', parse: positive },
  { env: 'VALUE_CHANGE_MIN_DELTA', key: 'valueChangeMinDelta', default: '0', meaning: 'Smallest value change (or any segment change) that is published to partners', parse: nonNegative },
  {
    env: 'PARTNERS_FILE',
    key: 'partnersFile',
    default: '',
    meaning: 'JSON file of partner API keys and segment entitlements for `userValueChanged`; empty: subscriptions refuse every key',
    parse: optional,
  },
  {
    env: 'ACCESS_DB_PATH',
    key: 'accessDbPath',
    default: './data/access.db',
    meaning: 'SQLite file of API keys (SHA-256 hashes only) and the audit log; `keys` CLI changes take effect on the next request',
    parse: text,
  },
  {
    env: 'AUTH',
    key: 'auth',
    default: 'on',
    meaning: '`off` disables API keys (every request acts with every scope); honoured only with NODE_ENV=development, else the process refuses to start',
    parse: oneOf('on', 'off'),
  },
  {
    env: 'RATE_LIMITS',
    key: 'rateLimits',
    default: formatRateLimits(DEFAULT_RATE_LIMITS),
    meaning:
      'Per-key token buckets by role, `<role>=<rate>/s:<burst>` comma-separated, merged over the defaults; one token per HTTP request or WebSocket connect; past it 429 RATE_LIMITED. `off` is honoured only with NODE_ENV=development',
    parse: parseRateLimits,
  },
  { env: 'VALUE_CHANGE_RETENTION_HOURS', key: 'valueChangeRetentionHours', default: '24', meaning: 'How long value changes stay in the log for partners to resume from a cursor', parse: positive },
  {
    env: 'LOG_LEVEL',
    key: 'logLevel',
    default: 'info',
    meaning: 'pino log level (fatal, error, warn, info, debug, trace, silent)',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
];

/** Parse the environment once. Throws CONFIG_INVALID naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const neo4j: Record<string, unknown> = {};
  for (const e of ENV_TABLE) {
    const raw = env[e.env] ?? e.default;
    let value: unknown;
    try {
      value = e.parse(raw);
    } catch (err) {
      throw new CodedError(ErrorCode.CONFIG_INVALID, `${e.env}=${JSON.stringify(raw)}: ${(err as Error).message}`, { field: e.env });
    }
    if (e.key.startsWith('neo4j.')) neo4j[e.key.slice(6)] = value;
    else out[e.key] = value;
  }
  out.neo4j = Object.freeze(neo4j);
  const cfg = out as unknown as Config;
  if (cfg.graphStore === 'neo4j' && cfg.neo4j.uri === '') {
    throw new CodedError(ErrorCode.CONFIG_INVALID, 'GRAPH_STORE=neo4j needs NEO4J_URI', { field: 'NEO4J_URI' });
  }
  if (cfg.auth === 'off' && !cfg.development) {
    throw new CodedError(ErrorCode.CONFIG_INVALID, 'AUTH=off is honoured only with NODE_ENV=development', { field: 'AUTH' });
  }
  if (cfg.rateLimits === 'off' && !cfg.development) {
    throw new CodedError(ErrorCode.CONFIG_INVALID, 'RATE_LIMITS=off is honoured only with NODE_ENV=development', { field: 'RATE_LIMITS' });
  }
  return Object.freeze(cfg);
}
