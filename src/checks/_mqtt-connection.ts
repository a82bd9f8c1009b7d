/**
 * The connection that `mqtt(url)` owns, on MQTT.js: a clean session under a random client
 * id (two pods' checks never take over each other's session, MQTT 3.1.1 §3.1.4), with
 * MQTT.js's own reconnecting turned off, so that a lost connection is the shared
 * lifecycle's to reopen on the next probe. `mqtt.connect()` returns its client at once,
 * so a connection still waiting for its CONNACK can be destroyed at the timeout.
 */
import { NotReady } from '../core/errors.js';
import type { ConnectionDriver } from '../core/internal/owned-connection.js';
import type { MqttClientLike } from './mqtt.js';

/** The parts of `mqtt` (MQTT.js) that the check uses. */
export interface MqttModule {
  connect(url: string, options: object): MqttOwnedClient;
}

/** A client the check created: the check's shape, plus what frees it. */
export interface MqttOwnedClient extends MqttClientLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  end(force: boolean, options: object, callback: () => void): unknown;
}

// The check's timeout ends a connection attempt long before this (it destroys the client).
const CONNECT_TIMEOUT_MS = 30_000;

/** The {@link ConnectionDriver} of `url` (`mqtt://` or `mqtts://`, validated by the caller). */
export function mqttDriver(mqtt: MqttModule, url: string): ConnectionDriver<MqttOwnedClient> {
  return {
    open(lost) {
      const client = mqtt.connect(url, {
        clientId: `shipshape-${randomId()}`,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: CONNECT_TIMEOUT_MS,
      });
      let lastError: Error | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        // An unhandled `error` would crash the app; the reason is the one `close` reports.
        client.on('error', (error: Error) => void (lastError = error));
        client.on('connect', () => resolve());
        client.on('close', () => {
          reject(lastError ?? new Error(`connection closed by ${new URL(url).host}`));
          lost();
        });
      });
      return { connection: client, ready };
    },
    destroy: (client) => void client.end(true, {}, () => {}),
    end: (client) => new Promise<void>((resolve) => void client.end(false, {}, resolve)),
    // A broker's refusal of the publish (an MQTT 5 reason code) is an answer, not a stale connection.
    retryStale: (error) => !(error instanceof NotReady),
  };
}

/** 16 random hex digits, for client ids and topics. */
export function randomId(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16);
}
