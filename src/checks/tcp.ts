/**
 * The `tcp()` check: a TCP connection opens, and is closed again at once.
 */
import type { Socket } from 'node:net';
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { describe } from '../core/options.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { expectPort } from './_host-port.js';
import { roundTrip } from './_round-trip.js';

/** Options of {@link tcp}: the per-check settings only; host and port say the rest. */
export type TcpOptions = CheckSpecOptions;

// No DEFAULTS: every option is a CheckSpec field that falls back to createProbes'.

/**
 * Checks that a TCP connection to `host:port` opens, closes it, and reports the time to
 * connect in ms.
 *
 * For a dependency that has no protocol-level check here (a queue broker, an SMTP relay).
 * Opening a connection proves the port listens, not that the service behind it works. A
 * host name is tried on every address it resolves to, IPv4 and IPv6 (Node's
 * `autoSelectFamily`, "Happy Eyeballs", RFC 8305), so `localhost` works whichever family
 * the service binds. A connection that does not open by the timeout is destroyed.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an empty host, a port
 *   outside 1–65535 or a bad option.
 *
 * @example
 * ```ts
 * import { createProbes, tcp } from 'shipshape';
 * const probes = createProbes({ readiness: { broker: tcp('rabbitmq', 5672) } });
 * ```
 */
export function tcp(host: string, port: number, options?: TcpOptions): CheckSpec {
  if (typeof host !== 'string' || host.trim() === '') {
    throw new InvalidOptionError(`Expected the \`tcp\` host to be a non-empty string, got ${describe(host)}`);
  }
  expectPort('tcp', port);
  validateCheckOptions(options);
  // `[::1]` as written in URLs is the address `::1`.
  const address = host.trim().replace(/^\[(.*)\]$/, '$1');
  return checkSpec(
    async function tcpConnect(signal: AbortSignal): Promise<Observation> {
      signal.throwIfAborted();
      const started = performance.now();
      // node:net is loaded on the first run, not when shipshape is imported
      const socket = process.getBuiltinModule('node:net').connect({ host: address, port, autoSelectFamily: true });
      await abortable(opened(socket), signal, () => socket.destroy());
      const observation = roundTrip(started);
      socket.destroy();
      return observation;
    },
    options,
  );
}

// --- internal ---

function opened(socket: Socket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      // Errors after the check is done (a reset racing our destroy) must not crash the app.
      socket.on('error', () => {});
      resolve();
    });
    socket.once('error', reject);
  });
}
