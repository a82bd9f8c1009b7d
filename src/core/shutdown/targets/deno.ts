/**
 * Deno's server (`Deno.serve()`, a `Deno.HttpServer`) as a shutdown target (SPEC §4, §9).
 * `server.shutdown()` stops accepting, closes idle connections and resolves once the
 * requests in flight have been answered. The handle has no forced close: only the `signal`
 * given to `Deno.serve()` ends connections at once (ext/http/00_serve.ts, `op_http_cancel`),
 * and it belongs to the app. So at `timeoutMs` the server is unref'd, the shutdown goes on
 * (hooks, exit 1) and the process exit ends what is left. Nor does the handle count requests
 * in flight: the count logged at stop is 0. `Connection: close` while draining comes from the
 * fetch path (`shipshape/fetch`), as Deno gives no hook on its responses.
 */
import type { ShutdownKind, ShutdownTarget } from '../target.js';

/** The part of `Deno.HttpServer` that shutdown uses. */
export interface DenoServerLike {
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
  readonly addr: unknown;
  unref(): void;
}

/** `Deno.serve()` servers. */
export const denoKind: ShutdownKind = {
  accepts: 'a Deno.serve() server',
  target: (server) => (isDenoServer(server) ? denoServerTarget(server) : undefined),
};

// --- internal ---

/** Whether `value` is a `Deno.serve()` server, by shape (no import: the core runs on Node too). */
function isDenoServer(value: unknown): value is DenoServerLike {
  const server = value as Partial<Record<keyof DenoServerLike, unknown>> | null;
  return (
    typeof server === 'object' &&
    server !== null &&
    typeof server.shutdown === 'function' &&
    typeof server.unref === 'function' &&
    typeof (server.finished as PromiseLike<unknown> | undefined)?.then === 'function' &&
    typeof server.addr === 'object'
  );
}

/** The shutdown timeline on a Deno server: `shutdown()` at stop; at `timeoutMs` the process exit ends the rest. */
function denoServerTarget(server: DenoServerLike): ShutdownTarget {
  let closed: Promise<void> | undefined;
  return {
    label: 'Deno server',
    drain: () => {},
    stop() {
      closed ??= server.shutdown();
      closed.catch(() => {}); // reported by settled()
      return 0;
    },
    settled: () => closed ?? Promise.resolve(),
    destroy() {
      server.unref();
      return 0;
    },
    dispose: () => {},
  };
}
