// NestJS on its Express or Fastify platform (first argument): GET /app answers "app"; GET
// /livez is a controller route answering "ok", with ShipshapeModule (mode `adapter`) or
// attachProbes on app.getHttpServer() (mode `attach`) in front of it (_mode.ts).
import 'reflect-metadata';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ShipshapeModule } from '../../src/adapters/nest.js';
import { announce, MODE, onServer, PROBE_HEADERS, probes } from './_mode.js';

@Controller()
class AppController {
  @Get('app')
  app(): string {
    return 'app';
  }
  @Get('livez')
  @Header('content-type', PROBE_HEADERS['content-type'])
  @Header('cache-control', PROBE_HEADERS['cache-control'])
  @Header('x-content-type-options', PROBE_HEADERS['x-content-type-options'])
  livez(): string {
    return 'ok';
  }
}

@Module({ imports: MODE === 'adapter' ? [ShipshapeModule.forRoot({ probes })] : [], controllers: [AppController] })
class AppModule {}

const app = await NestFactory.create(AppModule, process.argv[2] === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
// Nest's own way to put a middleware in front of every route: app.use() (on Fastify, @fastify/middie's)
if (MODE === 'noop') app.use((req: unknown, res: unknown, next: () => void) => next());
onServer(app.getHttpServer());
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer());
