/** Waiting for and recording what `probes.subscribe()` delivers. */
import type { CheckEvent, Probes, ProbesEvent } from '../../src/index.js';

/**
 * The next finished run of check `name` (any check without a name). It holds a timer while
 * it waits: background runs are on unref'd timers, and a test waiting only for them would
 * otherwise leave node:test's event loop with nothing to wait for.
 */
export function nextRun(probes: Probes, name?: string): Promise<CheckEvent> {
  return new Promise((resolve) => {
    const alive = setInterval(() => {}, 60_000);
    const unsubscribe = probes.subscribe((event) => {
      if (event.type !== 'check' || (name !== undefined && event.name !== name)) return;
      unsubscribe();
      clearInterval(alive);
      resolve(event);
    });
  });
}

/** Every event from now on, in order; `stop()` unsubscribes. */
export function recordEvents(probes: Probes): { events: ProbesEvent[]; stop: () => void } {
  const events: ProbesEvent[] = [];
  const stop = probes.subscribe((event) => void events.push(event));
  return { events, stop };
}
