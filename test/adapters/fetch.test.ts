// shipshape/fetch on Node: withProbes around Hono's app.fetch (in-process and on
// @hono/node-server), and the pass-through contract: synchronous, untouched, returned as is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withProbes } from '../../src/adapters/fetch.js';
import { createProbes } from '../../src/index.js';
import { describeAdapter, describePassThrough, describeProbesFirst } from '../_helpers/describe-adapter.js';
import { honoApp, type BuildApp } from '../_helpers/framework-apps.js';

const fetchApp: BuildApp = (options) => honoApp({ ...options, mount: 'fetch' });

describeAdapter('shipshape/fetch withProbes(probes, app.fetch) on Hono 4', fetchApp, { inProcess: true });
describeProbesFirst('shipshape/fetch withProbes(probes, app.fetch) on Hono 4', fetchApp);
describePassThrough('shipshape/fetch withProbes(probes, app.fetch) on Hono 4', fetchApp);

/** A request whose every read is recorded, so a test can tell what the pass-through looked at. */
function spyRequest(method: string, url: string): { request: Request; reads: string[] } {
  const reads: string[] = [];
  const real = new Request(url, { method });
  const request = new Proxy(real, {
    get(target, key) {
      reads.push(String(key));
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { request, reads };
}

describe('shipshape/fetch pass-through', () => {
  const probes = createProbes({ readiness: { db: () => {} } });

  it('calls the handler synchronously with the same this and every argument, and returns its value as is', () => {
    const seen: { self: unknown; args: unknown[] }[] = [];
    const result = { not: 'a Response, and never wrapped' };
    const handler = function (this: unknown, ...args: unknown[]) {
      seen.push({ self: this, args });
      return result;
    };
    const wrapped = withProbes(probes, handler);
    const self = { server: 'Bun' };
    const request = new Request('http://localhost/api/items?x=1');
    // Bun's server, Deno's info, a worker's env and ctx, and one more nobody expects
    const extra = [{ server: true }, { remoteAddr: {} }, { env: 1 }, { waitUntil() {} }, Symbol('more')];
    const returned = wrapped.call(self, request, ...extra);
    assert.equal(seen.length, 1, 'the handler ran before withProbes returned');
    assert.equal(returned, result);
    assert.equal(seen[0]!.self, self);
    assert.equal(seen[0]!.args.length, 1 + extra.length);
    assert.equal(seen[0]!.args[0], request);
    extra.forEach((value, i) => assert.equal(seen[0]!.args[i + 1], value));
  });

  it('returns the very promise the handler returns, adding none', async () => {
    const promise = Promise.resolve(new Response('later'));
    const wrapped = withProbes(probes, () => promise);
    assert.equal(wrapped(new Request('http://localhost/app')), promise);
    assert.equal(await (await promise).text(), 'later');
  });

  it('passes every method but GET and HEAD through without reading the URL or headers, and GET reads no header', () => {
    const wrapped = withProbes(probes, () => 'app');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const { request, reads } = spyRequest(method, 'http://localhost/readyz');
      assert.equal(wrapped(request), 'app', method);
      assert.deepEqual(reads, ['method'], method);
    }
    const { request, reads } = spyRequest('GET', 'http://localhost/app');
    assert.equal(wrapped(request), 'app');
    assert.deepEqual(reads, ['method', 'url']);
  });

  it('answers GET and HEAD probes itself: a plain ok at once, a probe with checks as a promise', async () => {
    let calls = 0;
    const wrapped = withProbes(createProbes(), () => ++calls);
    const ok = wrapped(new Request('http://localhost/livez'));
    assert.ok(ok instanceof Response, 'the plain ok is a Response, not a promise');
    assert.deepEqual([ok.status, await ok.text(), ok.headers.get('cache-control')], [200, 'ok', 'no-store']);
    const head = wrapped(new Request('http://localhost/readyz', { method: 'HEAD' })) as Response;
    assert.deepEqual([head.status, await head.text(), head.headers.get('content-length')], [200, '', '2']);

    const checked = withProbes(probes, () => ++calls)(new Request('http://localhost/readyz?verbose'));
    assert.ok(checked instanceof Promise);
    const response = await checked;
    assert.deepEqual([response.status, await response.text()], [200, '[+]db ok\nreadyz check passed\n']);
    assert.equal(calls, 0, 'the handler never saw a probe');
  });

  it('answers with health+json when the Accept header asks for it', async () => {
    const response = await withProbes(probes, () => undefined)(new Request('http://localhost/readyz', { headers: { accept: 'application/health+json' } }));
    assert.equal(response?.headers.get('content-type'), 'application/health+json');
    assert.equal((JSON.parse(await response!.text()) as { status: string }).status, 'pass');
  });

  it('answers 404 to the app requests when there is no handler', async () => {
    const bare = withProbes(probes);
    const response = await bare(new Request('http://localhost/app'));
    assert.equal(response.status, 404);
    assert.equal((await bare(new Request('http://localhost/livez'))).status, 200);
  });

  it('refuses something that is not a probes instance, or a handler that is no function', () => {
    assert.throws(() => withProbes(null as never, () => undefined), { name: 'InvalidOptionError', code: 'SHIPSHAPE_INVALID_OPTION', message: /`probes`.*got `null`/ });
    assert.throws(() => withProbes(probes, 'app' as never), { name: 'InvalidOptionError', message: /`handler`.*got `"app"`/ });
  });
});

describe('shipshape/fetch while draining', () => {
  it('adds Connection: close to probe answers and to every kind of app response', async () => {
    const probes = createProbes();
    const plain = new Response('plain');
    const handlers: Record<string, () => unknown> = {
      plain: () => plain,
      promise: async () => new Response('promise'),
      immutable: () => Response.redirect('http://localhost/elsewhere', 302),
    };
    const before = withProbes(probes, handlers.plain)(new Request('http://localhost/app')) as Response;
    assert.equal(before.headers.get('connection'), null);
    probes.drain();
    for (const [name, handler] of Object.entries(handlers)) {
      const response = await (withProbes(probes, handler)(new Request('http://localhost/app')) as Response | Promise<Response>);
      assert.equal(response.headers.get('connection'), 'close', name);
    }
    const redirect = (await withProbes(probes, handlers.immutable!)(new Request('http://localhost/app'))) as Response;
    assert.deepEqual([redirect.status, redirect.headers.get('location')], [302, 'http://localhost/elsewhere'], 'the copy of an immutable response says the same');
    const live = withProbes(probes)(new Request('http://localhost/livez')) as Response;
    assert.deepEqual([live.status, live.headers.get('connection')], [200, 'close']);
    const ready = await withProbes(probes)(new Request('http://localhost/readyz'));
    assert.deepEqual([ready.status, ready.headers.get('connection')], [503, 'close']);
  });

  it('leaves what is not a Response alone (Bun returns nothing after server.upgrade())', () => {
    const probes = createProbes();
    probes.drain();
    assert.equal(withProbes(probes, () => undefined)(new Request('http://localhost/ws')), undefined);
    const error = Response.error();
    assert.equal(withProbes(probes, () => error)(new Request('http://localhost/app')), error);
  });
});
