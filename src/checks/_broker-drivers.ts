/**
 * The driver packages of the broker checks built from URLs, each imported once, on first
 * use (optional peers; a missing one is a `DriverMissingError` naming it). The checks call
 * these on their first run; a caller with deadlines (each attempt of `wait4`) may call one
 * first, so that the import is paid for, or found missing, before the first attempt.
 */
import { DriverMissingError } from '../core/errors.js';
import { loadCommonJsDriver } from '../core/internal/load-driver.js';
import type { AmqplibModule } from './_amqp-connection.js';
import type { MqttModule } from './_mqtt-connection.js';

/** What `nats` 2.x and `@nats-io/transport-node` 3.x both export. */
export interface NatsModule {
  connect(options: object): Promise<NatsDriverConnection>;
}

/** The part of a nats.js connection the URL form uses. */
export interface NatsDriverConnection {
  flush(): Promise<void>;
  isClosed(): boolean;
  isDraining(): boolean;
  closed(): Promise<void | Error>;
  close(): Promise<void>;
}

/** `amqplib` (0.10 to 2.x), its promise API. */
export function loadAmqplib(): Promise<AmqplibModule> {
  return loadCommonJsDriver<AmqplibModule>('amqplib');
}

/**
 * `nats` (nats.js 2.x, what most apps run), or its successor `@nats-io/transport-node`
 * (3.x) when `nats` is not installed; when neither is, the error names `nats`.
 */
export async function loadNats(): Promise<NatsModule> {
  try {
    return await loadCommonJsDriver<NatsModule>('nats');
  } catch (error) {
    if (!(error instanceof DriverMissingError)) throw error;
    return loadCommonJsDriver<NatsModule>('@nats-io/transport-node').catch(() => Promise.reject(error));
  }
}

/** `mqtt` (MQTT.js 5). */
export function loadMqtt(): Promise<MqttModule> {
  return loadCommonJsDriver<MqttModule>('mqtt');
}
