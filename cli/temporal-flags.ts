/**
 * The data-source and time flags shared by `eval events/temporal` and `tune`: where the event log
 * is (`--preset` | `--file` + `--mapping` | `--db`) and where the cut and window are.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { EventsTemporalOptions } from '../eval/protocols/events-temporal';
import { parseInstant, parseWindow, sourceFromFlags } from '../eval/protocols/temporal-source';

export interface TemporalSourceFlags {
  file?: string;
  mapping?: string;
  preset?: string;
  db?: string;
  cut?: string;
  window?: string;
  evalDays?: number;
  maxLines?: number;
}

/** A commander parser: a positive finite number. */
export function positive(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** A commander parser: a number in [0, 1). */
export function fraction(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('must be a number in [0, 1)');
  return n;
}

/** A commander parser: a positive integer. */
export function count(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function temporalSourceOptions(cmd: Command): Command {
  return cmd
    .option('--file <csv>', 'event log CSV (default: the Taobao UserBehavior head in ../shared/data)')
    .option('--mapping <json>', 'column-mapping file for --file (the import csv format)')
    .option('--preset <name>', 'built-in mapping for --file (default taobao)')
    .option('--db <sqlite>', 'an existing embedded store: its stored interactions and item records')
    .option('--window <start..end>', 'observation window [start, end), ISO-8601 or epoch ms (default: Taobao 2017-11-25..12-03 UTC+8 for the preset, else the first event .. the last event + 1 ms)')
    .option('--cut <instant>', 'the test cut, ISO-8601 or epoch ms (default: window end - --eval-days)')
    .option('--eval-days <n>', 'days before the window end that form the test window (default 2)', positive)
    .option('--max-lines <n>', 'read only the first n records', count);
}

/** The run options the flags name (the source, window and cut are validated here: coded errors name the flag). */
export function temporalRunOptions(o: TemporalSourceFlags): Pick<EventsTemporalOptions, 'source' | 'window' | 'cutTs' | 'evalDays' | 'maxLines'> {
  return {
    source: sourceFromFlags(o),
    ...(o.window !== undefined ? { window: parseWindow(o.window, '--window') } : {}),
    ...(o.cut !== undefined ? { cutTs: parseInstant(o.cut, '--cut') } : {}),
    ...(o.evalDays !== undefined ? { evalDays: o.evalDays } : {}),
    ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}),
  };
}
