// Issue #12: each adapter's trade-off measured both ways, beside the framework's own route:
// the way the adapter answers now (`adapter`) and the other way (`alt`, _alternatives.ts):
// - Fastify: the reply hijacked and the probe written raw ÷ answered through reply.send();
//   and for every other request, the adapter's onRequest hook ÷ a no-op hook ÷ probe routes
//   instead of a hook (`routes`);
// - Koa: through Koa's response ÷ raw with ctx.respond = false;
// - Hono: a Response with plain headers ÷ c.body().
// `npm run bench -- tradeoffs`: about three minutes (BENCH_SECONDS, BENCH_ROUNDS).
import { compareGroup, type Point, type Variant } from './_lib.js';

export default async function tradeoffs(): Promise<void> {
  const durationSec = Number(process.env.BENCH_SECONDS ?? 1.5);
  const fastify = points('Fastify 5', 'fastify-app.ts');
  await compareGroup({
    title: 'Fastify 5 trade-offs',
    durationSec,
    figures: [
      { label: '/livez Fastify 5 hook, hijack + raw write (the adapter) ÷ own route', candidate: fastify('adapter'), baseline: fastify('own') },
      { label: '/livez Fastify 5 hook, reply.send() ÷ own route', candidate: fastify('alt'), baseline: fastify('own') },
      { label: '/livez Fastify 5 hijack + raw write ÷ reply.send()', candidate: fastify('adapter'), baseline: fastify('alt') },
      { label: '/livez Fastify 5 probe routes ÷ own route', candidate: fastify('routes'), baseline: fastify('own') },
      { label: 'pass-through /app Fastify 5 adapter hook ÷ no hook', candidate: fastify('adapter', '/app'), baseline: fastify('own', '/app') },
      { label: 'pass-through /app Fastify 5 no-op onRequest hook ÷ no hook', candidate: fastify('noop', '/app'), baseline: fastify('own', '/app') },
      { label: 'pass-through /app Fastify 5 probe routes ÷ no hook', candidate: fastify('routes', '/app'), baseline: fastify('own', '/app') },
    ],
  });
  const koa = points('Koa 3', 'koa-app.ts');
  await compareGroup({
    title: 'Koa 3 trade-off',
    durationSec,
    figures: [
      { label: "/livez Koa 3 through Koa's response (the adapter) ÷ own", candidate: koa('adapter'), baseline: koa('own') },
      { label: '/livez Koa 3 ctx.respond = false + raw write ÷ own', candidate: koa('alt'), baseline: koa('own') },
      { label: "/livez Koa 3 Koa's response ÷ raw write", candidate: koa('adapter'), baseline: koa('alt') },
    ],
  });
  const hono = points('Hono 4', 'hono-app.ts');
  await compareGroup({
    title: 'Hono 4 trade-off',
    durationSec,
    figures: [
      { label: '/livez Hono 4 Response with plain headers (the adapter) ÷ own route', candidate: hono('adapter'), baseline: hono('own') },
      { label: '/livez Hono 4 c.body() ÷ own route', candidate: hono('alt'), baseline: hono('own') },
      { label: '/livez Hono 4 Response ÷ c.body()', candidate: hono('adapter'), baseline: hono('alt') },
    ],
  });
}

/** `at(mode, path)`: one Variant per mode of a script, so figures naming a mode share its server. */
function points(name: string, script: string): (mode: string, path?: string) => Point {
  const variants = new Map<string, Variant>();
  return (mode, path = '/livez') => {
    if (!variants.has(mode)) variants.set(mode, { name: `${name} ${mode}`, script, args: [mode] });
    return { variant: variants.get(mode)!, path };
  };
}
