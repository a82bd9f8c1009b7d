/**
 * The `nats()` check: a `flush()` round trip (PING/PONG), through the app's own nats.js
 * connection or a connection of its own built from one or more `nats://` URLs.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { DriverConnection } from '../core/internal/driver-connection.js';
import { safeDecode } from '../core/internal/url.js';
import { describe } from '../core/options.js';
import { registerSecret, registerUrlSecrets } from '../core/redact.js';
import { loadNats, type NatsDriverConnection, type NatsModule } from './_broker-drivers.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { formatHostPort, type HostPort } from './_host-port.js';
import { firstNatsServer } from './_nats-info.js';
import { roundTrip } from './_round-trip.js';

/**
 * The part of a nats.js connection that the check uses: what `await connect()` returns in
 * `nats` 2.x and in `@nats-io/transport-node` 3.x.
 */
export interface NatsConnectionLike {
  flush(): Promise<void>;
  isClosed(): boolean;
  isDraining(): boolean;
  closed(): Promise<void | Error>;
}

/** What `nats()` accepts: a nats.js connection, or `nats://` URLs (several comma-separated). */
export type NatsTarget = NatsConnectionLike | string | URL;

/** Options of {@link nats}: the per-check settings only; the target says the rest. */
export type NatsOptions = CheckSpecOptions;

// No DEFAULTS: every option is a CheckSpec field that falls back to createProbes'.
const DEFAULT_PORT = 4222;
const SUPPORTED = 'a nats.js connection (`nats` or `@nats-io/transport-node`) or nats:// URLs, comma-separated';
// After a server has sent INFO, nats.js's own connect() is only a CONNECT and a PING away.
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Checks NATS with a `flush()` (a PING answered by a PONG), and reports the round trip in
 * ms.
 *
 * With the app's connection, a connection that is closed or draining fails at once; one
 * that lost its server fails when nats.js gives up the PING (at the latest at the check's
 * timeout), while nats.js reconnects on its own. With URLs (`nats://host:4222`, several
 * separated by commas, credentials as `nats://user:pass@host` or a token as
 * `nats://token@host`), the check owns one connection to the first server that answers,
 * through `nats` (or `@nats-io/transport-node` when `nats` is not installed): it reuses
 * it, destroys it at the timeout, reopens it after any failure (the next probe tries every
 * server again), and `close()` (`probes.close()`) closes it. Before handing a server to
 * nats.js, the check waits for the server's `INFO` on a socket of its own, which it can
 * destroy at the timeout (nats.js cannot be stopped while it connects). Credentials and
 * tokens are redacted from every reason.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an object that is no nats.js
 *   connection, a URL of another scheme or a bad option. A run of the URL form fails with
 *   `DriverMissingError` (`SHIPSHAPE_DRIVER_MISSING`) when neither `nats` nor
 *   `@nats-io/transport-node` is installed.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { createProbes, nats } from 'shipshape';
 * const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://localhost:4222' });
 * const probes = createProbes({ readiness: { nats: nats(nc) } });
 * ```
 */
export function nats(target: NatsTarget, options?: NatsOptions): CheckSpec {
  validateCheckOptions(options);
  if (typeof target === 'string' || target instanceof URL) {
    const { run, close } = urlCheck(parseServers(target));
    return checkSpec(run, options, close);
  }
  if (isNatsConnection(target)) return checkSpec(clientCheck(target), options);
  throw new InvalidOptionError(`Expected the \`nats\` target to be ${SUPPORTED}, got ${describe(target)}`);
}

// --- internal ---

interface NatsServer extends HostPort {
  readonly auth: { readonly user?: string; readonly pass?: string; readonly token?: string };
}

interface NatsHandle {
  readonly controller: AbortController;
  connection: NatsDriverConnection | undefined;
  closed: Promise<never> | undefined;
}

/**
 * Rejects when `connection` closes. nats.js 2.29 leaves a pending `flush()` unsettled when a
 * connection that does not reconnect closes (its server killed): a flush races this.
 */
function whenClosed(connection: NatsConnectionLike): Promise<never> {
  const closed = connection.closed().then((error) => {
    throw new NotReady(error?.message ? `connection closed: ${error.message}` : 'connection closed');
  });
  closed.catch(() => {});
  return closed;
}

function isNatsConnection(value: unknown): value is NatsConnectionLike {
  const candidate = value as Record<string, unknown> | null;
  return (
    typeof value === 'object' &&
    candidate !== null &&
    ['flush', 'isClosed', 'isDraining', 'closed'].every((name) => typeof candidate[name] === 'function')
  );
}

function clientCheck(connection: NatsConnectionLike) {
  const closed = whenClosed(connection);
  return async function natsFlush(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    if (connection.isClosed()) await closed;
    if (connection.isDraining()) throw new NotReady('connection draining');
    await flush(connection, closed, signal);
    return roundTrip(started);
  };
}

async function flush(connection: NatsConnectionLike, closed: Promise<never>, signal: AbortSignal): Promise<void> {
  try {
    await abortable(Promise.race([connection.flush(), closed]), signal);
  } catch (error) {
    if (signal.aborted || error instanceof NotReady) throw error;
    // nats.js errors are codes (`DISCONNECT`, `CONNECTION_CLOSED`)
    throw new NotReady(`flush failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function parseServers(input: string | URL): NatsServer[] {
  const items = typeof input === 'string' ? input.split(',').map((item) => item.trim()) : [input.href];
  return items.map((item) => {
    registerUrlSecrets(item);
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      // reported below
    }
    if (url?.protocol !== 'nats:' || url.hostname === '') {
      throw new InvalidOptionError(`Expected the \`nats\` target to be ${SUPPORTED}, got ${describe(String(input))}`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
    const user = safeDecode(url.username);
    const pass = safeDecode(url.password);
    // `nats://token@host`: a user name alone is a token, as nats-server and the NATS CLI read it.
    if (pass === '') registerSecret(user);
    const auth = user === '' ? {} : pass === '' ? { token: user } : { user, pass };
    return { host, port, label: formatHostPort(host, port), auth };
  });
}

function urlCheck(servers: readonly NatsServer[]) {
  const connection = new DriverConnection(loadNats, (driver: NatsModule) => ({
    open(lost) {
      const handle: NatsHandle = { controller: new AbortController(), connection: undefined, closed: undefined };
      const ready = (async () => {
        const server = await firstNatsServer(servers, handle.controller.signal);
        const connected = await driver.connect({
          servers: [formatHostPort(server.host, server.port)],
          ...server.auth,
          name: 'shipshape',
          reconnect: false,
          timeout: CONNECT_TIMEOUT_MS,
          noRandomize: true,
          ignoreClusterUpdates: true,
        });
        handle.connection = connected;
        if (handle.controller.signal.aborted) {
          // destroyed while nats.js connected: nothing else will close it
          connected.close().catch(() => {});
          throw handle.controller.signal.reason;
        }
        // Without reconnecting, a lost server closes the connection: the next use opens a fresh one.
        handle.closed = whenClosed(connected);
        handle.closed.catch(lost);
      })();
      return { connection: handle, ready };
    },
    destroy(handle) {
      handle.controller.abort(new Error('connection destroyed'));
      handle.connection?.close().catch(() => {});
    },
  }));
  return {
    run: async function natsFlush(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      await connection.use(signal, ({ connection: connected, closed }) => flush(connected!, closed!, signal));
      return roundTrip(started);
    },
    close: () => connection.close(),
  };
}
