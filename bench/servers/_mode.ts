// What every bench server script shares: the mode it runs in (its first argument that names
// one), the probe headers for the frameworks' own /livez routes, and the two modes that
// mount on the node:http server rather than in the framework.
//   own      the framework's own /livez route, no shipshape (the baseline)
//   adapter  shipshape's adapter for the framework (the app's own /livez route stays behind it)
//   attach   attachProbes(probes, server) on the framework's server
//   terminus @godaddy/terminus on the same server, /livez a health check that resolves
//   noop     a middleware that only calls next() (Express, Koa, Hono, Nest's app.use(); in Fastify
//            an onRequest hook that only calls done()): what any middleware costs there
//   checks   (beside another mode) readiness with two trivial checks, for shipshape and terminus:
//            the /readyz figure of icount.bench.ts
//   background (beside `checks`) the two checks run in the background (intervalMs: 1000), so
//            /readyz reads their latest results
//   fetch    Hono only: the app's fetch wrapped by shipshape/fetch's withProbes, no middleware
//   alt      the other side of the adapter's trade-off (_alternatives.ts), for tradeoffs.bench.ts
//   routes   Fastify only: probe routes instead of the adapter's onRequest hook (_alternatives.ts)
//   bare     the framework's app built and its server listening, but every request answered by
//            node-bare.ts's handler instead: the control for attach (what node:http costs in a
//            process that has booted this framework)
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createTerminus } from '@godaddy/terminus';
import { createProbes } from '../../src/index.js';
import { attachProbes } from '../../src/adapters/node.js';

/** The headers a probe answers with, so the frameworks' own /livez routes send the same bytes. */
export const PROBE_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export const MODES = ['own', 'adapter', 'attach', 'terminus', 'bare', 'noop', 'alt', 'routes', 'fetch'] as const;
export type Mode = (typeof MODES)[number];
export const MODE: Mode = MODES.find((mode) => process.argv.includes(mode)) ?? 'own';

/** Two checks that pass at once: what a /readyz costs beyond the checks themselves. */
const CHECKS = process.argv.includes('checks') ? { first: async () => {}, second: async () => {} } : undefined;

/** The probes of the `adapter` and `attach` modes: none of the checks (as in a bare /livez) unless `checks`. */
export const probes = createProbes(CHECKS ? { readiness: CHECKS, ...(process.argv.includes('background') ? { intervalMs: 1000 } : {}) } : {});

/** In the `attach`, `terminus` and `bare` modes, puts what they measure on the framework's server. */
export function onServer(server: Server): void {
  if (MODE === 'attach') attachProbes(probes, server);
  if (MODE === 'terminus') {
    // terminus takes one function a path: the two checks run as shipshape runs them, at once
    const readyz = CHECKS && { '/readyz': async () => void (await Promise.all([CHECKS.first(), CHECKS.second()])) };
    createTerminus(server, { healthChecks: { '/livez': async () => {}, ...readyz }, signals: [] });
  }
  if (MODE === 'bare') {
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, PROBE_HEADERS);
      res.end('ok');
    });
  }
}

/** Prints the line bench/_lib.ts waits for. */
export function announce(server: Server): void {
  console.log(`listening ${(server.address() as { port: number }).port}`);
}
