/**
 * The one connection a URL-built SQL check owns: opened on the first run (the driver is
 * loaded then, inside the check's timeout), reused while it works, thrown away and
 * reopened on the next run after any failure, destroyed when the run's signal aborts, and
 * closed once by `close()`.
 *
 * One connection is enough: a probe runs one `SELECT 1` at a time per check, and the
 * runner shares an in-flight run between concurrent probe requests.
 */
import type { Observation } from '../core/check.js';
import { abortable } from '../core/internal/abortable.js';
import { roundTrip } from './_round-trip.js';

/** How one driver opens, queries and frees a connection. */
export interface ConnectionDriver<M, C> {
  /** Loads the driver package (`loadDriver('pg')`). */
  load(): Promise<M>;
  /**
   * Starts a connection and returns it at once with a promise that settles when it is
   * usable. Call `lost` when the driver reports it dead (its `error`/`end` events), and
   * attach an `error` listener: an unhandled one would crash the app.
   */
  open(driver: M, lost: (connection: C) => void): { connection: C; ready: Promise<unknown> };
  /** Runs the check's `SELECT 1`. */
  query(connection: C): Promise<unknown>;
  /** Frees the connection at once: destroys its socket. Must not throw. */
  destroy(connection: C): void;
  /** Closes the connection politely (a protocol goodbye); {@link destroy} follows after a grace. */
  end(connection: C): Promise<unknown>;
}

interface Entry<C> {
  readonly connection: C;
  readonly ready: Promise<unknown>;
  connected: boolean;
}

/** How long `close()` lets a connected driver say goodbye before destroying its socket. */
const END_GRACE_MS = 500;

/** A lazily opened, self-healing connection owned by one check. */
export class OwnedConnection<M, C> {
  readonly #driver: ConnectionDriver<M, C>;
  #current: Entry<C> | undefined;
  #closing: Promise<void> | undefined;

  constructor(driver: ConnectionDriver<M, C>) {
    this.#driver = driver;
  }

  /** One check run: connect if needed, `SELECT 1`, resolve to the query's round trip. */
  async run(signal: AbortSignal): Promise<Observation> {
    const module = await abortable(this.#driver.load(), signal);
    if (this.#closing) throw new Error('check is closed');
    const entry = this.#current ?? this.#open(module);
    const discard = (): void => this.#discard(entry.connection);
    try {
      await abortable(entry.ready, signal, discard);
      const started = performance.now();
      await abortable(
        Promise.resolve().then(() => this.#driver.query(entry.connection)),
        signal,
        discard,
      );
      return roundTrip(started);
    } catch (error) {
      // Whatever failed (refused, reset, killed by the server, timed out), the next run
      // starts from a fresh connection rather than guessing whether this one recovered.
      discard();
      throw error;
    }
  }

  /** Closes the connection (politely when it is up) and refuses further runs. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Whether a connection is currently held (for tests and diagnostics). */
  get isOpen(): boolean {
    return this.#current !== undefined;
  }

  // --- internal ---

  #open(module: M): Entry<C> {
    const { connection, ready } = this.#driver.open(module, (lost) => this.#discard(lost));
    const entry: Entry<C> = { connection, ready, connected: false };
    ready.then(
      () => {
        entry.connected = true;
      },
      () => {},
    );
    this.#current = entry;
    return entry;
  }

  #discard(connection: C): void {
    if (this.#current?.connection === connection) this.#current = undefined;
    try {
      this.#driver.destroy(connection);
    } catch {
      // the socket may already be gone; freeing it must never fail the check a second time
    }
  }

  async #close(): Promise<void> {
    const entry = this.#current;
    this.#current = undefined;
    if (!entry) return;
    if (entry.connected) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, END_GRACE_MS);
        timer.unref();
      });
      const ended = Promise.resolve()
        .then(() => this.#driver.end(entry.connection))
        .catch(() => {});
      await Promise.race([ended, grace]);
      clearTimeout(timer);
    }
    this.#discard(entry.connection);
  }
}
