/**
 * The connection that `rabbitmq(url)` owns, on amqplib's promise API, and how amqplib's
 * errors become short reasons.
 *
 * amqplib's `connect()` returns a promise, not a connection, so there is nothing to destroy
 * while it is still connecting; but it hands its socket options to `net.connect()` /
 * `tls.connect()`, which take an `AbortSignal` that destroys the socket (Node ≥ 15.4). The
 * connection's own controller is that signal: aborting it frees the socket whether the
 * connection is still in its handshake (a blackhole that accepts and never answers) or has
 * long been up.
 */
import { KEEPALIVE_DELAY_MS, type ConnectionDriver } from '../core/internal/owned-connection.js';
import { NotReady } from '../core/errors.js';

/** The parts of `amqplib` (its promise API, the package's main export) that the check uses. */
export interface AmqplibModule {
  connect(url: string, socketOptions: object): Promise<AmqplibModel>;
}

interface AmqplibModel {
  createChannel(): Promise<{ close(): Promise<unknown> }>;
  close(): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** One connection of the check: its model once connected, and the signal that destroys its socket. */
export interface AmqpHandle {
  readonly controller: AbortController;
  model: AmqplibModel | undefined;
}

/** The {@link ConnectionDriver} of `url` (`amqp://` or `amqps://`, validated by the caller). */
export function amqpDriver(amqp: AmqplibModule, url: string, connectionName: string): ConnectionDriver<AmqpHandle> {
  return {
    open(lost) {
      const handle: AmqpHandle = { controller: new AbortController(), model: undefined };
      const ready = amqp
        .connect(url, {
          signal: handle.controller.signal,
          clientProperties: { connection_name: connectionName },
          noDelay: true,
          keepAlive: true,
          keepAliveDelay: KEEPALIVE_DELAY_MS,
        })
        .then((model) => {
          handle.model = model;
          // A broker that closes the connection emits `error` (an unhandled one would crash
          // the app) and then `close`: the next use opens a fresh connection.
          model.on('error', () => {});
          model.on('close', lost);
        });
      return { connection: handle, ready };
    },
    destroy: (handle) => handle.controller.abort(new Error('connection destroyed')),
    end: (handle) => handle.model?.close() ?? Promise.resolve(),
    // A broker's refusal (a closed channel, a wrong password) carries its reply code; a
    // kept connection that went stale fails with a socket or "Connection closed" error.
    retryStale: (error) => typeof (error as { code?: unknown } | undefined)?.code !== 'number',
  };
}

/**
 * Runs `work` (amqplib calls) and turns amqplib's wordy errors into short reasons:
 * `Connection closed (Error: Connection closed: 320 (CONNECTION-FORCED) with message
 * "CONNECTION_FORCED - …")` becomes its inner part. Other errors (a refused socket, the
 * signal's reason) pass unchanged.
 */
export async function withAmqpReasons<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = amqpReason(error);
    throw reason === undefined ? error : new NotReady(reason, { cause: error });
  }
}

/** The short reason of an amqplib "closed" error, or undefined for any other error. */
export function amqpReason(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const wrapped = /^(?:Channel|Connection) closed \((?:Error: )?(.*)\)$/s.exec(message);
  if (wrapped) return wrapped[1] === 'by client' ? 'connection closed by the app' : wrapped[1];
  // a refused login: `Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused …. For details see the broker logfile."`
  const login = /^Handshake terminated by server: 403 \(ACCESS-REFUSED\) with message "(.*?)(?:\. For details see the broker logfile\.)?"$/s.exec(message);
  if (login) return `authentication failed: ${login[1]}`;
  return /^(?:Connection closed|Handshake terminated by server|Channel closed)/.test(message) ? message : undefined;
}
