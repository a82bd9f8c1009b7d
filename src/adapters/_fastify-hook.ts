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
 * Measured against the same hook answering through `reply.code().headers().send()`
 * (BENCHMARKS.md): that path costs a probe request Fastify's whole send pipeline (onSend
 * hooks, serializer checks, header merging) and ran at 0.65–0.75 of Fastify's own route;
 * hijacked it is at par. What changes: `onSend` hooks no longer see probe responses
 * (`onResponse` hooks still do, and `inject()` still answers), which is what a probe wants
 * (no compression, no added cookies).
 */
export function probesHook(probes: Probes): onRequestHookHandler {
  return function shipshapeProbes(request, reply, done) {
    if (!probes.handle(request.raw, reply.raw)) return done();
    // not calling done() ends the lifecycle here; hijack() tells Fastify the response is ours
    // (https://fastify.dev/docs/latest/Reference/Reply/#hijack)
    reply.hijack();
  };
}
