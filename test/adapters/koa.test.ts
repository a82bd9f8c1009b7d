// shipshape/koa on Koa 3 and Koa 2 (the `koa2` alias).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Koa from 'koa';
import Koa2 from 'koa2';
import { koaProbes } from '../../src/adapters/koa.js';
import { createProbes } from '../../src/index.js';
import { describeAdapter, describePassThrough, describeProbesFirst, fetchAnswer } from '../_helpers/describe-adapter.js';
import { koaApp, listenNode } from '../_helpers/framework-apps.js';
import http from 'node:http';

for (const [name, Class] of [['Koa 3', Koa], ['Koa 2', Koa2]] as const) {
  describeAdapter(name, koaApp(Class));
  describeProbesFirst(name, koaApp(Class));
  describePassThrough(name, koaApp(Class));
}

it('answers through Koa, so middleware before it sees a normal response', async () => {
  const app = new Koa();
  const seen: [number, string | undefined][] = [];
  app.use(async (ctx, next) => {
    await next();
    seen.push([ctx.status, ctx.response.get('cache-control')]);
    ctx.set('x-response-time', '1ms');
  });
  app.use(koaProbes(createProbes()));
  const server = await listenNode(http.createServer(app.callback()));
  try {
    const answer = await fetchAnswer(server.base + '/livez');
    assert.deepEqual([answer.status, answer.body, answer.headers.get('x-response-time')], [200, 'ok', '1ms']);
    assert.deepEqual(seen, [[200, 'no-store']]);
  } finally {
    await server.close();
  }
});

it('koaProbes refuses something that is not a probes instance', () => {
  assert.throws(() => koaProbes(undefined as never), { name: 'InvalidOptionError', message: /Expected `probes`/ });
});
