/**
 * What `gracefulShutdown` stops, behind one interface, and the dispatcher that finds the
 * kind of a server. Each kind lives in its own file under targets/ and follows the same
 * timeline: drain → stop accepting → wait for what is in flight → destroy the rest → finish.
 *
 * Adding a kind is one file: `targets/<kind>.ts` exporting a {@link ShutdownKind}, listed
 * in `KINDS` below (before `closableKind`, which takes any `{ close() }`).
 */
import { InvalidOptionError } from '../errors.js';
import { describe } from '../options.js';
import { closableKind } from './targets/closable.js';
import { fastifyKind } from './targets/fastify.js';
import { httpKind } from './targets/http.js';

/** One kind of server, as the shutdown sequence drives it. */
export interface ShutdownTarget {
  /** `http server`, `Fastify`, `server` or `no server`, for the log lines. */
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

/** How one kind of server is recognized (by shape: shipshape imports no framework) and driven. */
export interface ShutdownKind {
  /** What the kind accepts, for the error message: `a Fastify instance`. */
  readonly accepts: string;
  /** The target for `server` when it is of this kind, else `undefined`. */
  target(server: unknown): ShutdownTarget | undefined;
}

/** The kinds, tried in order: the first that recognizes a server drives it. */
const KINDS: readonly ShutdownKind[] = [httpKind, fastifyKind, closableKind];

/** Builds the target for `server`, or throws `InvalidOptionError`. */
export function toShutdownTarget(server: unknown): ShutdownTarget {
  if (server === null) return noServer();
  for (const kind of KINDS) {
    const target = kind.target(server);
    if (target) return target;
  }
  throw new InvalidOptionError(`Expected \`server\` to be ${KINDS.map((kind) => kind.accepts).join(', ')}, or null, got ${describe(server)}`);
}

// --- internal ---

function noServer(): ShutdownTarget {
  return {
    label: 'no server',
    drain: () => {},
    stop: () => 0,
    settled: () => Promise.resolve(),
    destroy: () => 0,
    dispose: () => {},
  };
}
