/**
 * Nest apps on the Nest of this fixture (NestJS 10), run as a child process by
 * test/adapters/nest.test.ts: `node --import tsx app.ts <express|fastify>` with
 * SHIPSHAPE_SRC, the directory of shipshape's `src` to load. The bare `@nestjs/*` imports
 * here resolve from this directory's node_modules; so does shipshape's own import of
 * `@nestjs/core` when SHIPSHAPE_SRC is the copy in `node_modules/shipshape/src`, as in an
 * app that installed shipshape. Starts three apps with the same failing probes:
 *   plain — routes GET /app → 200 "app", POST /readyz → 201 "app readyz";
 *   guard — plus a global guard that denies everything;
 *   auth  — plus an `app.use()` middleware answering 401 without an Authorization header.
 * Prints one JSON line `{ nest, plain, guard, auth }` (the Nest version and the base URLs),
 * then runs until stdin closes. On a failed start it prints the error and exits 1.
 */
import 'reflect-metadata';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Controller, Get, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

type NestAdapterModule = typeof import('../../../src/adapters/nest.js');
type IndexModule = typeof import('../../../src/index.js');
type Hostile = 'plain' | 'guard' | 'auth';

const platform = process.argv[2] === 'fastify' ? 'fastify' : 'express';
const src = process.env.SHIPSHAPE_SRC ?? '';
const { ShipshapeModule } = (await import(pathToFileURL(`${src}/adapters/nest.ts`).href)) as NestAdapterModule;
const { createProbes } = (await import(pathToFileURL(`${src}/index.ts`).href)) as IndexModule;

@Controller()
class AppController {
  @Get('app')
  app(): string {
    return 'app';
  }
  @Post('readyz')
  @HttpCode(201)
  readyz(): string {
    return 'app readyz';
  }
}

async function start(hostile: Hostile): Promise<{ app: INestApplication; base: string }> {
  const probes = createProbes({
    liveness: { loop: () => {} },
    readiness: { db: () => {}, cache: () => { throw new Error('cache down'); } },
  });
  @Module({ imports: [ShipshapeModule.forRoot({ probes })], controllers: [AppController] })
  class AppModule {}
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(AppModule, adapter, { logger: false, abortOnError: false });
  if (hostile === 'guard') app.useGlobalGuards({ canActivate: () => false });
  if (hostile === 'auth') {
    app.use((req: { headers: Record<string, string> }, res: { statusCode: number; end(body: string): void }, next: () => void) => {
      if (req.headers.authorization) return next();
      res.statusCode = 401;
      res.end('unauthorized');
    });
  }
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

const apps: INestApplication[] = [];
try {
  const started: Record<string, string> = {};
  for (const hostile of ['plain', 'guard', 'auth'] as const) {
    const { app, base } = await start(hostile);
    apps.push(app);
    started[hostile] = base;
  }
  const nest = (createRequire(import.meta.url)('@nestjs/core/package.json') as { version: string }).version;
  process.stdout.write(`${JSON.stringify({ nest, ...started })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void closeAll());
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  await closeAll();
  process.exitCode = 1;
}

async function closeAll(): Promise<void> {
  for (const app of apps) await app.close();
  process.stdin.pause();
}
