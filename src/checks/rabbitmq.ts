/**
 * The `rabbitmq()` check: a channel opened and closed (a broker round trip), through the
 * app's own amqplib connection or a connection of its own built from a URL.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { DriverConnection } from '../core/internal/driver-connection.js';
import { safeDecode } from '../core/internal/url.js';
import { describe, expectString, resolveOptions } from '../core/options.js';
import { registerUrlSecrets } from '../core/redact.js';
import { amqpDriver, amqpReason, withAmqpReasons } from './_amqp-connection.js';
import { loadAmqplib } from './_broker-drivers.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { roundTrip } from './_round-trip.js';

/** Options of {@link rabbitmq}. */
export interface RabbitmqOptions extends CheckSpecOptions {
  /**
   * The `connection_name` client property of the check's own connection (URL form only),
   * so that it can be told apart in `rabbitmqctl list_connections` and the management UI.
   * @defaultValue `DEFAULTS.connectionName`
   */
  readonly connectionName?: string;
}

/** The events of an amqplib connection that the check listens to (`blocked`, `unblocked`, …). */
export interface AmqpEventsLike {
  // `any[]`: EventEmitter's own listener type, which amqplib's typings use
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** A channel of amqplib's promise API. */
export interface AmqpPromiseChannelLike {
  close(): PromiseLike<unknown>;
}

/**
 * An amqplib promise-API connection: what `await amqp.connect(url)` returns (a
 * `ChannelModel`), in amqplib 0.10 to 2.x, or 2.x's recovering connection
 * (`connect(url, { recovery: true })`).
 */
export interface AmqpPromiseConnectionLike extends AmqpEventsLike {
  createChannel(): PromiseLike<AmqpPromiseChannelLike>;
  /** amqplib 2.x says in its `blocked` property whether the broker blocks the connection. */
  readonly connection?: object;
}

/** A channel of amqplib's callback API. */
export interface AmqpCallbackChannelLike {
  close(callback: (error: unknown) => void): unknown;
}

/** An amqplib callback-API connection (`require('amqplib/callback_api').connect(url, cb)`). */
export interface AmqpCallbackConnectionLike extends AmqpEventsLike {
  createChannel(callback: (error: unknown, channel: AmqpCallbackChannelLike) => void): unknown;
  /** amqplib 2.x says in its `blocked` property whether the broker blocks the connection. */
  readonly connection?: object;
}

/** What `rabbitmq()` accepts: an amqplib connection (promise or callback API), or an `amqp://` / `amqps://` URL. */
export type RabbitmqTarget = AmqpPromiseConnectionLike | AmqpCallbackConnectionLike | string | URL;

interface ResolvedRabbitmqOptions {
  readonly connectionName: string;
}

const DEFAULTS: ResolvedRabbitmqOptions = { connectionName: 'shipshape' };

const SUPPORTED = 'an amqplib connection (promise or callback API) or an amqp:// / amqps:// URL';

/**
 * Checks RabbitMQ by opening and closing a channel (a round trip to the broker), and
 * reports the round trip in ms.
 *
 * With the app's amqplib connection, a connection the broker has blocked (a memory or disk
 * alarm: RabbitMQ blocks the connections that publish) fails at once with the broker's
 * reason (`blocked by the broker: low on memory`), as does one that is closed (with the
 * broker's reason for closing it) or, for amqplib 2.x's recovering connection, one that is
 * reconnecting. The check listens to the connection's `blocked`, `unblocked`, `connect`
 * and `disconnect` events and never to `error`: the app's error handling stays the app's.
 * A channel still opening at the timeout is closed when it opens.
 *
 * With a URL the check owns one connection (loaded with `amqplib`, named `shipshape` in
 * the broker's list), reuses it, destroys it at the timeout, reopens it after any failure
 * (a restarted broker is picked up by the next probe), and `close()` (`probes.close()`)
 * ends it. It never publishes, so a memory alarm does not block it: a worker that only
 * consumes keeps draining its queues during an alarm, which is what the broker wants.
 * Credentials in the URL are redacted from every reason.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an object that is no amqplib
 *   connection, a URL of another scheme or a bad option. A run of the URL form fails with
 *   `DriverMissingError` (`SHIPSHAPE_DRIVER_MISSING`) when `amqplib` is not installed.
 *
 * @example
 * ```ts
 * import amqp from 'amqplib';
 * import { createProbes, rabbitmq } from 'shipshape';
 * const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');
 * const probes = createProbes({ readiness: { broker: rabbitmq(connection) } });
 * ```
 */
export function rabbitmq(target: RabbitmqTarget, options?: RabbitmqOptions): CheckSpec {
  if (typeof target === 'string' || target instanceof URL) registerUrlSecrets(target);
  validateCheckOptions(options, Object.keys(DEFAULTS));
  const settings = resolveOptions(DEFAULTS, options);
  expectString('connectionName', settings.connectionName);
  if (typeof target === 'string' || target instanceof URL) {
    const { run, close } = urlCheck(target, settings.connectionName);
    return checkSpec(run, options, close);
  }
  if (isAmqpConnection(target)) return checkSpec(clientCheck(target), options);
  throw new InvalidOptionError(`Expected the \`rabbitmq\` target to be ${SUPPORTED}, got ${describe(target)}`);
}

// --- internal ---

function isAmqpConnection(value: unknown): value is AmqpPromiseConnectionLike | AmqpCallbackConnectionLike {
  const candidate = value as Record<string, unknown> | null;
  return (
    typeof value === 'object' && candidate !== null && typeof candidate.createChannel === 'function' && typeof candidate.on === 'function'
  );
}

/**
 * Both APIs share one method name: the callback API's `createChannel(options, callback)`
 * declares two parameters (amqplib 0.10 to 2.x, recovering or not), the promise API's one.
 */
function isCallbackApi(connection: AmqpPromiseConnectionLike | AmqpCallbackConnectionLike): connection is AmqpCallbackConnectionLike {
  return connection.createChannel.length >= 2;
}

function clientCheck(connection: AmqpPromiseConnectionLike | AmqpCallbackConnectionLike) {
  const state = trackConnection(connection);
  const openAndClose = isCallbackApi(connection) ? callbackChannel(connection) : promiseChannel(connection);
  return async function rabbitmqChannel(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    state.throwIfUnusable();
    await withAmqpReasons(() => openAndClose(signal));
    return roundTrip(started);
  };
}

/**
 * What the connection's events tell: the broker's reason while it blocks the connection
 * (`connection.blocked`, amqplib emits `blocked` with it), and for a recovering connection
 * (amqplib 2.x) the error that lost it until it is connected again; without these a
 * blocked connection still opens channels, and a recovering one waits for its next
 * connection instead of failing.
 */
function trackConnection(connection: AmqpPromiseConnectionLike | AmqpCallbackConnectionLike) {
  let blocked: string | undefined;
  let lost: string | undefined;
  connection.on('blocked', (reason: unknown) => (blocked = typeof reason === 'string' && reason !== '' ? reason : 'no reason given'));
  connection.on('unblocked', () => (blocked = undefined));
  connection.on('disconnect', (error: unknown) => (lost = amqpReason(error) ?? (error instanceof Error ? error.message : 'closed')));
  connection.on('connect', () => {
    lost = undefined;
    blocked = undefined;
  });
  return {
    throwIfUnusable(): void {
      if (lost !== undefined) throw new NotReady(`connection lost, reconnecting: ${lost}`);
      if (blocked !== undefined || (connection.connection as { blocked?: unknown } | undefined)?.blocked === true) {
        throw new NotReady(`connection blocked by the broker: ${blocked ?? 'no reason given'}`);
      }
    },
  };
}

function promiseChannel(connection: AmqpPromiseConnectionLike) {
  return async (signal: AbortSignal): Promise<void> => {
    const opening = Promise.resolve(connection.createChannel());
    // A channel that opens after the timeout is closed at once, not left to the app.
    const channel = await abortable(opening, signal, () => opening.then((late) => late.close()).catch(() => {}));
    await abortable(channel.close(), signal);
  };
}

function callbackChannel(connection: AmqpCallbackConnectionLike) {
  return async (signal: AbortSignal): Promise<void> => {
    const opening = new Promise<AmqpCallbackChannelLike>((resolve, reject) => {
      connection.createChannel((error, channel) => (error ? reject(error) : resolve(channel)));
    });
    const closeLate = (late: AmqpCallbackChannelLike): void => void late.close(() => {});
    const channel = await abortable(opening, signal, () => opening.then(closeLate).catch(() => {}));
    await abortable(new Promise<void>((resolve, reject) => channel.close((error) => (error ? reject(error) : resolve()))), signal);
  };
}

function urlCheck(input: string | URL, connectionName: string) {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidOptionError(`Expected the \`rabbitmq\` target to be ${SUPPORTED}, got ${describe(String(input))}`);
  }
  if ((url.protocol !== 'amqp:' && url.protocol !== 'amqps:') || url.hostname === '') {
    throw new InvalidOptionError(`Expected the \`rabbitmq\` URL to be amqp://host[:port][/vhost] or amqps://…, got ${describe(url.href)}`);
  }
  const connection = new DriverConnection(loadAmqplib, (amqp) => amqpDriver(amqp, String(input), connectionName));
  const vhost = url.pathname.length > 1 ? safeDecode(url.pathname.slice(1)) : '/';
  return {
    run: async function rabbitmqChannel(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      await withAmqpReasons(() =>
        connection.use(signal, async ({ model }) => {
          const channel = await model!.createChannel();
          await channel.close();
        }),
      ).catch((error: unknown) => {
        // amqplib reports a refused `connection.open` without the broker's words
        if (error instanceof Error && error.message.startsWith('Expected ConnectionOpenOk; got <ConnectionClose')) {
          throw new NotReady(`the broker refused vhost ${JSON.stringify(vhost)} (it does not exist, or the user may not use it)`, { cause: error });
        }
        throw error;
      });
      return roundTrip(started);
    },
    close: () => connection.close(),
  };
}
