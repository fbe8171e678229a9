/** Waiting in tests: poll an observable state with a deadline instead of sleeping a fixed time. */

export const DEFAULT_WAIT_MS = 5_000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve once `ok()` holds; reject naming `what` after `timeoutMs`. Polls every 5 ms. */
export async function until(what: string, ok: () => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
