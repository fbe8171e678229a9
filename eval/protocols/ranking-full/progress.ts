/**
 * A cli-progress bar on stderr with an ETA: redrawn in place on a terminal, one line every 10 s
 * otherwise (logs, CI), nothing when disabled.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** Set the absolute amount done, and optionally the `{note}` shown after the ETA. */
  update(done: number, note?: string): void;
  stop(): void;
}

export function createProgress(label: string, total: number, enabled: boolean, unit = ''): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | elapsed {duration_formatted} | ETA {eta_formatted} {note}`,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(1, total), 0, { note: '' });
  return {
    update: (done, note) => bar.update(done, note === undefined ? undefined : { note }),
    stop: () => bar.stop(),
  };
}
