/**
 * The conformance suites every framework adapter runs (STYLE 18):
 * - `describeAdapter(name, build)`: the probe cases of SPEC §3, in-process where the
 *   framework allows it (`inject`, `app.request`) and over a real `listen(0)` + `fetch`;
 * - `describeProbesFirst(name, build)`: probes answer whatever hostile middleware follows;
 * - `describePassThrough(name, build)`: the app's own requests look exactly the same with
 *   and without the adapter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProbes } from '../../src/index.js';
import type { Probes } from '../../src/core/probes.js';
import { HOSTILE_KINDS, type AppHandle, type BuildApp, type Answer } from './framework-apps.js';

const TEXT = 'text/plain; charset=utf-8';
const FAILING = '[+]db ok\n[-]cache failed: cache down\nreadyz check failed\n';

/** Probes with a passing liveness check and one failing readiness check. */
export function failingProbes(extra: Parameters<typeof createProbes>[0] = {}): Probes {
  return createProbes({
    liveness: { loop: () => {} },
    readiness: { db: () => {}, cache: () => { throw new Error('cache down'); } },
    ...extra,
  });
}

export async function fetchAnswer(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function assertProbeHeaders(answer: Answer, type = TEXT): void {
  assert.equal(answer.headers.get('content-type'), type);
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
}

/** The probe cases of SPEC §3 through one framework's adapter. */
export function describeAdapter(name: string, build: BuildApp, options: { inProcess?: boolean } = {}): void {
  describe(`${name} adapter`, () => {
    let app: AppHandle;
    let custom: AppHandle;
    before(async () => {
      app = await build({ probes: failingProbes() });
      custom = await build({ probes: failingProbes({ basePath: '/ops', paths: { live: '/alive', ready: ['/ready', '/ready2'], startup: [] } }) });
    });
    after(async () => {
      await app?.close();
      await custom?.close();
    });

    for (const way of options.inProcess ? (['in-process', 'listen(0) + fetch'] as const) : (['listen(0) + fetch'] as const)) {
      describe(way, () => {
        const via = (handle: AppHandle, path: string, init?: RequestInit): Promise<Answer> =>
          way === 'in-process' ? handle.inProcess!(path, init) : fetchAnswer(handle.base + path, init);
        const request = (path: string, init?: RequestInit): Promise<Answer> => via(app, path, init);

        it('answers /livez with 200 "ok" as text/plain, no-store, nosniff', async () => {
          const answer = await request('/livez');
          assert.equal(answer.status, 200);
          assert.equal(answer.body, 'ok');
          assertProbeHeaders(answer);
        });

        it('answers /healthz like /livez', async () => {
          const answer = await request('/healthz');
          assert.deepEqual([answer.status, answer.body], [200, 'ok']);
        });

        it('answers a failing /readyz with 503 and the listing', async () => {
          const answer = await request('/readyz');
          assert.equal(answer.status, 503);
          assert.equal(answer.body, FAILING);
          assertProbeHeaders(answer);
        });

        it('lists the checks on success with ?verbose', async () => {
          const answer = await request('/livez?verbose');
          assert.deepEqual([answer.status, answer.body], [200, '[+]loop ok\nlivez check passed\n']);
        });

        it('leaves checks out with ?exclude=', async () => {
          assert.deepEqual(pick(await request('/readyz?exclude=cache')), [200, 'ok']);
          const answer = await request('/readyz?exclude=cache&exclude=nope&verbose');
          assert.equal(answer.body, '[+]db ok\n[+]cache excluded: ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n');
        });

        it('runs one check at /readyz/NAME and answers 404 for an unknown name', async () => {
          assert.deepEqual(pick(await request('/readyz/db')), [200, 'ok']);
          assert.deepEqual(pick(await request('/readyz/cache')), [503, '[-]cache failed: cache down\n']);
          assert.equal((await request('/readyz/nope')).status, 404);
        });

        it('answers application/health+json when asked by Accept or ?format=json', async () => {
          for (const answer of [await request('/readyz', { headers: { accept: 'application/json' } }), await request('/readyz?format=json')]) {
            assert.equal(answer.status, 503);
            assertProbeHeaders(answer, 'application/health+json');
            const json = JSON.parse(answer.body) as { status: string; checks: Record<string, { status: string; output?: string }[]> };
            assert.equal(json.status, 'fail');
            assert.equal(json.checks.cache?.[0]?.output, 'cache down');
            assert.equal(json.checks.db?.[0]?.status, 'pass');
          }
        });

        it('answers HEAD with the status and headers but no body', async () => {
          const ready = await request('/readyz', { method: 'HEAD' });
          assert.deepEqual(pick(ready), [503, '']);
          assertProbeHeaders(ready);
          assert.deepEqual(pick(await request('/livez', { method: 'HEAD' })), [200, '']);
        });

        it('passes POST /readyz through to the app', async () => {
          assert.deepEqual(pick(await request('/readyz', { method: 'POST' })), [201, 'app readyz']);
          assert.deepEqual(pick(await request('/app')), [200, 'app']);
        });

        it('serves basePath and custom paths, and leaves the defaults to the app', async () => {
          const on = (path: string): Promise<Answer> => via(custom, path);
          assert.deepEqual(pick(await on('/ops/alive')), [200, 'ok']);
          assert.deepEqual(pick(await on('/ops/ready')), [503, FAILING.replace('readyz', 'ready')]);
          assert.equal((await on('/ops/ready2')).status, 503);
          for (const path of ['/livez', '/readyz', '/ops/livez', '/ops/startupz']) {
            const answer = await on(path);
            assert.equal(answer.status, 404, path);
            assert.notEqual(answer.headers.get('cache-control'), 'no-store', path);
          }
        });
      });
    }
  });
}

/** With auth, a rate limiter, a throwing middleware or a catch-all 404 after the adapter, probes still answer. */
export function describeProbesFirst(name: string, build: BuildApp): void {
  describe(`${name}: probes come first`, () => {
    for (const hostile of HOSTILE_KINDS) {
      it(`answer before ${hostile.description}`, async () => {
        const withProbes = await build({ probes: failingProbes(), hostile: hostile.kind });
        const without = await build({ hostile: hostile.kind });
        try {
          for (let i = 0; i < 3; i += 1) { // more than the rate limiter lets through
            assert.deepEqual(pick(await fetchAnswer(withProbes.base + '/livez')), [200, 'ok']);
            assert.deepEqual(pick(await fetchAnswer(withProbes.base + '/readyz')), [503, FAILING]);
            const json = await fetchAnswer(withProbes.base + '/readyz', { headers: { accept: 'application/health+json' } });
            assert.equal(json.headers.get('content-type'), 'application/health+json');
            assert.deepEqual(pick(await fetchAnswer(withProbes.base + '/livez', { method: 'HEAD' })), [200, '']);
          }
          // the hostile middleware does refuse what reaches it (the rate limiter from the third request on)
          assert.equal(await lastOfThree(without.base + '/livez'), hostile.status);
          assert.equal(await lastOfThree(withProbes.base + '/readyz', { method: 'POST' }), hostile.status);
        } finally {
          await withProbes.close();
          await without.close();
        }
      });
    }
  });
}

/** The same ordinary requests give the same status, headers (but Date) and body with and without the adapter. */
export function describePassThrough(name: string, build: BuildApp): void {
  describe(`${name}: pass-through is invisible`, () => {
    let plain: AppHandle;
    let probed: AppHandle;
    before(async () => {
      plain = await build({});
      probed = await build({ probes: failingProbes() });
    });
    after(async () => {
      await plain?.close();
      await probed?.close();
    });
    const cases: [string, string, RequestInit?][] = [
      ['GET /app', '/app'],
      ['POST with a JSON body', '/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' }],
      ['a 404', '/missing?x=1'],
      ['a route that throws', '/boom'],
      ['POST /readyz', '/readyz', { method: 'POST', body: 'x' }],
      ['HEAD /app', '/app', { method: 'HEAD' }],
    ];
    for (const [label, path, init] of cases) {
      it(`${label} answers the same`, async () => {
        const a = await fetchAnswer(plain.base + path, init);
        const b = await fetchAnswer(probed.base + path, init);
        assert.equal(b.status, a.status);
        assert.deepEqual(headersOf(b), headersOf(a));
        assert.equal(b.body, a.body);
      });
    }
  });
}

// --- internal ---

async function lastOfThree(url: string, init?: RequestInit): Promise<number> {
  let status = 0;
  for (let i = 0; i < 3; i += 1) status = (await fetchAnswer(url, init)).status;
  return status;
}

function pick(answer: Answer): [number, string] {
  return [answer.status, answer.body];
}

function headersOf(answer: Answer): [string, string][] {
  return [...answer.headers].filter(([key]) => key !== 'date');
}
