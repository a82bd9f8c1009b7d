/**
 * @module shipshape/fastify
 *
 * The Fastify adapter (Fastify 5): `await app.register(fastifyProbes, { probes })`.
 */
import type { FastifyPluginCallback } from 'fastify';
import type { Probes } from '../core/probes.js';
import { expectProbes } from './_expect-probes.js';
import { probesHook } from './_fastify-hook.js';

/** Options of {@link fastifyProbes}. */
export interface FastifyProbesOptions {
  /** The app's probes, from `createProbes()`. */
  readonly probes: Probes;
}

/**
 * Fastify plugin that answers the probe endpoints in an `onRequest` hook, before body
 * parsing, `preHandler` hooks and routes; every other request goes on untouched.
 *
 * Like a `fastify-plugin` plugin, it is not encapsulated (`skip-override`): its hook covers
 * every route of the instance it is registered on, the 404 handler included, so register it
 * on the root instance before authentication and rate limiters. A probe is answered on the
 * raw response and the reply hijacked, at the speed of Fastify's own route: `inject()` and
 * `onResponse` hooks (logging, metrics) see it, `onSend` hooks do not (the send pipeline
 * cost each probe about a fifth more CPU; see BENCHMARKS.md). Every other request costs
 * Fastify's hook runner (as any onRequest hook does) and one path compare. For no Fastify
 * cost at all, `attachProbes(probes, app.server)` answers before Fastify runs. The plugin owns nothing, so it has no `onClose` work: the
 * probes are the app's, close them in your own `onClose` hook
 * (`app.addHook('onClose', () => probes.close())`).
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) at `register` when `probes` is not a `createProbes()` result.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createProbes } from 'shipshape';
 * import { fastifyProbes } from 'shipshape/fastify';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const app = Fastify();
 * await app.register(fastifyProbes, { probes });
 * app.get('/', async () => 'hello');
 * await app.listen({ port: 3000 });
 * ```
 */
export const fastifyProbes: FastifyPluginCallback<FastifyProbesOptions> = Object.assign(
  function fastifyProbes(app: Parameters<FastifyPluginCallback<FastifyProbesOptions>>[0], options: FastifyProbesOptions, done: (error?: Error) => void) {
    try {
      expectProbes('probes', options?.probes);
    } catch (error) {
      return done(error as Error); // a throw here would escape avvio as an uncaught exception
    }
    app.addHook('onRequest', probesHook(options.probes));
    done();
  },
  // what fastify-plugin sets (https://github.com/fastify/fastify-plugin/blob/main/plugin.js), without depending on it
  {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'shipshape',
    [Symbol.for('plugin-meta')]: { name: 'shipshape', fastify: '5.x' },
  },
);
