/**
 * The public face of a probes instance, {@link Probes}: what `createProbes` returns and
 * every adapter, the command line and the metrics take.
 */
import type { ProbesListener } from './events.js';
import type { ListenOptions, ProbeSocket } from './listen.js';
import type { NodeRequestLike, NodeResponseLike } from './handle.js';
import type { ProbeName, ProbeReport } from './report.js';
import type { ProbeRequest, ProbeResponse } from './respond.js';
import type { ProbesSnapshot } from './snapshot.js';

/** Options of {@link Probes.check}. */
export interface ProbeCheckOptions {
  /** Check names to leave out of this run (`?exclude=`). */
  readonly exclude?: Iterable<string>;
}

/** A running set of probes; see {@link createProbes}. */
export interface Probes {
  /** Runs a probe and returns its report (what the CLI and tests read); background checks give their latest result (waiting only for their first). */
  check(probe: ProbeName, options?: ProbeCheckOptions): Promise<ProbeReport>;
  /** The core request path: a probe response, or `undefined` for the app's own requests. */
  respond(request: ProbeRequest): Promise<ProbeResponse> | undefined;
  /** Answers a node:http probe request and returns `true`, or returns `false` and leaves it alone. */
  handle(req: NodeRequestLike, res: NodeResponseLike): boolean;
  /** Answers a Web `Request` for a probe, or resolves to `undefined` for the app's own requests. */
  fetch(request: Request): Promise<Response | undefined>;
  /** Ends the starting state of `manualReady`. */
  markReady(): void;
  /** Fails liveness (and readiness) from now on, with `[-]broken failed: reason`: Kubernetes restarts the pod. */
  markBroken(reason: string | Error): void;
  /** Starts draining: readiness fails with `[-]shutdown failed: draining`; liveness does not. `gracefulShutdown` calls it. */
  drain(): void;
  /**
   * Calls `listener` once per finished run of a check (however many requests shared it)
   * and once per change of the app's state (`ready`, `draining`, `broken`); returns the
   * function that unsubscribes it.
   *
   * Listeners run synchronously when a run finishes, in subscription order. One that throws
   * or rejects is reported through `logger` and never affects a probe or another listener.
   * With no listener, a run builds no event at all.
   *
   * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `listener` is not a function.
   *
   * @example
   * ```ts
   * import { createProbes } from 'shipshape';
   *
   * const probes = createProbes({ readiness: { api: async () => {} } });
   * const unsubscribe = probes.subscribe((event) => {
   *   if (event.type === 'check' && event.status !== event.previous) console.log(`${event.name}: ${event.status}`);
   * });
   * await probes.check('readiness'); // api: pass
   * unsubscribe();
   * ```
   */
  subscribe(listener: ProbesListener): () => void;
  /**
   * The latest known state of the app, its probes and every check, without running
   * anything: what a metrics scrape or a dashboard reads. A check that has not run yet is
   * `unknown`; a background result gone stale, or a run still hanging after its timeout, is
   * a failure, as a probe request would see it. Reasons are the redacted ones, whatever
   * `details` says (that option is for the HTTP endpoints).
   *
   * @example
   * ```ts
   * import { createProbes } from 'shipshape';
   *
   * const probes = createProbes({ readiness: { api: { run: async () => {}, intervalMs: 5000 } } });
   * await probes.check('readiness'); // waits for the first background run
   * const { probes: status, checks } = probes.snapshot();
   * console.log(status.readiness, checks.api?.status); // pass pass
   * await probes.close();
   * ```
   */
  snapshot(): ProbesSnapshot;
  /** Whether the app is ready (always true without `manualReady`). */
  readonly ready: boolean;
  /** Whether `drain()` was called. */
  readonly draining: boolean;
  /** Every probe path served. */
  readonly paths: readonly string[];
  /**
   * Serves the probes on a Unix socket, for `shipshape probe --socket` (a worker's exec
   * probe); resolves once it listens.
   *
   * The socket answers `/livez`, `/healthz`, `/readyz`, `/startupz` and `/readyz/NAME` (the
   * default paths, whatever `paths` and `basePath` say) as the HTTP endpoints do. Its file
   * gets mode `0600`; a stale file (its process was killed) is replaced, while a socket that
   * another live process listens on is an error. The socket does not keep the process
   * alive. `close()` on the result, or `probes.close()`, stops it and removes the file.
   *
   * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a missing or too long
   *   `socket` path or an unknown option; ShipshapeError (`SHIPSHAPE_ERROR`, rejected) when
   *   the path is taken by a live process or by a file that is no socket, or cannot be bound.
   *
   * @example
   * ```ts
   * import { createProbes, eventLoopDelay } from 'shipshape';
   *
   * const probes = createProbes({ liveness: { loop: eventLoopDelay({ maxMs: 2000 }) } });
   * await probes.listen({ socket: '/run/app/probes.sock' });
   * // in the pod spec: exec: { command: ['shipshape', 'probe', '--live', '--socket', '/run/app/probes.sock'] }
   * ```
   */
  listen(options: ListenOptions): Promise<ProbeSocket>;
  /** Stops the background checks, closes what the checks own (connections built from URLs, timers) and every socket of `listen()`. Idempotent. */
  close(): Promise<void>;
}
