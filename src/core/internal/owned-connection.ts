/**
 * The one lifecycle of a connection that shipshape owns (a check built from a URL, the SQL
 * client of the command line): opened on first use, kept while it works, destroyed when a
 * use's signal aborts, thrown away after any failure so that the next use opens a fresh one
 * (a restarted or failed-over server is picked up by the next probe), and closed once by
 * `close()`, politely when it is up.
 *
 * What differs per protocol (pg, mysql2, SQLite, the line protocols of Redis and
 * memcached) is a small {@link ConnectionDriver}.
 */
import { abortable } from './abortable.js';

/** How one protocol opens and frees a connection. */
export interface ConnectionDriver<C> {
  /**
   * Starts a connection and returns it at once, with a promise that settles when it is
   * usable (so that a use aborted while connecting can destroy it). Call `lost` when the
   * connection dies later (a driver's `error`/`end`/`close` events), and listen to its
   * `error` events: an unhandled one would crash the app. May throw (a file that cannot be
   * opened): that use fails.
   */
  open(lost: () => void): { readonly connection: C; readonly ready: PromiseLike<unknown> };
  /** Frees the connection at once (destroys its socket). Errors are swallowed. */
  destroy(connection: C): void;
  /** A protocol goodbye before {@link destroy}, given {@link END_GRACE_MS} at `close()`. */
  end?(connection: C): PromiseLike<unknown>;
  /**
   * Whether `error`, from a use of a connection kept from an earlier use, is worth one retry
   * on a fresh connection: the server may have dropped it while it sat idle (a restart, an
   * idle timeout) without our seeing it yet. Without it nothing is retried.
   */
  retryStale?(error: unknown): boolean;
}

/** Options of {@link OwnedConnection}. */
export interface OwnedConnectionOptions {
  /**
   * `false`: once a connection that was up is lost, every later use fails instead of
   * reconnecting (`lockedmigrate`: a session lock dies with its session, so a new
   * connection would silently hold nothing). Connections that never came up are retried.
   * @defaultValue true
   */
  readonly reopen?: boolean;
  /**
   * Called once, at once, when a connection that was up is lost while `reopen` is `false`
   * (the server ended it, its socket broke, or a use was aborted): `lockedmigrate` stops its
   * COMMAND the moment its session lock is gone instead of at its next heartbeat. Not
   * called by `close()`. It must not throw.
   */
  readonly onLost?: (error: Error) => void;
}

/** What a use fails with after `close()`. */
export const CLOSED_MESSAGE = 'connection closed (close() was called)';

/** How long `close()` lets a connected driver say goodbye before destroying its socket. */
export const END_GRACE_MS = 500;

/**
 * After this much idleness, TCP keepalive probes check that the peer of a kept connection is
 * still there (the kernel's default is two hours): a server that vanished without a goodbye
 * (a node lost, a failover) is noticed between probes instead of on the next query. (This is
 * the client's side only: for a server to free a session lock whose holder vanished, the
 * server must probe too, which `lockedmigrate` asks of it.)
 */
export const KEEPALIVE_DELAY_MS = 10_000;

/** A lazily opened, self-healing connection. Never throws from an event. */
export class OwnedConnection<C> {
  readonly #driver: ConnectionDriver<C>;
  readonly #reopen: boolean;
  readonly #onLost: ((error: Error) => void) | undefined;
  #current: Entry<C> | undefined;
  #closing: Promise<void> | undefined;
  #lost: Error | undefined;

  constructor(driver: ConnectionDriver<C>, options: OwnedConnectionOptions = {}) {
    this.#driver = driver;
    this.#reopen = options.reopen ?? true;
    this.#onLost = options.onLost;
  }

  /**
   * Runs `work` on the connection, opening it first if needed. When `signal` aborts, the
   * connection is destroyed and the use rejects with `signal.reason`; when `work` fails,
   * the connection is discarded (after one retry on a fresh one, for a kept connection the
   * driver calls stale).
   */
  async use<T>(signal: AbortSignal, work: (connection: C) => T | PromiseLike<T>): Promise<T> {
    signal.throwIfAborted();
    const reused = this.#current?.up === true;
    try {
      return await this.#useOnce(signal, work);
    } catch (error) {
      if (!reused || signal.aborted || this.#closing || this.#lost || !this.#driver.retryStale?.(error)) throw error;
      return this.#useOnce(signal, work);
    }
  }

  /** Closes the connection (politely when it is up) and refuses further uses. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  // --- internal ---

  async #useOnce<T>(signal: AbortSignal, work: (connection: C) => T | PromiseLike<T>): Promise<T> {
    if (this.#closing) throw new Error(CLOSED_MESSAGE);
    if (this.#lost) throw this.#lost;
    const entry = this.#current ?? this.#open();
    const discard = (): void => this.#discard(entry);
    try {
      await abortable(entry.ready, signal, discard);
      return await abortable(Promise.resolve().then(() => work(entry.connection)), signal, discard);
    } catch (error) {
      // Whatever failed (refused, reset, killed by the server, timed out), the next use
      // starts from a fresh connection rather than guessing whether this one recovered.
      discard();
      throw error;
    }
  }

  #open(): Entry<C> {
    let entry: Entry<C> | undefined;
    const opened = this.#driver.open(() => {
      if (entry) this.#discard(entry);
    });
    entry = { connection: opened.connection, ready: Promise.resolve(opened.ready), up: false };
    const current = entry;
    current.ready.then(
      () => {
        current.up = true;
      },
      () => {},
    );
    this.#current = current;
    return current;
  }

  #discard(entry: Entry<C>): void {
    if (this.#current === entry) {
      this.#current = undefined;
      if (entry.up && !this.#reopen && !this.#closing && !this.#lost) {
        this.#lost = new Error('connection lost (it is not reopened)');
        this.#onLost?.(this.#lost);
      }
    }
    try {
      this.#driver.destroy(entry.connection);
    } catch {
      // the socket may already be gone; freeing it must never fail a use a second time
    }
  }

  async #close(): Promise<void> {
    const entry = this.#current;
    if (!entry) return;
    const end = this.#driver.end;
    if (entry.up && end) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, END_GRACE_MS);
        timer.unref();
      });
      const ended = Promise.resolve()
        .then(() => end.call(this.#driver, entry.connection))
        .catch(() => {});
      await Promise.race([ended, grace]);
      clearTimeout(timer);
    }
    this.#discard(entry);
  }
}

interface Entry<C> {
  readonly connection: C;
  readonly ready: Promise<unknown>;
  /** Whether `ready` resolved: the connection was usable at least once. */
  up: boolean;
}
