/**
 * `gracefulShutdown`: the SIGTERM timeline that lets a rollout drop no request — fail
 * readiness, keep serving while the endpoints drop the pod, stop accepting, drain what is
 * in flight, destroy the rest, run the app's hooks, exit.
 */
import { log, type Logger } from '../logger.js';
import { toReason } from '../reason.js';
import { sleep, within, type Settled } from '../internal/deadline.js';
import { resolveShutdownOptions, warnIfOverBudget, type ShutdownHook, type ShutdownOptions, type ShutdownServer, type ShutdownSettings } from './options.js';
import { toShutdownTarget, type ShutdownTarget } from './target.js';

/** The handle {@link gracefulShutdown} returns. */
export interface ShutdownController {
  /** Starts the shutdown as a signal would (idempotent) and resolves to the exit code. */
  shutdown(reason?: string): Promise<number>;
  /** Resolves to the exit code once the shutdown has ended: 0, 1, or 128 + signal number after a second signal. */
  readonly done: Promise<number>;
  /**
   * Aborts when the servers stop accepting (after `delayMs`): a streaming response
   * (server-sent events, a long poll) ends itself on it, and is waited for like any request.
   */
  readonly signal: AbortSignal;
  /** Removes the signal listeners (done automatically when the shutdown ends). */
  dispose(): void;
}

/**
 * Shuts the app down gracefully on SIGTERM: readiness fails at once (liveness does not),
 * every response from then on carries `Connection: close` (an HTTP/2 session gets GOAWAY),
 * the server keeps serving for `delayMs`, then stops accepting, closes idle connections,
 * closes WebSocket clients with 1001, aborts `controller.signal`, waits up to `timeoutMs`
 * for what is in flight, destroys what is left, runs the `onShutdown` hooks, closes the
 * probes and exits 0 — or 1 if it destroyed connections or a hook failed or timed out.
 * Several servers (an array) follow that one timeline together. A `@grpc/grpc-js` `Server`
 * follows it too: its health service (`shipshape/grpc`) answers `NOT_SERVING` from the signal,
 * `tryShutdown()` after `delayMs` (its health `Watch` calls ended first), `forceShutdown()` at
 * `timeoutMs`.
 *
 * Kubernetes removes a terminating pod from its Service's endpoints at the same time as it
 * sends SIGTERM, and proxies learn of it a little later: serving on during `delayMs` is
 * what keeps requests routed in that window from failing. A second signal exits at once
 * with 128 + its number (143 for SIGTERM). `delayMs + timeoutMs + hooks × hookTimeoutMs`
 * must fit in `gracePeriodMs`, or Kubernetes SIGKILLs the pod first: that is warned about
 * at start, through `logger` or, without one, `process.emitWarning`.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`, a `TypeError`) for a server of
 * no supported kind, an unknown option, a bad duration, signal name, hook, WebSocket
 * server, logger or exit.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createProbes, gracefulShutdown } from 'shipshape';
 * import { withProbes } from 'shipshape/node';
 *
 * const pool = { end: async () => {} };
 * const probes = createProbes();
 * const server = http.createServer(withProbes(probes, (req, res) => res.end('hello'))).listen(3000);
 * gracefulShutdown(server, { probes, delayMs: 5000, timeoutMs: 20_000, onShutdown: [() => pool.end()], logger: console });
 * ```
 */
export function gracefulShutdown(server: ShutdownServer | readonly ShutdownServer[], options: ShutdownOptions = {}): ShutdownController {
  const settings = resolveShutdownOptions(options);
  const target = toShutdownTarget(server, settings.websockets);
  warnIfOverBudget(settings);
  return new Shutdown(target, settings);
}

// --- internal ---

class Shutdown implements ShutdownController {
  readonly done: Promise<number>;
  readonly signal: AbortSignal;
  readonly #stopped = new AbortController();
  readonly #target: ShutdownTarget;
  readonly #settings: ShutdownSettings;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Map<NodeJS.Signals, () => void>();
  #resolve!: (code: number) => void;
  #running: Promise<void> | undefined;
  #ended = false;

