/**
 * Dataset importers (public API). Every importer streams its file into any GraphStore in batches,
 * is re-runnable without duplicates (deterministic eventIds), reports malformed rows by line and
 * goes on, and returns an ImportSummary. See README.md in this folder for the mapping format.
 */
export { importCsv, loadMappingFile, readMappedCsv, type MappedRow, type ReadMappedCsvOptions } from './csv';
export { importTaobao, TAOBAO_MAPPING, PRESETS } from './presets';
export { importGowalla, GOWALLA_TS, GOWALLA_SPLITS, type GowallaOptions, type GowallaSplit } from './gowalla';
export { parseMapping, resolveColumns, MAPPED_FIELDS, LINE_REF, DEFAULT_NULL_VALUES, type CsvMapping, type ColumnRef, type EventIdSpec, type MappedField, type TsUnit } from './mapping';
export { type ItemPatch, type RowOutcome } from './row';
export { parseTs, parseDateTime, parseZone } from './timestamp';
export { categoryFacts, type CategoryFacts } from './categories';
export { DEFAULT_MAX_ERROR_RATE, checkErrorRate, errorRate, formatSummary } from './summary';
export { DEFAULT_BATCH_SIZE, type ImportOptions, type ImportSummary, type RowError } from './types';
