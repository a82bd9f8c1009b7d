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
 *
 * With `upstream: 'h2'` it speaks h2c to the backends (h2-upstream.ts), readiness polls
 * included, and retries a stream the backend refused (RFC 9113 §8.7: not processed, so safe
 * whatever the method), up to three times, counted the same way.
 * Upgrade requests (WebSocket) are passed through as TCP to a ready backend, both ways,
 * FIN included, as nginx and Envoy do once the upgrade is accepted: a close frame the
 * backend sends reaches the client unchanged.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { H2Upstream } from './h2-upstream.js';

export interface BalancerStats {
  /** Requests the balancer answered. */
  requests: number;
  /** Client-visible failures: 502 (upstream error) and 503 (no ready backend). */
  failures: number;
  /** Idempotent retries after a reused keep-alive socket was closed by the server. */
  retries: number;
  /** The failure reasons, for assertion messages. */
  reasons: string[];
  /** Upgrade requests passed through, per backend base URL. */
  upgrades: Record<string, number>;
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
  readonly h2: H2Upstream | undefined;
  /** Its own session for the readiness polls, so that a poll's timeout never cuts the traffic's. */
  readonly h2Poll: H2Upstream | undefined;
  ready: boolean;
}

/** Starts a balancer on 127.0.0.1 in front of `backends` (base URLs such as `http://127.0.0.1:1234`). */
export async function startBalancer(backends: readonly string[], options: { pollMs?: number; upstream?: 'http1' | 'h2' } = {}): Promise<Balancer> {
  const pollMs = options.pollMs ?? 100;
  const h2 = options.upstream === 'h2';
  const pool: Backend[] = backends.map((base) => ({
    base: new URL(base),
    agent: new http.Agent({ keepAlive: true }),
    h2: h2 ? new H2Upstream(base) : undefined,
    h2Poll: h2 ? new H2Upstream(base) : undefined,
    ready: false,
  }));
  const stats: BalancerStats = { requests: 0, failures: 0, retries: 0, reasons: [], upgrades: {} };
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

  const forwardH2 = (req: http.IncomingMessage, res: http.ServerResponse, backend: Backend, attempt: number): void => {
    backend.h2!.request(req.method ?? 'GET', req.url ?? '/').then(
      ({ status, headers, stream }) => {
        res.writeHead(status, { 'content-type': String(headers['content-type'] ?? 'text/plain') });
        stream.pipe(res);
        stream.on('error', () => fail(res, 502, `${backend.base.host}: stream aborted`));
      },
      (error: NodeJS.ErrnoException & { refused?: boolean }) => {
        // a refused stream was not processed at all: retried on another pick, a few times at
        // most (a new session opened during the drain can refuse a burst sent on it at once)
        if (error.refused && attempt < 3 && !res.headersSent) {
          stats.retries += 1;
          forward(req, res, attempt + 1);
          return;
        }
        fail(res, 502, `${backend.base.host}: ${error.code ?? error.message}`);
      },
    );
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, attempt: number): void => {
    const backend = pick();
    if (!backend) return fail(res, 503, 'no ready backend');
    if (backend.h2) return forwardH2(req, res, backend, attempt);
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
  const tunnels = new Set<net.Socket>();
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    socket.on('error', () => {});
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    const backend = pick();
    if (!backend) {
      stats.failures += 1;
      stats.reasons.push('upgrade: no ready backend');
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    stats.upgrades[backend.base.origin] = (stats.upgrades[backend.base.origin] ?? 0) + 1;
    const upstream = net.connect(Number(backend.base.port), backend.base.hostname);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  let polling = true;
  const pollHttp1 = (backend: Backend): Promise<void> =>
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
  const pollH2 = async (backend: Backend): Promise<void> => {
    const timer = setTimeout(() => backend.h2Poll!.close(), 1000);
    try {
      const { status, stream } = await backend.h2Poll!.request('GET', '/readyz');
      stream.resume();
      backend.ready = status === 200;
    } catch {
      backend.ready = false;
    } finally {
      clearTimeout(timer);
    }
  };
  const pollOnce = (backend: Backend): Promise<void> => (backend.h2 ? pollH2(backend) : pollHttp1(backend));
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
      for (const backend of pool) {
        backend.agent.destroy();
        backend.h2?.close();
        backend.h2Poll?.close();
      }
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
