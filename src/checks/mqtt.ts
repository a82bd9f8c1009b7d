/**
 * The `mqtt()` check: a QoS 1 publish to a private topic, acknowledged by the broker
 * (PUBACK), through the app's own MQTT.js client or a connection of its own built from a URL.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { DriverConnection } from '../core/internal/driver-connection.js';
import { describe, expectString, resolveOptions } from '../core/options.js';
import { registerUrlSecrets } from '../core/redact.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { trackFirstReady, type ClientEventsLike } from './_first-ready.js';
import { loadMqtt } from './_broker-drivers.js';
import { mqttDriver, randomId } from './_mqtt-connection.js';
import { roundTrip } from './_round-trip.js';

/** Options of {@link mqtt}. */
export interface MqttOptions extends CheckSpecOptions {
  /**
   * The topic the check publishes to (an empty message, QoS 1, not retained). Set it when
   * the broker's ACL allows the app only some topics; no wildcards.
   * @defaultValue `DEFAULTS.topic`: a random topic under `shipshape/probe/`, one per check
   */
  readonly topic?: string;
}

/** The part of an MQTT.js client (`mqtt.connect()`, v5) that the check uses. */
export interface MqttClientLike extends ClientEventsLike {
  readonly connected: boolean;
  readonly reconnecting?: boolean;
  readonly disconnecting?: boolean;
  readonly disconnected?: boolean;
  publish(topic: string, message: string, options: { qos: 1 }, callback: (error?: Error) => void): unknown;
  getLastMessageId?(): number;
  removeOutgoingMessage?(messageId: number): unknown;
  readonly outgoing?: Readonly<Record<number, { readonly cb?: unknown } | undefined>>;
}

/** What `mqtt()` accepts: an MQTT.js client, or an `mqtt://` / `mqtts://` URL. */
export type MqttTarget = MqttClientLike | string | URL;

interface ResolvedMqttOptions {
  readonly topic: string | null;
}

const DEFAULTS: ResolvedMqttOptions = { topic: null };

const SUPPORTED = 'an MQTT.js client or an mqtt:// / mqtts:// URL';

/**
 * Checks an MQTT broker with a QoS 1 publish to a private topic that the broker must
 * acknowledge (PUBACK), and reports the round trip in ms.
 *
 * With the app's client, a client that is disconnected, reconnecting or ended fails at once
 * (MQTT.js would keep the message to send after reconnecting); one still making its first
 * connection is waited for within the check's timeout; a message still unacknowledged at
 * the timeout is removed from the client's outgoing store, so it is never sent later. With
 * a URL the check owns one connection (loaded with `mqtt`, a clean session with a random
 * `shipshape-…` client id, no automatic reconnect): it reuses it, destroys it at the
 * timeout, reopens it after any failure, and `close()` (`probes.close()`) ends it.
 * Credentials in the URL are redacted from every reason.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an object that is no MQTT.js
 *   client, a URL of another scheme, a topic with wildcards or a bad option. A run of the
 *   URL form fails with `DriverMissingError` (`SHIPSHAPE_DRIVER_MISSING`) when `mqtt` is not
 *   installed.
 *
 * @example
 * ```ts
 * import mqttjs from 'mqtt';
 * import { createProbes, mqtt } from 'shipshape';
 * const client = mqttjs.connect(process.env.MQTT_URL ?? 'mqtt://localhost:1883');
 * const probes = createProbes({ readiness: { broker: mqtt(client) } });
 * ```
 */
export function mqtt(target: MqttTarget, options?: MqttOptions): CheckSpec {
  if (typeof target === 'string' || target instanceof URL) registerUrlSecrets(target);
  validateCheckOptions(options, Object.keys(DEFAULTS));
  const settings = resolveOptions(DEFAULTS, options);
  const topic = settings.topic ?? `shipshape/probe/${randomId()}`;
  expectTopic(topic);
  if (typeof target === 'string' || target instanceof URL) {
    const { run, close } = urlCheck(target, topic);
    return checkSpec(run, options, close);
  }
  if (isMqttClient(target)) return checkSpec(clientCheck(target, topic), options);
  throw new InvalidOptionError(`Expected the \`mqtt\` target to be ${SUPPORTED}, got ${describe(target)}`);
}

// --- internal ---

function isMqttClient(value: unknown): value is MqttClientLike {
  const candidate = value as Record<string, unknown> | null;
  return typeof value === 'object' && candidate !== null && typeof candidate.publish === 'function' && typeof candidate.connected === 'boolean';
}

function expectTopic(topic: string): void {
  expectString('topic', topic);
  // MQTT 3.1.1 §4.7.1: a topic name to publish to has no wildcards; §4.7.3: it is not empty.
  if (topic === '' || /[+#\0]/.test(topic)) {
    throw new InvalidOptionError(`Expected \`topic\` to be an MQTT topic name without wildcards (+, #), got ${describe(topic)}`);
  }
}

function clientCheck(client: MqttClientLike, topic: string) {
  const readiness = trackFirstReady(client, { readyNow: client.connected, ready: 'connect', fail: ['close', 'end'] });
  return async function mqttPublish(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    if (client.disconnecting === true || client.disconnected === true) throw new NotReady('client ended (end() was called)');
    if (client.connected) readiness.seen();
    else if (readiness.wasReady() || client.reconnecting === true) throw new NotReady('client not connected (reconnecting)');
    else await readiness.first(signal, () => 'client not connected');
    await publish(client, topic, signal);
    return roundTrip(started);
  };
}

/**
 * A QoS 1 publish that resolves at its PUBACK, and fails at once when the connection closes
 * meanwhile (MQTT.js would keep the message to resend after reconnecting). When it fails
 * or aborts, its message leaves the client's outgoing store: it is never sent later.
 */
async function publish(client: MqttClientLike, topic: string, signal: AbortSignal): Promise<void> {
  let settle!: (error?: Error) => void;
  const puback = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const callback = (error?: Error): void => settle(error && new NotReady(`publish failed: ${error.message}`, { cause: error }));
  const closed = (): void => settle(new NotReady('connection lost before the broker acknowledged'));
  client.once?.('close', closed);
  client.publish(topic, '', { qos: 1 }, callback);
  // MQTT.js allocates the id of a QoS 1 message synchronously while it is connected.
  const id = client.getLastMessageId?.();
  const ours = id !== undefined && client.outgoing?.[id]?.cb === callback;
  const forget = (): void => {
    if (ours && client.outgoing?.[id]?.cb === callback) client.removeOutgoingMessage?.(id);
  };
  try {
    await abortable(puback, signal, forget);
  } catch (error) {
    forget();
    throw error;
  } finally {
    client.removeListener?.('close', closed);
  }
}

function urlCheck(input: string | URL, topic: string) {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidOptionError(`Expected the \`mqtt\` target to be ${SUPPORTED}, got ${describe(String(input))}`);
  }
  if ((url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') || url.hostname === '') {
    throw new InvalidOptionError(`Expected the \`mqtt\` URL to be mqtt://host[:port] or mqtts://host[:port], got ${describe(url.href)}`);
  }
  const connection = new DriverConnection(loadMqtt, (driver) => mqttDriver(driver, String(input)));
  return {
    run: async function mqttPublish(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      await connection.use(signal, (client) => publish(client, topic, signal));
      return roundTrip(started);
    },
    close: () => connection.close(),
  };
}
