/**
 * A small readiness-following balancer, the part of a Service/Ingress a rollout test
 * needs: an HTTP proxy with keep-alive upstream agents that polls each backend's
 * `/readyz` every `pollMs` and routes round-robin to the backends that last answered 200.
 *
 * Honest by construction: every request a client sees fail is counted (`failures`), a
 * failed upstream request is answered `502`, and no request is retried blindly. The one
 * retry is what nginx (`proxy_next_upstream error` for idempotent methods) and Envoy
 * (`reset` retry on a reused connection) do: a GET whose request went out on a *reused*
 * keep-alive socket that the server closed before answering a byte (node marks such a
 * request `reusedSocket`; https://nodejs.org/api/http.html#requestreusedsocket). It is
 * counted in `retries`, so a test can see it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BalancerStats {
  /** Requests the balancer answered. */
  requests: number;
  /** Client-visible failures: 502 (upstream error) and 503 (no ready backend). */
  failures: number;
  /** Idempotent retries after a reused keep-alive socket was closed by the server. */
  retries: number;
  /** The failure reasons, for assertion messages. */
  reasons: string[];
}

export interface Balancer {
  readonly url: string;
  readonly stats: BalancerStats;
  /** Whether the balancer currently routes to the backend at `base`. */
  isReady(base: string): boolean;
  /** Resolves once every backend has passed a readiness poll. */
  waitAllReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  readonly base: URL;
  readonly agent: http.Agent;
  ready: boolean;
}

/** Starts a balancer on 127.0.0.1 in front of `backends` (base URLs such as `http://127.0.0.1:1234`). */
export async function startBalancer(backends: readonly string[], options: { pollMs?: number } = {}): Promise<Balancer> {
  const pollMs = options.pollMs ?? 100;
  const pool: Backend[] = backends.map((base) => ({ base: new URL(base), agent: new http.Agent({ keepAlive: true }), ready: false }));
  const stats: BalancerStats = { requests: 0, failures: 0, retries: 0, reasons: [] };
  let next = 0;

  const pick = (): Backend | undefined => {
    for (let i = 0; i < pool.length; i += 1) {
      const backend = pool[(next + i) % pool.length]!;
      if (backend.ready) {
        next = (next + i + 1) % pool.length;
        return backend;
      }
    }
    return undefined;
  };

  const fail = (res: http.ServerResponse, status: number, reason: string): void => {
    stats.failures += 1;
    stats.reasons.push(reason);
    if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(reason);
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, attempt: number): void => {
    const backend = pick();
    if (!backend) return fail(res, 503, 'no ready backend');
    const upstream = http.request(
      { host: backend.base.hostname, port: backend.base.port, method: req.method, path: req.url, headers: { host: backend.base.host }, agent: backend.agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'text/plain' });
        answer.pipe(res);
        answer.on('error', () => fail(res, 502, `${backend.base.host}: response aborted`));
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const idempotent = req.method === 'GET' || req.method === 'HEAD';
      if (upstream.reusedSocket && idempotent && !res.headersSent && attempt === 0 && error.code === 'ECONNRESET') {
        stats.retries += 1;
        forward(req, res, attempt + 1);
        return;
      }
      fail(res, 502, `${backend.base.host}: ${error.code ?? error.message}`);
    });
    upstream.end();
  };

  const server = http.createServer((req, res) => {
    stats.requests += 1;
    forward(req, res, 0);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  let polling = true;
  const pollOnce = (backend: Backend): Promise<void> =>
    new Promise((resolve) => {
      const probe = http.get({ host: backend.base.hostname, port: backend.base.port, path: '/readyz', agent: false, timeout: 1000 }, (answer) => {
        backend.ready = answer.statusCode === 200;
        answer.resume();
        answer.on('end', resolve);
      });
      probe.on('timeout', () => probe.destroy(new Error('timeout')));
      probe.on('error', () => {
        backend.ready = false;
        resolve();
      });
    });
  const loop = async (backend: Backend): Promise<void> => {
    while (polling) {
      await pollOnce(backend);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  const loops = pool.map(loop);

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    isReady: (base) => pool.find((b) => b.base.href === new URL(base).href)?.ready ?? false,
    async waitAllReady(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pool.every((b) => b.ready)) {
        if (Date.now() > deadline) throw new Error('backends did not become ready');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      polling = false;
      await Promise.all(loops);
      for (const backend of pool) backend.agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
