/**
 * Real services for tests. A test that needs one calls `requireService(t, …)`: when the
 * service is unreachable it is skipped loudly locally, and fails in CI
 * (`CI=true` or `SHIPSHAPE_REQUIRE_SERVICES=1`), where a skip would hide a broken setup.
 */
import net from 'node:net';
import type { TestContext } from 'node:test';

export const POSTGRES_URL = process.env.SHIPSHAPE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.SHIPSHAPE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.SHIPSHAPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const MEMCACHED_SERVER = process.env.SHIPSHAPE_TEST_MEMCACHED ?? '127.0.0.1:11211';
/** RabbitMQ's default user, guest, may log in from 127.0.0.1 only (`loopback_users`). */
export const AMQP_URL = process.env.SHIPSHAPE_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const NATS_URL = process.env.SHIPSHAPE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const MQTT_URL = process.env.SHIPSHAPE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** The ports of the brokers above, for `requireService(t, name, port)`. */
export const AMQP_PORT = portOf(AMQP_URL, 5672);
export const NATS_PORT = portOf(NATS_URL, 4222);
export const MQTT_PORT = portOf(MQTT_URL, 1883);

export const servicesRequired = process.env.SHIPSHAPE_REQUIRE_SERVICES === '1' || process.env.CI === 'true';

/** Whether a TCP connection to host:port opens within 1 s. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Returns true when `host:port` answers. Otherwise skips the test with a loud message, or
 * throws in CI. Use as `if (!(await requireService(t, 'redis', 6379))) return;`.
 */
export async function requireService(t: TestContext, name: string, port: number, host = '127.0.0.1'): Promise<boolean> {
  if (await canConnect(host, port)) return true;
  const message = `${name} is not reachable at ${host}:${port}`;
  if (servicesRequired) throw new Error(`${message} (services are required in CI)`);
  console.warn(`\n!!! SKIPPED: ${message} — start it to run this test\n`);
  t.skip(message);
  return false;
}

function portOf(url: string, fallback: number): number {
  const { port } = new URL(url);
  return port === '' ? fallback : Number(port);
}
