/**
 * Public error codes. Every code here is documented in the README's error table
 * (a test checks it). Clients switch on `extensions.code`; classes stay private.
 */
export enum ErrorCode {
  /** An argument or input field is invalid; `extensions.field` names it. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The request body is larger than MAX_BODY_BYTES (HTTP 413); nothing was read past the bound. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** The request body is not valid JSON (HTTP 400). */
  MALFORMED_REQUEST = 'MALFORMED_REQUEST',
  /**
   * The operation passes a request limit (tokens, depth, aliases, directives, static cost, feed
   * cost); `extensions.limit` names it. Refused before execution (HTTP 400).
   */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** No API key, or an unknown or revoked one (HTTP 401; over graphql-ws the connection is closed with 4403). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The key is valid but its role lacks the scope; `extensions.field` names the operation and `extensions.scope` the scope it needs (HTTP 403). */
  FORBIDDEN = 'FORBIDDEN',
  /**
   * The key is past its role's rate limit (RATE_LIMITS): HTTP 429 with `Retry-After` (s);
   * `extensions.retryAfterMs`, `limit` (`<rate>/s burst <n>`) and `role`. Over graphql-ws the connect is closed with 1013.
   */
  RATE_LIMITED = 'RATE_LIMITED',
  /** Unexpected failure; details are masked outside development. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** The graph store could not be reached or refused the write; nothing was acknowledged. */
  STORE_UNAVAILABLE = 'STORE_UNAVAILABLE',
  /**
   * The embedded store is at a row ceiling (STORE_MAX_USERS / _ITEMS / _EVENTS): the write would
   * create rows past it and was refused; `details.full` names what is full. Nothing stored is lost.
   */
  STORE_FULL = 'STORE_FULL',
  /** A scorer missed its deadline and was dropped from the blend. */
  SCORER_TIMEOUT = 'SCORER_TIMEOUT',
  /** A scorer threw and was dropped from the blend. */
  SCORER_FAILED = 'SCORER_FAILED',
  /** A scorer returned the wrong number of scores or a non-finite score; dropped. */
  SCORER_BAD_OUTPUT = 'SCORER_BAD_OUTPUT',
  /** Registration: two plugins share an id. */
  DUPLICATE_SCORER_ID = 'DUPLICATE_SCORER_ID',
  /** Registration: a plugin declares a feature the pipeline does not provide. */
  UNKNOWN_FEATURE = 'UNKNOWN_FEATURE',
  /** Registration: the plugin's declared ONNX inputs differ from the model's. */
  MODEL_INPUT_MISMATCH = 'MODEL_INPUT_MISMATCH',
  /** Registration: a declared ONNX input's layout (float32 [N, columns]) differs from the model's type or shape. */
  MODEL_SHAPE_MISMATCH = 'MODEL_SHAPE_MISMATCH',
  /** Registration: a plugin's id, version or options are malformed, or setup failed. */
  INVALID_PLUGIN = 'INVALID_PLUGIN',
  /** A strategy names a scorer or retriever that is not registered, or bad weights. */
  INVALID_STRATEGY = 'INVALID_STRATEGY',
  /** Configuration from the environment is invalid; the process refuses to start. */
  CONFIG_INVALID = 'CONFIG_INVALID',
  /** Import: a row could not be parsed or mapped; reported with its line, the import goes on. */
  IMPORT_ROW_INVALID = 'IMPORT_ROW_INVALID',
  /** The id names nothing (e.g. an unknown experiment); `extensions.field` names the argument. */
  NOT_FOUND = 'NOT_FOUND',
  /** A model the request needs is not loaded (e.g. no DUVE artifact under DUVE_MODEL_DIR). */
  MODEL_UNAVAILABLE = 'MODEL_UNAVAILABLE',
  /** Import: the mapping file is invalid. */
  IMPORT_MAPPING_INVALID = 'IMPORT_MAPPING_INVALID',
  /** Import: the input (or mapping) file does not exist, is not a file, or cannot be read. */
  IMPORT_FILE_NOT_FOUND = 'IMPORT_FILE_NOT_FOUND',
  /** Import: every row failed, or the failed share passed `--max-error-rate`; valid rows were stored. */
  IMPORT_TOO_MANY_ERRORS = 'IMPORT_TOO_MANY_ERRORS',
  /**
   * `userValueChanged(after:)`: the cursor is older than the value-change retention window, or
   * changes after it were trimmed, or the log does not know it (e.g. it was reset). Changes may
   * have been missed: re-sync, then subscribe without `after`.
   */
  CURSOR_EXPIRED = 'CURSOR_EXPIRED',
  /**
   * `userValueChanged`: the subscriber read too slowly and its pending changes passed the bound;
   * the subscription ended. Resume from the last cursor received (nothing after it is lost).
   */
  SUBSCRIBER_TOO_SLOW = 'SUBSCRIBER_TOO_SLOW',
  /** Publishing: the scorer manifest is malformed; `details.field` names the field (`inputs[0].columns[2]`). */
  INVALID_MANIFEST = 'INVALID_MANIFEST',
  /** Publishing: the probe batch failed (the model threw, an output is missing, not finite or the wrong length, or it took longer than the declared timeout); `details.problem` says which. */
  MODEL_PROBE_FAILED = 'MODEL_PROBE_FAILED',
  /** Publishing: the version is not above every version already published for the id (versions only go up). */
  VERSION_NOT_HIGHER = 'VERSION_NOT_HIGHER',
  /** Publishing: the blob is larger than MAX_MODEL_BYTES. */
  BLOB_TOO_LARGE = 'BLOB_TOO_LARGE',
  /** Publishing: a lifecycle change found nothing to act on (no previous version to roll back to, an id published by code). */
  LIFECYCLE_CONFLICT = 'LIFECYCLE_CONFLICT',
  /** The published-scorer catalog could not be read or written (Redis or the SQLite file); nothing was changed. */
  CATALOG_UNAVAILABLE = 'CATALOG_UNAVAILABLE',
  /** Offline evaluation: a line of a split file is malformed; `details.file` and `details.line` (1-based) name it. */
  EVAL_DATA_INVALID = 'EVAL_DATA_INVALID',
  /** Offline evaluation / tuning: a command-line argument is invalid (a window, a cut, a data source, a model); `details.flag` names the flag. */
  EVAL_ARGUMENT_INVALID = 'EVAL_ARGUMENT_INVALID',
}

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);
