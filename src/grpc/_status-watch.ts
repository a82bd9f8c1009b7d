/**
 * Watching the status of one service, for every `Watch` call on it at once: the status is
 * evaluated while someone watches, at least every {@link WATCH_INTERVAL_MS} (SPEC §8) and at
 * once when {@link StatusWatch.poke} says the app's state changed (`drain()`,
 * `markBroken()`, `markReady()`), and each watcher hears the current status when it joins and
 * then every change. Watchers of one service share the evaluations: a hundred clients
 * watching readiness run each check once a second, not a hundred times.
 *
 * Evaluating runs the service's checks (through their shared runners). Once the probes
 * report every finished run as an event (`probes.subscribe`, SPEC §7), the poll stays (the
 * checks must still run about once a second while someone watches) and `poke` is called on
 * the state events too; see src/grpc/health-service.ts.
 */
import type { ServingStatus } from './types.js';

/** "Evaluated at least every second while someone watches" (SPEC §8). */
export const WATCH_INTERVAL_MS = 1000;

/** Hears a status: the current one when it joins, then every change. */
export type StatusListener = (status: ServingStatus) => void;

/** The shared watch of one service; see the file's header. */
export class StatusWatch {
  readonly #evaluate: () => Promise<ServingStatus>;
  readonly #onIdle: () => void;
  readonly #intervalMs: number;
  readonly #listeners = new Set<StatusListener>();
  #last: ServingStatus | undefined;
  #running = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  /** `evaluate` must not reject; `onIdle` is called when the last watcher leaves. */
  constructor(evaluate: () => Promise<ServingStatus>, onIdle: () => void, intervalMs = WATCH_INTERVAL_MS) {
    this.#evaluate = evaluate;
    this.#onIdle = onIdle;
    this.#intervalMs = intervalMs;
  }

  /**
   * Adds a watcher: it hears the last status at once if there is one (the first watcher, when
   * the first evaluation ends), then every change. Returns the function that removes it.
   */
  add(listener: StatusListener): () => void {
    this.#listeners.add(listener);
    if (this.#last !== undefined) listener(this.#last);
    else if (!this.#running) this.#run();
    return () => this.#remove(listener);
  }

  /** Evaluates now (after the evaluation in progress, if one is). */
  poke(): void {
    if (this.#listeners.size === 0) return;
    if (this.#running) this.#again = true;
    else this.#run();
  }

  // --- internal ---

  #remove(listener: StatusListener): void {
    if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#last = undefined;
    this.#onIdle();
  }

  #run(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = true;
    this.#again = false;
    const started = performance.now();
    void this.#evaluate().then((status) => {
      this.#running = false;
      if (this.#listeners.size === 0) return;
      if (status !== this.#last) {
        this.#last = status;
        for (const listener of [...this.#listeners]) listener(status);
      }
      if (this.#again) return this.#run();
      // counted from the start of this evaluation: one evaluation a second, however long each takes
      const wait = Math.max(0, this.#intervalMs - (performance.now() - started));
      this.#timer = setTimeout(() => this.#run(), wait);
      // the server keeps the process alive while it serves; a watch alone must not
      this.#timer.unref();
    });
  }
}
