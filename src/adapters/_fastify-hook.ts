/**
 * The Fastify `onRequest` hook that answers probes, shared by `shipshape/fastify` and the
 * Nest adapter on Nest's Fastify platform.
 */
import type { onRequestHookHandler } from 'fastify';
import type { Probes } from '../core/probes.js';

/**
 * An `onRequest` hook answering the probe endpoints on the raw response (`probes.handle`,
 * as `attachProbes` does) and hijacking the reply, so that Fastify runs nothing more for it.
 * Every other request costs one path compare and `done()`.
 *
 * Measured both ways (BENCHMARKS.md, tradeoffs.bench.ts): answering through
 * `reply.code().headers().send()` costs each probe Fastify's send pipeline (onSend hooks,
 * serializer checks, header merging), about a fifth more CPU than hijacked. What changes:
 * `onSend` hooks no longer see probe responses (`onResponse` hooks still do, and `inject()`
 * still answers), which suits a probe (nothing to compress, no cookies to add). Probe
 * routes instead of a hook would cost other requests nothing, but every onRequest hook of
 * the app (auth, rate limits) runs before a route, so the probes would not come first.
 */
export function probesHook(probes: Probes): onRequestHookHandler {
  return function shipshapeProbes(request, reply, done) {
    if (!probes.handle(request.raw, reply.raw)) return done();
    // not calling done() ends the lifecycle here; hijack() tells Fastify the response is ours
    // (https://fastify.dev/docs/latest/Reference/Reply/#hijack)
    reply.hijack();
  };
}
