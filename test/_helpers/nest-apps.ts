/**
 * The ordinary app of framework-apps.ts as a NestJS app, on the Express or the Fastify
 * platform. Decorators are compiled by tsx (esbuild) without `emitDecoratorMetadata`, so
 * nothing here relies on `design:paramtypes`: no constructor injection by type.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  All, Body, Controller, Get, HttpCode, Module, Post, Res, type DynamicModule, type INestApplication, type MiddlewareConsumer, type NestModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ShipshapeModule } from '../../src/adapters/nest.js';
import { toHeaders, type AppOptions, type AppHandle, type BuildApp } from './framework-apps.js';

export type NestPlatform = 'express' | 'fastify';

@Controller()
class AppController {
  @Get('app')
  app(@Res({ passthrough: true }) res: { type?: (t: string) => void; header: (k: string, v: string) => void }): string {
    res.header('content-type', 'text/plain; charset=utf-8');
    return 'app';
  }
  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return { received: body };
  }
  @Post('readyz')
  @HttpCode(201)
  readyz(): string {
    return 'app readyz';
  }
  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }
}

/** A catch-all route answering 404; the wildcard is written per platform's router. */
function catchAllController(platform: NestPlatform): new () => unknown {
  @Controller()
  class CatchAllController {
    @All(platform === 'express' ? '{*path}' : '*')
    @HttpCode(404)
    nothing(): string {
      return 'nothing here';
    }
  }
  return CatchAllController;
}

/** Rate limiting as a Nest middleware of the app's own module (`configure(consumer)`). */
function appModule(platform: NestPlatform, options: AppOptions, imports: DynamicModule[]): new () => NestModule {
  let count = 0;
  class AppModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      if (options.hostile !== 'rate-limit') return;
      consumer
        .apply((req: unknown, res: { statusCode: number; end(body: string): void }, next: () => void) => {
          if (++count <= 2) return next();
          res.statusCode = 429;
          res.end('too many requests');
        })
        .forRoutes('{*path}');
    }
  }
  const controllers = options.hostile === 'not-found' ? [catchAllController(platform)] : [AppController];
  Module({ imports, controllers })(AppModule);
  return AppModule;
}

/** A Nest app with `ShipshapeModule.forRoot({ probes })` when `probes` is given. */
export function nestApp(platform: NestPlatform): BuildApp {
  return async (options) => {
    const imports = options.probes ? [ShipshapeModule.forRoot({ probes: options.probes })] : [];
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    const app = await NestFactory.create<INestApplication>(appModule(platform, options, imports), adapter, { logger: false });
    // what main.ts typically adds after create(): it must not come before the probes
    if (options.hostile === 'auth') {
      app.use((req: { headers: Record<string, string> }, res: { statusCode: number; end(body: string): void }, next: () => void) => {
        if (req.headers.authorization) return next();
        res.statusCode = 401;
        res.end('unauthorized');
      });
    }
    if (options.hostile === 'throw') app.use(() => { throw new Error('hostile'); });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const handle: AppHandle = { base, close: () => app.close() };
    if (platform === 'fastify') {
      return {
        ...handle,
        async inProcess(path, init) {
          const res = await (app as unknown as NestFastifyApplication).inject({
            method: (init?.method ?? 'GET') as 'GET', url: path, headers: init?.headers as Record<string, string>, payload: init?.body as string,
          });
          return { status: res.statusCode, headers: toHeaders(res.headers), body: res.body };
        },
      };
    }
    return handle;
  };
}
