/**
 * How `shipshape probe --grpc HOST:PORT` asks a running gRPC server: one
 * `grpc.health.v1.Health/Check` call (SPEC §5, as grpc-health-probe makes it), through the
 * client of the `grpc()` check (src/grpc/_health-client.ts: node:http2 alone, no
 * `@grpc/grpc-js`), bounded as a whole — connecting, the call and the goodbye — by one
 * deadline, which is also sent as the call's `grpc-timeout`. It does not wait for the
 * connection to close.
 *
 * The command imports this file on its own, on the `--grpc` path only: `--url` and
 * `--socket` never load the gRPC client, and node:http2 is loaded when the session opens.
 */
import type { HostPort } from '../../checks/_host-port.js';
import { GrpcCallError, GrpcHealthClient } from '../../grpc/_health-client.js';
import { statusName } from '../../grpc/_health-proto.js';
import { DeadlineError, reasonOf } from './ask.js';

export { parseGrpcTarget } from '../../grpc/_health-client.js';

/** What the server answered: a serving status by its name (`SERVING`, `NOT_SERVING`, `UNKNOWN`, `SERVICE_UNKNOWN`). */
export interface GrpcAnswer {
  readonly status: string;
}

export interface AskGrpcOptions {
  /** The service asked about (`""`: the whole server). */
  readonly service: string;
  readonly timeoutMs: number;
}

/**
 * Calls `Health/Check` for `options.service` on `server` and resolves with the status it
 * answered, whatever it is; the connection is closed before it resolves.
 *
 * @throws Error with a short reason naming `host:port` when there is no status: refused,
 *   unreachable, the deadline, an answer that is no gRPC, or a call that ended with an
 *   error status (`NOT_FOUND` for an unknown service, with the server's message).
 */
export async function askGrpc(server: HostPort, options: AskGrpcOptions): Promise<GrpcAnswer> {
  const client = new GrpcHealthClient(server);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  try {
    const status = await client.check(options.service, deadline, options.timeoutMs);
    return { status: statusName(status) };
  } catch (error) {
    if (error instanceof GrpcCallError) throw new Error(`${server.label}: ${error.message}`);
    throw new Error(reasonOf(deadline.aborted ? new DeadlineError() : error, server.label, false, options.timeoutMs));
  } finally {
    // the goodbye (GOAWAY) is written at once; waiting for the server to close its end costs
    // an exec probe tens of ms on a busy node, and the command exits as soon as this returns
    void client.close();
  }
}
