/**
 * What `probes.subscribe(listener)` delivers (SPEC §7): one event per finished run of a
 * check, however many requests shared the run, and one per change of the app's state. The
 * runner emits check events, the probes instance state events; metrics and a gRPC health
 * `Watch` are listeners like any other.
 */
import type { CheckStatus } from './check.js';
import { log, type Logger } from './logger.js';
import { toReason } from './reason.js';
import type { ProbeName } from './report.js';

/** A run of a check finished. */
export interface CheckEvent {
  readonly type: 'check';
  /** The check's name. */
  readonly name: string;
  /** The probes listing the check (`['readiness', 'startup']` when startup defaults to the readiness checks). */
  readonly probes: readonly ProbeName[];
  /** `warn` is a failing non-critical check. */
  readonly status: CheckStatus;
  /** The status of the check's previous run; `undefined` on its first. */
  readonly previous: CheckStatus | undefined;
  /** The short redacted reason, when the run did not pass. */
  readonly reason?: string;
  /** How long the run took, in milliseconds (its timeout, when it timed out). */
  readonly durationMs: number;
  /** When the run finished. */
  readonly time: Date;
  /** Whether the run was abandoned at its timeout. */
  readonly timedOut: boolean;
}

/** The app's state changed: `markReady()`, `drain()` (graceful shutdown began), `markBroken(reason)`. */
export interface StateEvent {
  readonly type: 'state';
  readonly state: 'ready' | 'draining' | 'broken';
  /** The reason given to `markBroken()`, redacted. */
  readonly reason?: string;
  readonly time: Date;
}

/** Everything `probes.subscribe()` delivers. */
export type ProbesEvent = CheckEvent | StateEvent;

/** A listener of `probes.subscribe()`. What it throws (or rejects with) is logged and goes no further. */
export type ProbesListener = (event: ProbesEvent) => unknown;

/**
 * The listeners of one probes instance. Emitting is synchronous, in subscription order; each
 * listener is isolated: a throw or a rejected promise is logged through `logger` and never
 * reaches the check, the probe or the other listeners. Emitters ask {@link Subscribers.active}
 * before they build an event, so an app that subscribed nothing allocates nothing per run.
 */
export class Subscribers {
  #listeners: readonly ProbesListener[] = [];
  readonly #logger: Logger | undefined;

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  /** Whether anyone listens. */
  get active(): boolean {
    return this.#listeners.length > 0;
  }

  /** Adds `listener` (again, if it is already there: each subscription gets its own events); returns its unsubscribe. */
  add(listener: ProbesListener): () => void {
    // copy on write: an emit in progress keeps the list it started with
    this.#listeners = [...this.#listeners, listener];
    let subscribed = true;
    const subscribers = this;
    return function unsubscribe(): void {
      if (!subscribed) return;
      subscribed = false;
      subscribers.#remove(listener);
    };
  }

  /** Delivers `event` to every listener. */
  emit(event: ProbesEvent): void {
    for (const listener of this.#listeners) {
      try {
        const returned = listener(event);
        if (isThenable(returned)) returned.then(undefined, (error: unknown) => this.#report(error));
      } catch (error) {
        this.#report(error);
      }
    }
  }

  #report(error: unknown): void {
    log(this.#logger, 'error', `shipshape: a probes.subscribe() listener threw: ${toReason(error)}`);
  }

  #remove(listener: ProbesListener): void {
    const index = this.#listeners.indexOf(listener);
    if (index !== -1) this.#listeners = [...this.#listeners.slice(0, index), ...this.#listeners.slice(index + 1)];
  }
}

// --- internal ---

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