  constructor(target: ShutdownTarget, settings: ShutdownSettings) {
    this.#target = target;
    this.#settings = settings;
    this.#logger = settings.logger;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    this.signal = this.#stopped.signal;
    for (const signal of new Set(settings.signals)) {
      const listener = (): void => this.#onSignal(signal);
      this.#listeners.set(signal, listener);
      process.on(signal, listener);
    }
    this.shutdown = this.shutdown.bind(this);
    this.dispose = this.dispose.bind(this);
  }

  shutdown(reason = 'shutdown()'): Promise<number> {
    this.#running ??= this.#run(reason).then(
      (code) => this.#end(code),
      (error: unknown) => {
        log(this.#logger, 'error', `shutdown: failed: ${toReason(error)}`);
        this.#end(1);
      },
    );
    return this.done;
  }

  dispose(): void {
    for (const [signal, listener] of this.#listeners) process.removeListener(signal, listener);
    this.#listeners.clear();
  }

  #onSignal(signal: NodeJS.Signals): void {
    if (!this.#running) {
      void this.shutdown(signal);
      return;
    }
    // the operator (or the kubelet after the grace period, via SIGKILL) wants out now
    const code = 128 + (process.getBuiltinModule('node:os').constants.signals[signal] ?? 0);
    log(this.#logger, 'warn', `shutdown: second signal ${signal}: exiting now with ${code}`);
    this.#end(code);
  }

  #end(code: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.dispose();
    this.#target.dispose();
    this.#stopped.abort(); // a second signal ends it before the stop: the process is going
    this.#resolve(code);
    if (this.#settings.exit) this.#settings.exit(code);
  }

  async #run(reason: string): Promise<number> {
    const { probes, delayMs, timeoutMs, hookTimeoutMs, hooks } = this.#settings;
    const target = this.#target;
    const started = performance.now();
    let failed = false;
    probes?.drain();
    target.drain();
    const keeps = / and |clients$/.test(target.label) ? 'keep' : 'keeps'; // `http server and Fastify keep serving`
    this.#log('info', `shutdown: ${reason}: readiness fails; ${target.label} ${keeps} serving for ${delayMs} ms`);
    await sleep(delayMs);

    const inFlight = target.stop();
    this.#stopped.abort();
    this.#log('info', `shutdown: stopped accepting; waiting up to ${timeoutMs} ms for ${inFlight} request(s) and connection(s) in flight`);
    const closed = await within(target.settled(), timeoutMs);
    if (closed.outcome !== 'done') {
      failed = true;
      const destroyed = target.destroy();
      if (closed.outcome === 'timeout') this.#log('warn', `shutdown: ${target.label} still open after ${timeoutMs} ms: destroyed ${destroyed} connection(s)`);
      else this.#log('error', `shutdown: closing the ${target.label} failed: ${toReason(closed.error)}`);
    }
    if (target.finish) failed = !this.#report(target.finish.label, await within(target.finish.run(), hookTimeoutMs)) || failed;

    if (hooks.length > 0) this.#log('info', `shutdown: running ${hooks.length} onShutdown hook(s)`);
    for (const [index, hook] of hooks.entries()) {
      failed = !this.#report(hookLabel(hook, index), await within(hook, hookTimeoutMs)) || failed;
    }
    if (probes) failed = !this.#report('probes.close()', await within(probes.close(), hookTimeoutMs)) || failed;

    const code = failed ? 1 : 0;
    this.#log(failed ? 'warn' : 'info', `shutdown: done in ${Math.round(performance.now() - started)} ms, exit code ${code}`);
    return code;
  }

  #report(what: string, settled: Settled<unknown>): boolean {
    if (settled.outcome === 'timeout') this.#log('error', `shutdown: ${what} timed out after ${this.#settings.hookTimeoutMs} ms`);
    else if (settled.outcome === 'failed') this.#log('error', `shutdown: ${what} failed: ${toReason(settled.error)}`);
    return settled.outcome === 'done';
  }

  #log(level: 'info' | 'warn' | 'error', message: string): void {
    if (!this.#ended) log(this.#logger, level, message);
  }
}

/** `onShutdown hook #2 (closePool)`; an arrow in the options is named `onShutdown` by JS, which says nothing. */
function hookLabel(hook: ShutdownHook, index: number): string {
  return hook.name && hook.name !== 'onShutdown' ? `onShutdown hook #${index + 1} (${hook.name})` : `onShutdown hook #${index + 1}`;
}
