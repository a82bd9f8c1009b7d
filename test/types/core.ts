/**
 * Type tests, checked by `npm run typecheck` (never run): what must compile, and misuse
 * that must not (`@ts-expect-error` fails the type check if the line compiles).
 */
import http from 'node:http';
import { createProbes, NotReady, type CheckSpec, type ProbeReport, type ProbeSocket, type ProbesSnapshot } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';
import { otelMetrics } from '../../src/otel.js';
import { prometheusMetrics } from '../../src/prometheus.js';

const probes = createProbes({
  readiness: {
    fn: async (signal: AbortSignal) => {
      if (signal.aborted) throw new NotReady('aborted');
    },
    spec: { run: () => undefined, timeoutMs: 100, critical: false, cacheMs: 1000 } satisfies CheckSpec,
    measured: () => ({ observedValue: 3, observedUnit: 'ms' }),
  },
  paths: { live: '/l', ready: ['/r'], startup: [] },
});
const report: Promise<ProbeReport> = probes.check('readiness', { exclude: ['fn'] });
void report;
http.createServer(withProbes(probes, (req, res) => res.end(req.url)));
const handled: boolean = probes.handle(new http.IncomingMessage(null as never), new http.ServerResponse(null as never));
void handled;

// @ts-expect-error — unknown probe group
createProbes({ readyness: {} });
// @ts-expect-error — timeoutMs is a number of milliseconds
createProbes({ timeoutMs: '900' });
// @ts-expect-error — a check spec needs run
createProbes({ readiness: { db: { timeoutMs: 5 } } });
// @ts-expect-error — probe names are liveness, readiness, startup
void probes.check('ready');
// @ts-expect-error — paths take strings
createProbes({ paths: { ready: 5 } });

// probes.listen: a socket path in, a closable handle out
const listening: Promise<ProbeSocket> = probes.listen({ socket: '/run/app/probes.sock' });
void listening.then((socket) => socket.close());
// @ts-expect-error — listen needs the socket's path
void probes.listen({});
// @ts-expect-error — the path is a string
void probes.listen({ socket: 3 });

// background checks, events and the snapshot
createProbes({ intervalMs: 5000, readiness: { db: { run: () => undefined, intervalMs: 1000 } } });
// @ts-expect-error — intervalMs is a number of milliseconds
createProbes({ intervalMs: '5s' });
const unsubscribe: () => void = probes.subscribe((event) => {
  if (event.type === 'check') {
    const status: 'pass' | 'warn' | 'fail' = event.status;
    const timedOut: boolean = event.timedOut;
    void [status, timedOut, event.previous, event.probes, event.durationMs];
  } else {
    const state: 'ready' | 'draining' | 'broken' = event.state;
    // @ts-expect-error — a state event has no check name
    void event.name;
    void state;
  }
});
unsubscribe();
const snapshot: ProbesSnapshot = probes.snapshot();
const readiness: 'pass' | 'warn' | 'fail' | 'unknown' = snapshot.probes.readiness;
void [readiness, snapshot.checks.db?.status, snapshot.broken];
const stopPrometheus: () => void = prometheusMetrics(probes, { prefix: 'app_' });
const stopOtel: () => void = otelMetrics(probes);
void [stopPrometheus, stopOtel];
// @ts-expect-error — the prefix is a string
prometheusMetrics(probes, { prefix: 1 });
