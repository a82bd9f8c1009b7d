// shipshape/hono on Hono 4: through app.request and on @hono/node-server.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Hono } from 'hono';
import { honoProbes } from '../../src/adapters/hono.js';
import { createProbes } from '../../src/index.js';
import { describeAdapter, describePassThrough, describeProbesFirst } from '../_helpers/describe-adapter.js';
import { honoApp } from '../_helpers/framework-apps.js';

describeAdapter('Hono 4', honoApp, { inProcess: true });
describeProbesFirst('Hono 4', honoApp);
describePassThrough('Hono 4', honoApp);

it('answers through app.fetch with a Web Request, as on Bun, Deno or workers', async () => {
  const app = new Hono();
  app.use(honoProbes(createProbes({ liveness: { loop: () => {} } })));
  const response = await app.fetch(new Request('https://example.test/livez?verbose'));
  assert.deepEqual([response.status, await response.text()], [200, '[+]loop ok\nlivez check passed\n']);
});

it('honoProbes refuses something that is not a probes instance', () => {
  assert.throws(() => honoProbes(null as never), { name: 'InvalidOptionError', message: /got `null`/ });
});
