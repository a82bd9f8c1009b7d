// shipshape/fastify on Fastify 5: through inject and a real listen.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import Fastify from 'fastify';
import { fastifyProbes } from '../../src/adapters/fastify.js';
import { createProbes } from '../../src/index.js';
import { describeAdapter, describePassThrough, describeProbesFirst } from '../_helpers/describe-adapter.js';
import { fastifyApp } from '../_helpers/framework-apps.js';
import { assertFailedProbeWriteIsContained } from '../_helpers/sockets.js';

describeAdapter('Fastify 5', fastifyApp, { inProcess: true });
describeProbesFirst('Fastify 5', fastifyApp);
describePassThrough('Fastify 5', fastifyApp);

it('covers every route and the 404 handler, encapsulated plugins included (skip-override)', async () => {
  const build = async (plugin: typeof fastifyProbes) => {
    const app = Fastify();
    await app.register(plugin, { probes: createProbes({ paths: { live: ['/livez', '/child/livez'] } }) });
    await app.register(async (child) => {
      child.get('/child/livez', async () => 'child route');
    });
    return app;
  };
  const app = await build(fastifyProbes);
  // control: the same function without skip-override is encapsulated and answers nothing
  const encapsulated = await build(((instance, options, done) => fastifyProbes(instance, options, done)) as typeof fastifyProbes);
  try {
    for (const url of ['/livez', '/child/livez']) assert.deepEqual(pick(await app.inject(url)), [200, 'ok'], url);
    assert.deepEqual(pick(await encapsulated.inject('/child/livez')), [200, 'child route']);
    assert.equal((await encapsulated.inject('/livez')).statusCode, 404);
  } finally {
    await app.close();
    await encapsulated.close();
  }
});

it('answers on the raw response: onResponse hooks see probe responses, onSend hooks do not', async () => {
  const app = Fastify();
  const seen: number[] = [];
  await app.register(fastifyProbes, { probes: createProbes() });
  app.addHook('onSend', async (req, reply, payload) => { reply.header('x-on-send', 'yes'); return payload; });
  app.addHook('onResponse', async (req, reply) => { seen.push(reply.statusCode); });
  app.get('/app', async () => 'app');
  try {
    const res = await app.inject('/livez');
    assert.deepEqual([res.statusCode, res.body, res.headers['x-on-send']], [200, 'ok', undefined]);
    const head = await app.inject({ method: 'HEAD', url: '/livez' });
    assert.deepEqual([head.statusCode, head.body, head.headers['content-length']], [200, '', '2']);
    assert.equal((await app.inject('/app')).headers['x-on-send'], 'yes'); // the app's own replies still get them
    assert.deepEqual(seen, [200, 200, 200]);
  } finally {
    await app.close();
  }
});

it('declares itself as fastify-plugin does', () => {
  const meta = fastifyProbes as unknown as Record<symbol, unknown>;
  assert.equal(meta[Symbol.for('skip-override')], true);
  assert.deepEqual(meta[Symbol.for('plugin-meta')], { name: 'shipshape', fastify: '5.x' });
});

it('refuses at register when probes is missing, and leaves the probes open at close', async () => {
  await assert.rejects(async () => { await Fastify().register(fastifyProbes as never, {}).ready(); }, { name: 'InvalidOptionError' });
  let closed = 0;
  const probes = createProbes({ readiness: { a: { run: () => {}, close: () => { closed += 1; } } } });
  const app = Fastify();
  await app.register(fastifyProbes, { probes });
  await app.ready();
  await app.close();
  assert.equal(closed, 0);
  await probes.close();
  assert.equal(closed, 1);
});

function pick(res: { statusCode: number; body: string }): [number, string] {
  return [res.statusCode, res.body];
}

it('a probe answer that cannot be written drops the socket instead of an unhandled rejection', async () => {
  const app = Fastify();
  // a hook ahead of the plugin has sent the headers: the probe's writeHead throws ERR_HTTP_HEADERS_SENT
  app.addHook('onRequest', (req, reply, done) => {
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.flushHeaders();
    done();
  });
  await app.register(fastifyProbes, { probes: createProbes() });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    await assertFailedProbeWriteIsContained((app.server.address() as AddressInfo).port);
  } finally {
    await app.close();
  }
});
