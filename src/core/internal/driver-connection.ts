/**
 * The connection of a check or client built from a URL whose protocol needs a driver
 * package (`amqplib`, `nats`, `mqtt`, and for SQL `pg`, `mysql2`, `better-sqlite3`): the
 * package is imported on the first use, inside that use's signal (a check's timeout covers
 * loading its driver, SPEC §2), and the connection then lives the one
 * {@link OwnedConnection} lifecycle. A missing package fails every use with the
 * `DriverMissingError` of the loader, remembered rather than re-imported per probe.
 */
import { abortable } from './abortable.js';
import { CLOSED_MESSAGE, OwnedConnection, type ConnectionDriver, type OwnedConnectionOptions } from './owned-connection.js';

/** A lazily loaded driver's connection, owned by a check or a client. */
export class DriverConnection<M, C> {
  readonly #load: () => Promise<M>;
  #loading: Promise<M> | undefined;
  readonly #connect: (driver: M) => ConnectionDriver<C>;
  readonly #options: OwnedConnectionOptions;
  #owned: OwnedConnection<C> | undefined;
  #closed = false;

  /**
   * @param load imports the driver (`loadCommonJsDriver('amqplib')`); rejects with
   *   `DriverMissingError` when it is not installed. Called once.
   * @param connect how to open and free a connection with the loaded driver.
   * @param options the connection's lifecycle options (`reopen`, `onLost`).
   */
  constructor(load: () => Promise<M>, connect: (driver: M) => ConnectionDriver<C>, options: OwnedConnectionOptions = {}) {
    this.#load = load;
    this.#connect = connect;
    this.#options = options;
  }

  /**
   * Loads the driver if needed, then runs `work` on the connection, with the loaded driver
   * (see {@link OwnedConnection.use}).
   */
  async use<T>(signal: AbortSignal, work: (connection: C, driver: M) => T | PromiseLike<T>): Promise<T> {
    // Remembered, a failure too (as loadDriver does): a missing package stays missing.
    this.#loading ??= this.#load();
    const driver = await abortable(this.#loading, signal);
    if (this.#closed && !this.#owned) throw new Error(CLOSED_MESSAGE);
    this.#owned ??= new OwnedConnection(this.#connect(driver), this.#options);
    return this.#owned.use(signal, (connection) => work(connection, driver));
  }

  /** Closes the connection (politely when it is up); later uses fail. Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#owned?.close() ?? Promise.resolve();
  }
}
