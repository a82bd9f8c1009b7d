/**
 * SPEC §3, rule by rule, through a real node:http server and through Web Requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProbes, NotReady, type Probes, type ProbesOptions } from '../../src/index.js';
import { TRANSPORTS, type Transport } from '../_helpers/http.js';

const pass = async (): Promise<void> => {};
const failWith = (reason: string) => async (): Promise<never> => {
  throw new NotReady(reason);
};

for (const makeTransport of TRANSPORTS) {
  describe(`HTTP endpoints via ${makeTransport.name.replace('Transport', '')}`, () => {
    const opened: Transport[] = [];
    async function serve(options: ProbesOptions): Promise<{ probes: Probes; t: Transport }> {
      const probes = createProbes(options);
      const t = await makeTransport(probes);
      opened.push(t);
      return { probes, t };
    }
    after(async () => {
      await Promise.all(opened.map((t) => t.close()));
    });

    let healthy: Transport;
    let failing: Transport;
    before(async () => {
      healthy = (await serve({ readiness: { db: pass, cache: pass }, liveness: { loop: pass } })).t;
      failing = (await serve({ readiness: { db: pass, cache: failWith('10.0.0.2:11211 not responding') } })).t;
    });

    it('answers /livez, /healthz, /readyz and /startupz with 200 text/plain "ok" and no newline', async () => {
      for (const path of ['/livez', '/healthz', '/readyz', '/startupz']) {
        const answer = await healthy.request(path);
        assert.equal(answer.status, 200, path);
        assert.equal(answer.body, 'ok', path);
        assert.equal(answer.headers.get('content-type'), 'text/plain; charset=utf-8', path);
      }
    });

    it('sets Cache-Control: no-store and X-Content-Type-Options: nosniff on every probe response', async () => {
      for (const [t, path, init] of [
        [healthy, '/livez', {}],
        [failing, '/readyz', {}],
        [failing, '/readyz?format=json', {}],
        [healthy, '/readyz/nope', {}],
        [healthy, '/readyz', { method: 'HEAD' }],
      ] as const) {
        const answer = await t.request(path, init);
        assert.equal(answer.headers.get('cache-control'), 'no-store', path);
        assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', path);
      }
    });

    it('fails with 503, one line per check (passing ones too) and "readyz check failed"', async () => {
      const answer = await failing.request('/readyz');
      assert.equal(answer.status, 503);
      assert.equal(answer.body, '[+]db ok\n[-]cache failed: 10.0.0.2:11211 not responding\nreadyz check failed\n');
    });

    it('lists every check on success with ?verbose, whatever its value, ending with the path word', async () => {
      assert.equal((await healthy.request('/readyz?verbose')).body, '[+]db ok\n[+]cache ok\nreadyz check passed\n');
      assert.equal((await healthy.request('/readyz?verbose=false')).body, '[+]db ok\n[+]cache ok\nreadyz check passed\n');
      assert.equal((await healthy.request('/healthz?verbose')).body, '[+]loop ok\nhealthz check passed\n');
      assert.equal((await healthy.request('/livez?verbose=1')).body, '[+]loop ok\nlivez check passed\n');
      assert.equal((await healthy.request('/startupz?verbose')).body, '[+]db ok\n[+]cache ok\nstartupz check passed\n');
    });

    it('ends a verbose listing of a probe without checks with the closing line alone', async () => {
      const { t } = await serve({});
      assert.equal((await t.request('/livez?verbose')).body, 'livez check passed\n');
    });

    it('leaves ?exclude=NAME checks out (repeatable) and shows them as excluded', async () => {
      const one = await failing.request('/readyz?exclude=cache&verbose');
      assert.equal(one.status, 200);
      assert.equal(one.body, '[+]db ok\n[+]cache excluded: ok\nreadyz check passed\n');
      const both = await failing.request('/readyz?exclude=cache&exclude=db&verbose');
      assert.equal(both.body, '[+]db excluded: ok\n[+]cache excluded: ok\nreadyz check passed\n');
      assert.equal((await failing.request('/readyz?exclude=cache')).body, 'ok');
    });

    it('ignores unknown ?exclude names and warns about them as the Kubernetes API server does', async () => {
      const answer = await failing.request('/readyz?exclude=zeta&exclude=alpha');
      assert.equal(answer.status, 503);
      assert.equal(
        answer.body,
        '[+]db ok\n[-]cache failed: 10.0.0.2:11211 not responding\nwarn: some health checks cannot be excluded: no matches for "alpha","zeta"\nreadyz check failed\n',
      );
      const verbose = await healthy.request('/readyz?exclude=nope&verbose');
      assert.equal(verbose.body, '[+]db ok\n[+]cache ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n');
    });

    it('runs one check at /readyz/NAME and /livez/NAME, and answers 404 for an unknown name', async () => {
      assert.deepEqual(
        [(await failing.request('/readyz/db')).status, (await failing.request('/readyz/db')).body],
        [200, 'ok'],
      );
      const cache = await failing.request('/readyz/cache');
      assert.equal(cache.status, 503);
      assert.equal(cache.body, '[-]cache failed: 10.0.0.2:11211 not responding\n');
      assert.equal((await healthy.request('/livez/loop')).body, 'ok');
      assert.equal((await healthy.request('/readyz/nope')).status, 404);
      assert.equal((await healthy.request('/livez/db')).status, 404, 'liveness does not know readiness checks');
      assert.equal((await healthy.request('/startupz/db')).status, 200);
    });

    it('answers JSON in the IETF health-check shape when asked by Accept or ?format=json', async () => {
      for (const [path, accept] of [
        ['/readyz', 'application/health+json'],
        ['/readyz', 'application/json'],
        ['/readyz?format=json', undefined],
      ] as const) {
        const answer = await failing.request(path, accept ? { headers: { accept } } : {});
        assert.equal(answer.status, 503);
        assert.equal(answer.headers.get('content-type'), 'application/health+json');
        const body = JSON.parse(answer.body);
        assert.equal(body.status, 'fail');
        assert.deepEqual(Object.keys(body.checks), ['db', 'cache']);
        assert.ok(Array.isArray(body.checks.db));
        const [db] = body.checks.db;
        assert.equal(db.status, 'pass');
        assert.equal(typeof db.observedValue, 'number');
        assert.equal(db.observedUnit, 'ms');
        assert.ok(!Number.isNaN(Date.parse(db.time)) && /Z$/.test(db.time), 'RFC 3339 time');
        assert.equal(db.output, undefined);
        assert.deepEqual(body.checks.cache[0].status, 'fail');
        assert.equal(body.checks.cache[0].output, '10.0.0.2:11211 not responding');
      }
      const ok = await healthy.request('/readyz', { headers: { accept: 'application/health+json' } });
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body).status, 'pass');
      const text = await healthy.request('/readyz', { headers: { accept: 'text/html,*/*' } });
      assert.equal(text.body, 'ok');
    });

    it('adds serviceId, releaseId and version to the JSON output and reports a check\'s own measurement', async () => {
      const { t } = await serve({
        readiness: { disk: async () => ({ observedValue: 1234, observedUnit: 'bytes' }) },
        serviceId: 'svc-1',
        releaseId: 'r42',
        version: '1',
      });
      const body = JSON.parse((await t.request('/readyz?format=json')).body);
      assert.equal(body.serviceId, 'svc-1');
      assert.equal(body.releaseId, 'r42');
      assert.equal(body.version, '1');
      assert.equal(body.checks.disk[0].observedValue, 1234);
      assert.equal(body.checks.disk[0].observedUnit, 'bytes');
    });

    it('answers HEAD with the status and headers but no body', async () => {
      const ok = await healthy.request('/livez', { method: 'HEAD' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body, '');
      assert.equal(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
      const bad = await failing.request('/readyz', { method: 'HEAD' });
      assert.equal(bad.status, 503);
      assert.equal(bad.body, '');
    });

    it('passes methods other than GET and HEAD, and other paths, through to the app', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
        const answer = await healthy.request('/readyz', { method });
        assert.equal(answer.status, 418, method);
        assert.equal(answer.body, 'app');
      }
      assert.equal((await healthy.request('/readyzz')).status, 418);
      assert.equal((await healthy.request('/api/livez')).status, 418);
      assert.equal((await healthy.request('/')).status, 418);
    });

    it('never redirects: a trailing slash answers the probe itself', async () => {
      const answer = await failing.request('/readyz/', { redirect: 'manual' });
      assert.equal(answer.status, 503);
      assert.match(answer.body, /readyz check failed\n$/);
    });

    it('serves configured paths and a basePath, and [] turns an endpoint off', async () => {
      const { t } = await serve({
        basePath: '/_sys',
        paths: { live: '/alive', ready: ['/ready', '/health/ready'], startup: [] },
        readiness: { db: failWith('down') },
      });
      assert.equal((await t.request('/_sys/alive')).body, 'ok');
      assert.equal((await t.request('/_sys/ready')).status, 503);
      const nested = await t.request('/_sys/health/ready?verbose');
      assert.match(nested.body, /\nready check failed\n$/);
      assert.equal((await t.request('/_sys/startupz')).status, 418);
      assert.equal((await t.request('/livez')).status, 418);
      assert.equal((await t.request('/_sys/ready/db')).status, 503);
    });

    it('fails readiness and startup with "[-]startup failed: not ready yet" until markReady(), not liveness', async () => {
      const { probes, t } = await serve({ manualReady: true, readiness: { db: pass } });
      const before = await t.request('/readyz');
      assert.equal(before.status, 503);
      assert.equal(before.body, '[+]db ok\n[-]startup failed: not ready yet\nreadyz check failed\n');
      assert.equal((await t.request('/startupz')).status, 503);
      assert.equal((await t.request('/livez')).status, 200);
      probes.markReady();
      assert.equal((await t.request('/readyz')).body, 'ok');
      assert.equal((await t.request('/startupz')).body, 'ok');
    });

    it('fails readiness with "[-]shutdown failed: draining" after drain(), while liveness stays 200', async () => {
      const { probes, t } = await serve({ readiness: { db: pass } });
      probes.drain();
      const ready = await t.request('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body, '[+]db ok\n[-]shutdown failed: draining\nreadyz check failed\n');
      assert.equal((await t.request('/livez')).status, 200);
      assert.equal((await t.request('/healthz')).status, 200);
      const none = await serve({}); // no checks: a shortcut until drain()
      assert.equal((await none.t.request('/readyz')).body, 'ok');
      none.probes.drain();
      assert.equal((await none.t.request('/readyz')).body, '[-]shutdown failed: draining\nreadyz check failed\n');
    });

    it('fails liveness after markBroken(reason), with the reason redacted', async () => {
      const { probes, t } = await serve({});
      // without checks, a plain request takes respond's shortcut; the listing and JSON still come in full
      assert.deepEqual([(await t.request('/livez')).status, (await t.request('/livez')).body], [200, 'ok']);
      assert.equal((await t.request('/livez?verbose')).body, 'livez check passed\n');
      assert.equal(JSON.parse((await t.request('/livez?format=json')).body).status, 'pass');
      probes.markBroken('worker stuck; redis://:hunter2@cache:6379');
      const live = await t.request('/livez');
      assert.equal(live.status, 503);
      assert.equal(live.body, '[-]broken failed: worker stuck; redis://***@cache:6379\nlivez check failed\n');
    });

    it('replaces every reason with "reason withheld" when details is false, in text and JSON', async () => {
      const { t } = await serve({ details: false, readiness: { db: failWith('connect ECONNREFUSED 10.1.2.3:5432') } });
      assert.equal((await t.request('/readyz')).body, '[-]db failed: reason withheld\nreadyz check failed\n');
      assert.equal((await t.request('/readyz/db')).body, '[-]db failed: reason withheld\n');
      const body = JSON.parse((await t.request('/readyz?format=json')).body);
      assert.equal(body.checks.db[0].output, 'reason withheld');
    });

    it('redacts URL credentials, password/token/secret pairs and Bearer tokens in text and JSON', async () => {
      const secret = async (): Promise<never> => {
        throw new Error('postgres://app:hunter2@db:5432/x password=hunter3 token=abc123 Authorization: Bearer eyJhbGciOi.xyz secret=s3');
      };
      const { t } = await serve({ readiness: { db: secret } });
      for (const path of ['/readyz', '/readyz?format=json', '/readyz/db']) {
        const body = (await t.request(path)).body;
        for (const leaked of ['hunter2', 'hunter3', 'abc123', 'eyJhbGciOi', 's3 ', 'app:']) {
          assert.ok(!body.includes(leaked), `${path} leaks ${leaked}: ${body}`);
        }
        assert.ok(body.includes('postgres://***@db:5432/x'), body);
      }
    });

    it('shows a failing non-critical check as "[!]NAME warn: reason" and still answers 200', async () => {
      const { t } = await serve({ readiness: { db: pass, search: { run: failWith('slow'), critical: false } } });
      const answer = await t.request('/readyz');
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'ok');
      assert.equal((await t.request('/readyz?verbose')).body, '[+]db ok\n[!]search warn: slow\nreadyz check passed\n');
      const json = await t.request('/readyz?format=json');
      assert.equal(json.status, 200);
      assert.equal(JSON.parse(json.body).status, 'warn');
      assert.equal(JSON.parse(json.body).checks.search[0].status, 'warn');
    });

    it('keeps bodies under the 10 KiB the kubelet reads, ending with the closing line', async () => {
      const readiness = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`check-${i}`, failWith('x'.repeat(300))]));
      const { t } = await serve({ readiness });
      const answer = await t.request('/readyz');
      assert.equal(answer.status, 503);
      assert.ok(Buffer.byteLength(answer.body) <= 10 * 1024, `${Buffer.byteLength(answer.body)} bytes`);
      assert.match(answer.body, /…\nreadyz check failed\n$/);
    });
  });
}
