// NestJS on its Express or Fastify platform (first argument): GET /app answers "app"; GET
// /livez is a controller route answering "ok" (baseline) or, with the `probes` argument,
// ShipshapeModule in front.
import 'reflect-metadata';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createProbes } from '../../src/index.js';
import { ShipshapeModule } from '../../src/adapters/nest.js';
import { PROBE_HEADERS, WITH_PROBES } from './_probe-headers.js';

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

@Module({ imports: WITH_PROBES ? [ShipshapeModule.forRoot({ probes: createProbes() })] : [], controllers: [AppController] })
class AppModule {}

const app = await NestFactory.create(AppModule, process.argv[2] === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
await app.listen(0, '127.0.0.1');
console.log(`listening ${(app.getHttpServer().address() as { port: number }).port}`);
