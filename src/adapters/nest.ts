/**
 * @module shipshape/nest
 *
 * The NestJS adapter: `ShipshapeModule.forRoot({ probes })`, on Nest's Express and Fastify
 * platforms.
 */
// A runtime import, unlike the other adapters: HttpAdapterHost is the token Nest provides
// its HTTP adapter under, so the class itself is needed, and it must be the very class of the
// app's @nestjs/core (a peer dependency, so package managers resolve the app's copy). Nest
// has no string token for it; see install() for two copies.
import { HttpAdapterHost } from '@nestjs/core';
import type { DynamicModule } from '@nestjs/common';
import { ShipshapeError } from '../core/errors.js';
import type { Probes } from '../core/probes.js';
import { expectProbes } from './_expect-probes.js';
import { expressProbes } from './express.js';
import { probesHook } from './_fastify-hook.js';

/** Options of {@link ShipshapeModule.forRoot}. */
export interface ShipshapeModuleOptions {
  /** The app's probes, from `createProbes()`. */
  readonly probes: Probes;
}

/** The injection token of the probes given to `forRoot`: `@Inject(SHIPSHAPE_PROBES) probes: Probes`. */
export const SHIPSHAPE_PROBES: unique symbol = Symbol.for('shipshape.probes');

/**
 * A Nest module that answers the probe endpoints before anything else of the app runs:
 * middleware (the app's `app.use()` ones and `configure(consumer)` ones), guards,
 * interceptors, pipes and controllers. Every other request goes on untouched.
 *
 * It installs its middleware while `NestFactory.create()` builds the module graph, so it
 * comes before what `main.ts` adds with `app.use()` and before the body parsers Nest adds
 * at `init()`. On the Express platform that is an Express middleware; on the Fastify
 * platform a middleware of @fastify/middie, which Nest runs in Fastify's `onRequest`,
 * before routing to guards. The module is global and exports the probes under
 * {@link SHIPSHAPE_PROBES}. It does not close the probes: call `probes.close()` in your
 * `onApplicationShutdown` (or let `gracefulShutdown` do it). In an application context
 * without HTTP (`createApplicationContext`) it installs nothing. Works with NestJS 10 and 11.
 * Faster still, and before Nest's platform runs at all: `attachProbes(probes, app.getHttpServer())`.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()` result.
 * @throws ShipshapeError (`SHIPSHAPE_ERROR`), from `NestFactory.create()`, when shipshape resolves
 *   another copy of `@nestjs/core` than the app (e.g. a linked package): dedupe `@nestjs/core`.
 *
 * @example
 * ```ts
 * import { Module } from '@nestjs/common';
 * import { NestFactory } from '@nestjs/core';
 * import { createProbes } from 'shipshape';
 * import { ShipshapeModule } from 'shipshape/nest';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * @Module({ imports: [ShipshapeModule.forRoot({ probes })] })
 * class AppModule {}
 * const app = await NestFactory.create(AppModule);
 * await app.listen(3000);
 * ```
 */
export class ShipshapeModule {
  static forRoot(options: ShipshapeModuleOptions): DynamicModule {
    expectProbes('probes', options?.probes);
    return {
      module: ShipshapeModule,
      global: true,
      providers: [
        { provide: SHIPSHAPE_PROBES, useValue: options.probes },
        {
          provide: INSTALLED,
          useFactory: install,
          inject: [{ token: HttpAdapterHost, optional: true }, SHIPSHAPE_PROBES],
        },
      ],
      exports: [SHIPSHAPE_PROBES],
    };
  }
}

// --- internal ---

const INSTALLED = Symbol('shipshape.installed');
const TWO_COPIES =
  'shipshape/nest: the app uses another copy of @nestjs/core than the one shipshape resolves; ' +
  'install one @nestjs/core (npm dedupe), which shipshape takes as a peer dependency';

interface HttpAdapterLike {
  use(handler: unknown): unknown;
  getType(): string;
  getInstance(): { addHook(name: 'onRequest', hook: unknown): unknown };
}

/** Runs while the module graph is instantiated, before main.ts can call `app.use()`. */
function install(host: HttpAdapterHost | undefined, probes: Probes): boolean {
  // every Nest container provides HttpAdapterHost (its httpAdapter is unset without HTTP):
  // none found means this class is not the app's, and Nest's own error would not say why
  if (!host) throw new ShipshapeError(TWO_COPIES);
  const adapter = host.httpAdapter as HttpAdapterLike | undefined;
  if (!adapter) return false;
  try {
    adapter.use(expressProbes(probes)); // ExpressAdapter: app.use; FastifyAdapter: middie's use (raw req/res)
  } catch (error) {
    // a FastifyAdapter whose middie is not registered yet throws here: answer in a Fastify
    // onRequest hook instead, which runs before middie's once middie is registered
    if (adapter.getType() !== 'fastify') throw error;
    adapter.getInstance().addHook('onRequest', probesHook(probes));
  }
  return true;
}
