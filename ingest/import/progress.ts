/**
 * Progress reporting for importers: a cli-progress bar on a TTY (bytes read, ETA, events/s), or a
 * plain line every `intervalMs` otherwise; plus the row-error printer (first N in full, then a count).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { formatRowError, type ResolvedOptions, type RowError } from './types';

export interface ProgressReporter {
  /** Record progress: bytes of the file read so far, events produced so far. Cheap; call per row. */
  tick(bytes: number, events: number): void;
  /** Print one line without breaking the bar. */
  log(line: string): void;
  /** Report a row error (printed while under the print limit). */
  rowError(e: RowError): void;
  /** Finish the bar and print the count of row errors not shown. */
  stop(): void;
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  if (sec < 60) return `${Math.round(sec)}s`;
  return `${Math.floor(sec / 60)}m${String(Math.round(sec % 60)).padStart(2, '0')}s`;
}

/** One plain progress line (used when no bar is drawn). */
export function progressLine(label: string, bytes: number, total: number, events: number, elapsedMs: number): string {
  const pct = total > 0 ? (100 * bytes) / total : 100;
  const eps = elapsedMs > 0 ? Math.round((events * 1000) / elapsedMs) : 0;
  const eta = bytes > 0 ? ((total - bytes) * elapsedMs) / bytes / 1000 : Number.NaN;
  return `[import ${label}] ${pct.toFixed(1)}% ${mb(bytes)}/${mb(total)} MB, ${events} events, ${eps} events/s, ETA ${formatDuration(eta)}`;
}

export function createProgress(label: string, totalBytes: number, o: ResolvedOptions): ProgressReporter {
  const started = Date.now();
  const useBar = o.progress && o.stream.isTTY === true;
  let shown = 0;
  let stopped = false;
  let errors = 0;
  let lastDraw = 0;
  let lastLine = started;
  let bytesNow = 0;
  let eventsNow = 0;
  let multi: MultiBar | null = null;
  let bar: SingleBar | null = null;

  if (useBar) {
    multi = new MultiBar(
      {
        stream: o.stream,
        format: `import ${label} [{bar}] {percentage}% | {done}/{size} MB | ETA {eta_formatted} | {events} events | {eps} events/s`,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 50,
        fps: 5,
      },
      Presets.shades_classic,
    );
    bar = multi.create(Math.max(1, totalBytes), 0, { done: mb(0), size: mb(totalBytes), events: 0, eps: 0 });
  }

  const payload = () => {
    const elapsed = Date.now() - started;
    return { done: mb(bytesNow), size: mb(totalBytes), events: eventsNow, eps: elapsed > 0 ? Math.round((eventsNow * 1000) / elapsed) : 0 };
  };

  const log = (line: string): void => {
    if (multi !== null) multi.log(`${line}\n`);
    else o.log(line);
  };

  return {
    tick(bytes, events) {
      bytesNow = bytes;
      eventsNow = events;
      const now = Date.now();
      if (bar !== null) {
        if (now - lastDraw >= 100) {
          lastDraw = now;
          bar.update(Math.min(bytes, Math.max(1, totalBytes)), payload());
        }
      } else if (now - lastLine >= o.progressIntervalMs) {
        lastLine = now;
        o.log(progressLine(label, bytes, totalBytes, events, now - started));
      }
    },
    log,
    rowError(e) {
      errors += 1;
      if (shown < o.printRowErrors) {
        shown += 1;
        log(formatRowError(e));
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (bar !== null && multi !== null) {
        bar.update(Math.max(1, totalBytes), payload());
        multi.update(); // flushes lines logged since the last redraw; stop() would drop them
        multi.stop();
      }
      if (errors > shown) o.log(`[import ${label}] ${errors - shown} more row errors not shown (${errors} in all)`);
    },
  };
}
