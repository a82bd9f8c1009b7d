/**
 * Two ways to reach a probes instance, so every HTTP rule is tested through both: a real
 * node:http server on 127.0.0.1 port 0 (through `withProbes`), and Web `Request` objects
 * through `probes.fetch`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Probes } from '../../src/core/probes.js';
import { withProbes } from '../../src/adapters/node.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export interface Transport {
  readonly name: string;
  /** Sends a request to the probes; `undefined` means the app got it (fetch: probes.fetch returned undefined). */
  request(path: string, init?: RequestInit): Promise<Answer>;
  close(): Promise<void>;
}

export type TransportFactory = (probes: Probes) => Promise<Transport>;

/** A real node:http server; requests the probes do not answer get `418 app` from the app. */
export const nodeTransport: TransportFactory = async (probes) => {
  const server = http.createServer(
    withProbes(probes, (req, res) => {
      res.writeHead(418, { 'content-type': 'text/plain' });
      res.end('app');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: 'node:http',
    async request(path, init) {
      const response = await fetch(base + path, init);
      return { status: response.status, headers: response.headers, body: await response.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Web `Request` objects through `probes.fetch`; unanswered requests become `418 app` too. */
export const fetchTransport: TransportFactory = async (probes) => ({
  name: 'fetch',
  async request(path, init) {
    const response = (await probes.fetch(new Request(`http://app.test${path}`, init))) ?? new Response('app', { status: 418 });
    return { status: response.status, headers: response.headers, body: await response.text() };
  },
  async close() {},
});

export const TRANSPORTS: readonly TransportFactory[] = [nodeTransport, fetchTransport];
