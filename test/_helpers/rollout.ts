/**
 * The rollout scenario, shared by test/core/rollout.test.ts and bench/rollout.bench.ts:
 * two instances of an app (test/_helpers/rollout-apps/NAME.ts) in child processes behind
 * the readiness-following balancer, steady keep-alive load from 20 clients, then SIGTERM
 * to one instance, as Kubernetes does to an old pod during a rollout. The `http2` app is
 * reached over h2c (the balancer too speaks HTTP/2 to it); the `websockets` app also
 * carries `ws` and socket.io clients through the balancer (rollout-sockets.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import http2 from 'node:http2';
import { constants } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { startBalancer } from './balancer.js';
import { startSockets, type SocketStats } from './rollout-sockets.js';

/** How long one request of the load or of a direct probe may take before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

const APPS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'rollout-apps');

/** The frameworks with a rollout app. */
export const ROLLOUT_APPS = ['node-http', 'express', 'fastify', 'koa', 'hono', 'express-attach', 'fastify-attach', 'http2', 'websockets'] as const;
export type RolloutApp = (typeof ROLLOUT_APPS)[number];

export interface AppProcess {
  readonly base: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or 128 + n for a signal) when the process ends. */
  readonly exited: Promise<number>;
  /** Everything the app wrote to stderr so far (its `log LEVEL …` lines). */
  stderr(): string;
  /** SIGKILLs the process if it still runs. */
  kill(): Promise<void>;
}

/** Starts `rollout-apps/NAME.ts` in a child process and waits for its port. */
export async function startApp(name: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(APPS_DIR, `${name}.ts`)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal))));
  const lines = readline.createInterface({ input: child.stdout! });
  let port: number | undefined;
  for await (const line of lines) {
    port = Number(/^listening (\d+)$/.exec(line)?.[1]) || undefined;
    if (port) break;
  }
  if (!port) throw new Error(`${name} did not start: ${stderr}`);
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    exited,
    stderr: () => stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface LoadStats {
  requests: number;
  failures: number;
  reasons: string[];
}

/** `clients` concurrent loops of `GET url` over one keep-alive agent; non-200 and errors are failures. */
export function startLoad(url: string, clients = 20): { stats: LoadStats; stop(): Promise<LoadStats> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const stats: LoadStats = { requests: 0, failures: 0, reasons: [] };
  let running = true;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const request = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          stats.requests += 1;
          if (res.statusCode !== 200) {
            stats.failures += 1;
            stats.reasons.push(`status ${res.statusCode}`);
          }
          resolve();
        });
      });
      // a request that never ends is a failure with a reason, never a hung rollout
      request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`no response in ${REQUEST_TIMEOUT_MS} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) => {
        stats.requests += 1;
        stats.failures += 1;
        stats.reasons.push(error.code ?? error.message);
        resolve();
      });
    });
  const loops = Array.from({ length: clients }, async () => {
    while (running) await once();
  });
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return stats;
    },
  };
}

export interface RolloutResult {
  readonly requests: number;
  /** Client-visible failures (non-200 or error), the figure that must be 0. */
  readonly failures: number;
  readonly reasons: readonly string[];
  /** Idempotent retries the balancer made on a reused keep-alive socket. */
  readonly retries: number;
  /** The terminated instance's exit code. */
  readonly exitCode: number;
  readonly signalToExitMs: number;
  /** Statuses of `/livez` polled directly on the terminated instance during its delay. */
  readonly livezDuringDelay: readonly number[];
  /** `/readyz` on the terminated instance right after the signal. */
  readonly readyzAfterSignal: { readonly status: number; readonly body: string };
  /** The terminated instance's phase log. */
  readonly log: string;
  /** The `websockets` app's clients: how they were closed and where they ended up. */
  readonly sockets?: SocketStats;
}

/** Runs the rollout once: warm load, SIGTERM to instance A, load until A has exited and a little after. */
export async function runRollout(
  app: string,
  options: { delayMs?: number; timeoutMs?: number; warmMs?: number; afterMs?: number; pollMs?: number; env?: Record<string, string> } = {},
): Promise<RolloutResult> {
  const delayMs = options.delayMs ?? 1000;
  const env = { DELAY_MS: String(delayMs), TIMEOUT_MS: String(options.timeoutMs ?? 5000), ...options.env };
  const [a, b] = await Promise.all([startApp(app, env), startApp(app, env)]);
  const h2 = app === 'http2';
  const balancer = await startBalancer([a.base, b.base], { pollMs: options.pollMs ?? 100, upstream: h2 ? 'h2' : 'http1' });
  const get = h2 ? getH2 : getHttp1;
  let load: ReturnType<typeof startLoad> | undefined;
  let sockets: ReturnType<typeof startSockets> | undefined;
  try {
    await balancer.waitAllReady();
    load = startLoad(`${balancer.url}/work`);
    if (app === 'websockets') {
      sockets = startSockets(balancer.url);
      await sockets.ready;
    }
    await sleep(options.warmMs ?? 500);
    if (load.stats.requests === 0) throw new Error('no load reached the balancer');
    const signalled = performance.now();
    a.child.kill('SIGTERM');
    await sleep(50);
    const readyzAfterSignal = await get(`${a.base}/readyz`);
    const livezDuringDelay: number[] = [];
    while (performance.now() - signalled < delayMs - 150) {
      livezDuringDelay.push((await get(`${a.base}/livez`)).status);
      await sleep(100);
    }
    const exitCode = await a.exited;
    const signalToExitMs = performance.now() - signalled;
    await sleep(options.afterMs ?? 300);
    const stats = await load.stop();
    const socketStats = sockets?.stop(b.child.pid!);
    return {
      requests: stats.requests,
      failures: stats.failures,
      reasons: [...stats.reasons, ...balancer.stats.reasons.map((reason) => `balancer: ${reason}`)],
      retries: balancer.stats.retries,
      exitCode,
      signalToExitMs,
      livezDuringDelay,
      readyzAfterSignal,
      log: a.stderr(),
      ...(socketStats && { sockets: socketStats }),
    };
  } finally {
    sockets?.stop(0);
    await load?.stop();
    await balancer.close();
    await Promise.all([a.kill(), b.kill()]);
  }
}

// --- internal ---

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One GET on a fresh connection (never a pooled one: the app may be draining); status 0 when it cannot connect. */
function getHttp1(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timeout'));
      })
      .on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, body: error.code ?? error.message }));
  });
}

/** The same over a fresh h2c session. */
function getH2(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const session = http2.connect(target.origin);
    const timer = setTimeout(() => done(0, 'timeout'), REQUEST_TIMEOUT_MS);
    const done = (status: number, body: string): void => {
      clearTimeout(timer);
      session.destroy();
      resolve({ status, body });
    };
    session.on('error', (error: NodeJS.ErrnoException) => done(0, error.code ?? error.message));
    const stream = session.request({ ':path': target.pathname });
    let status = 0;
    let body = '';
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => done(status, body));
    stream.on('error', (error: NodeJS.ErrnoException) => done(0, error.code ?? error.message));
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 0) : 0;
}
