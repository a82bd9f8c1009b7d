/**
 * Which grpc-js servers have a health service, and how to end their open `Watch` calls:
 * `gracefulShutdown` is given the server, not the function `addHealthService` returned, and
 * must end the watches before `tryShutdown()` (which waits for every open call, and a `Watch`
 * never ends by itself) — SPEC §4, the grpc-js servers.
 */

const services = new WeakMap<object, () => void>();

/** Remembers how to end the watches of `server`'s health service. */
export function rememberHealthService(server: object, endWatches: () => void): void {
  services.set(server, endWatches);
}

/** Ends every open `Watch` of `server`'s health service; returns whether it has one. */
export function endHealthWatches(server: object): boolean {
  const end = services.get(server);
  end?.();
  return end !== undefined;
}
