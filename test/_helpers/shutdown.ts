/**
 * Fixtures for the gracefulShutdown tests (test/core/shutdown/): a node:http app with
 * probes and slow, hanging and streaming routes, a GET that reports the Connection header,
 * a capturing logger, and the in-process form (no signal listeners, no exit).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withProbes } from '../../src/adapters/node.js';
import { createProbes, type Probes } from '../../src/core/probes.js';
import { gracefulShutdown } from '../../src/core/shutdown/graceful-shutdown.js';
import type { ShutdownOptions, ShutdownServer } from '../../src/core/shutdown/options.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/** GET over `agent` (a fresh connection by default); rejects on a socket error. */
export function get(base: string, path: string, agent: http.Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(base + path, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A node:http app with probes: `/work?ms=N` answers after N ms, `/hang` never, `/stream?ms=N` sends headers at once. */
export async function startServer(probes: Probes = createProbes()): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(
    withProbes(probes, (req, res) => {
      const ms = Number(/ms=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      if (req.url?.startsWith('/hang')) return;
      if (req.url?.startsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part ');
        setTimeout(() => res.end('end'), ms);
        return;
      }
      setTimeout(() => res.end('done'), ms);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function capture(): { lines: string[]; logger: NonNullable<ShutdownOptions['logger']> } {
  const lines: string[] = [];
  return { lines, logger: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) } };
}

/** In-process: no signal listeners, no exit. */
export function inProcess(server: ShutdownServer | readonly ShutdownServer[], options: ShutdownOptions) {
  return gracefulShutdown(server, { signals: [], exit: false, ...options });
}
