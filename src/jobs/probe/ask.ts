/**
 * How `shipshape probe --socket` and `--url` ask a running process: one HTTP GET over its
 * Unix socket (`probes.listen({ socket })`) or over TCP, bounded as a whole (connect,
 * answer and body) by one deadline, with a short reason for each way it can fail.
 *
 * node:http (or node:https) is loaded here only, with `process.getBuiltinModule`, rather
 * than `fetch`: undici's first `fetch` costs an exec probe more than all of node:http, and
 * `fetch` cannot reach a Unix socket.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';

/** Where to ask: a Unix socket, or an `http(s)://` base URL (with its path prefix). */
export type AskTarget = { readonly socket: string } | { readonly url: URL };

/** What the process answered. */
export interface Answer {
  readonly status: number;
  /** The body, or its first {@link MAX_READ_BYTES} bytes. */
  readonly body: string;
  /** A redirect's `Location`, redacted. */
  readonly location?: string | undefined;
}

export interface AskOptions {
  /** The probe's path, e.g. `/readyz`. */
  readonly path: string;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly timeoutMs: number;
}

/** More than any probe body (the kubelet reads 10 KiB); the rest is not read. */
const MAX_READ_BYTES = 16 * 1024;

/**
 * Asks `target` for `options.path` and resolves with the answer, whatever its status.
 *
 * @throws Error with a short reason (naming the socket or the URL, never its credentials)
 *   when there is no answer: no socket, nothing listening, refused, reset, or the deadline.
 */
export function ask(target: AskTarget, options: AskOptions): Promise<Answer> {
  const where = 'socket' in target ? target.socket : shown(target.url, options.path);
  const https = 'url' in target && target.url.protocol === 'https:';
  const { request } = process.getBuiltinModule(https ? 'node:https' : 'node:http') as typeof import('node:http');
  const { connect } = process.getBuiltinModule('node:net');
  const query = options.verbose ? '?verbose' : '';
  const headers = { accept: options.json ? 'application/health+json' : 'text/plain', 'user-agent': 'shipshape-probe' };
  const requestOptions: RequestOptions & { rejectUnauthorized?: boolean } =
    'socket' in target
      ? { method: 'GET', headers, path: options.path + query, createConnection: () => connect(target.socket) }
      : {
          method: 'GET',
          headers,
          protocol: target.url.protocol,
          hostname: target.url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: target.url.port || undefined,
          path: prefixed(target.url, options.path) + (query && (target.url.search ? `&verbose` : query)),
          auth: target.url.username || target.url.password ? `${decode(target.url.username)}:${decode(target.url.password)}` : undefined,
          // One connection of our own and no Agent: an Agent's first request compiles
          // node:net's IPv6 expression for a TLS server name, a few ms of every probe.
          ...(https
            ? // as the kubelet's httpGet probes, the certificate is not verified: a probe asks
              // its own server, often on 127.0.0.1 with a certificate for another name
              { agent: false, rejectUnauthorized: false }
            : { createConnection: (opts: { host?: string | null; port?: number | string | null }) => connect(Number(opts.port ?? 80), opts.host ?? 'localhost') }),
        };
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new Error(reasonOf(error, where, 'socket' in target, options.timeoutMs)));
    };
    const req = request(requestOptions, (res) => {
      read(res).then((body) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, location: location(res, target) });
      }, fail);
    });
    const timer = setTimeout(() => fail(new DeadlineError()), options.timeoutMs);
    req.on('error', fail);
    req.end();
  });
}

/** `http://host:3000/app/readyz`: the URL asked, without credentials or query. */
export function shown(url: URL, path: string): string {
  return `${url.protocol}//${url.host}${prefixed(url, path)}`;
}

/** The deadline of an ask passed: `reasonOf` says `no answer within N s`. */
export class DeadlineError extends Error {}

/** One short line: what went wrong, for a socket or a URL (or a gRPC server's `host:port`: `probe --grpc`). */
export function reasonOf(error: unknown, where: string, socket: boolean, timeoutMs: number): string {
  if (error instanceof DeadlineError) return `${where}: no answer within ${timeoutMs / 1000} s`;
  const code = (error as NodeJS.ErrnoException).code;
  if (socket) {
    switch (code) {
      case 'ENOENT':
        return `${where}: no such socket (is the app running, and does it call probes.listen()?)`;
      case 'ECONNREFUSED':
        return `${where}: nothing listens on the socket (the process is gone?)`;
      case 'EACCES':
        return `${where}: permission denied (the socket is mode 0600: probe as the app's user)`;
      case 'ENOTSOCK':
        return `${where}: not a socket`;
    }
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: host not found`;
    case 'ECONNRESET':
      return `${where}: the connection closed before an answer`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where}: host unreachable`;
  }
  const message = error instanceof Error && error.message ? error.message : String(code ?? error);
  return `${where}: ${message.split('\n')[0]}`;
}

// --- internal ---

/** BASE's path prefix + the probe's path: `http://h/app/` + `/readyz` → `/app/readyz`, with BASE's query. */
function prefixed(url: URL, path: string): string {
  return `${url.pathname.replace(/\/+$/, '')}${path}${url.search}`;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function read(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size >= MAX_READ_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_READ_BYTES) resolve(Buffer.concat(chunks).subarray(0, MAX_READ_BYTES).toString('utf8'));
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  });
}

function location(res: IncomingMessage, target: AskTarget): string | undefined {
  const value = res.headers.location;
  if (value === undefined || !('url' in target)) return value;
  try {
    const url = new URL(value, target.url);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}
