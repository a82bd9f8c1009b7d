/**
 * What `gracefulShutdown` stops, behind one interface, and the dispatcher that finds the
 * kind of a server. Each kind lives in its own file under targets/ and follows the same
 * timeline: drain → stop accepting → wait for what is in flight → destroy the rest → finish.
 * Several servers, and the clients of the `websockets` option (websockets.ts), are combined
 * into one target, so that they all follow that one timeline together.
 *
 * Adding a kind is one file: `targets/<kind>.ts` exporting a {@link ShutdownKind}, listed
 * in `KINDS` below (before `closableKind`, which takes any `{ close() }`).
 */
import { InvalidOptionError } from '../errors.js';
import { describe } from '../options.js';
import type { ClaimsUpgrade } from './connection-tracker.js';
import { bunKind } from './targets/bun.js';
import { closableKind } from './targets/closable.js';
import { denoKind } from './targets/deno.js';
import { fastifyKind } from './targets/fastify.js';
import { grpcKind } from './targets/grpc.js';
import { http2Kind } from './targets/http2.js';
import { httpKind } from './targets/http.js';
import { toWebSocketOwners, webSocketsTarget } from './websockets.js';

/** One kind of server, as the shutdown sequence drives it. */
export interface ShutdownTarget {
  /** `http server`, `http2 server`, `Fastify`, `Bun server`, `gRPC server`, `WebSocket clients`, `server` or `no server`, for the log lines. */
  readonly label: string;
  /** Readiness just failed: every response from now on says `Connection: close`. */
  drain(): void;
  /** Stops accepting, closes idle connections; returns the requests still in flight. */
  stop(): number;
  /** Settles when the last connection has ended (or the generic `close()` has). */
  settled(): Promise<unknown>;
  /** Destroys what is left; returns the number of connections destroyed. */
  destroy(): number;
  /** After `settled`/`destroy`: the server's own close hooks (Fastify's onClose), named for the log; none for the others. */
  readonly finish?: { readonly label: string; run(): Promise<unknown> };
  /** Removes the listeners put on the server. */
  dispose(): void;
}

/** What every kind may need to know of the other things being shut down. */
export interface TargetContext {
  /** Whether a WebSocket server given in `websockets` owns the connection of this upgrade request. */
  readonly claimsUpgrade: ClaimsUpgrade;
}

/** How one kind of server is recognized (by shape: shipshape imports no framework) and driven. */
export interface ShutdownKind {
  /** What the kind accepts, for the error message: `a Fastify instance`. */
  readonly accepts: string;
  /** The target for `server` when it is of this kind, else `undefined`. */
  target(server: unknown, context: TargetContext): ShutdownTarget | undefined;
}

/** The kinds, tried in order: the first that recognizes a server drives it. */
const KINDS: readonly ShutdownKind[] = [http2Kind, httpKind, fastifyKind, bunKind, denoKind, grpcKind, closableKind];

/**
 * Builds one target for `servers` (a server, `null`, or an array of them) and the clients
 * of the `websockets` servers (validated), or throws `InvalidOptionError` naming the
 * server of no kind, leaving no listener behind.
 */
export function toShutdownTarget(servers: unknown, websockets: readonly object[] = []): ShutdownTarget {
  const owners = toWebSocketOwners(websockets);
  const context: TargetContext = { claimsUpgrade: (req) => owners.some((owner) => owner.claims(req)) };
  // first, so that at timeoutMs its clients are cut (and counted) before their servers' sockets
  const targets: ShutdownTarget[] = owners.length > 0 ? [webSocketsTarget(owners)] : [];
  try {
    const list: readonly unknown[] = Array.isArray(servers) ? servers : [servers];
    const seen = new Set<unknown>(); // the same server twice is one
    list.forEach((server, index) => {
      if (seen.has(server)) return;
      seen.add(server);
      const target = toTarget(server, Array.isArray(servers) ? `server[${index}]` : 'server', context);
      if (target) targets.push(target);
    });
  } catch (error) {
    for (const target of targets) target.dispose();
    throw error;
  }
  return targets.length === 1 ? targets[0]! : combine(targets);
}

// --- internal ---

function toTarget(server: unknown, name: string, context: TargetContext): ShutdownTarget | undefined {
  if (server === null) return undefined;
  for (const kind of KINDS) {
    const target = kind.target(server, context);
    if (target) return target;
  }
  const accepted = `${KINDS.map((kind) => kind.accepts).join(', ')} or null`;
  throw new InvalidOptionError(`Expected \`${name}\` to be ${accepted}${name === 'server' ? ', or an array of them' : ''}, got ${describe(server)}`);
}

/** Several targets on one timeline: each step runs on all of them, and `settled` waits for all. */
function combine(targets: readonly ShutdownTarget[]): ShutdownTarget {
  const finishes = targets.flatMap((target) => (target.finish ? [target.finish] : []));
  const sum = (step: (target: ShutdownTarget) => number): number => targets.reduce((total, target) => total + step(target), 0);
  return {
    label: targets.length === 0 ? 'no server' : targets.map((target) => target.label).join(' and '),
    drain: () => targets.forEach((target) => target.drain()),
    stop: () => sum((target) => target.stop()),
    settled: () => Promise.all(targets.map((target) => target.settled())),
    destroy: () => sum((target) => target.destroy()),
    ...(finishes.length > 0 && {
      finish: { label: finishes.map((finish) => finish.label).join(' and '), run: () => Promise.all(finishes.map((finish) => finish.run())) },
    }),
    dispose: () => targets.forEach((target) => target.dispose()),
  };
}
