/**
 * The Fastify `onRequest` hook that answers probes, shared by `shipshape/fastify` and the
 * Nest adapter on Nest's Fastify platform.
 */
import type { onRequestHookHandler } from 'fastify';
import type { Probes } from '../core/probes.js';

/** An `onRequest` hook answering the probe endpoints through Fastify's reply. */
export function probesHook(probes: Probes): onRequestHookHandler {
  return function shipshapeProbes(request, reply, done) {
    const pending = probes.respond({ method: request.method, url: request.url, accept: request.headers.accept });
    if (!pending) return done();
    // answering from onRequest: send and do not call done (Fastify docs, "Respond to a request from a hook")
    pending
      .then((response) => {
        // HEAD: no payload, and Fastify keeps our Content-Length. A Buffer, because Fastify
        // appends `; charset=utf-8` to the `application/health+json` of a string payload.
        reply.code(response.status).headers(response.headers).send(request.method === 'HEAD' ? undefined : Buffer.from(response.body));
      })
      // a send that throws must not become an unhandled rejection: drop the socket instead
      .catch(() => reply.raw.destroy());
  };
}
