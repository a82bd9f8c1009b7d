/**
 * The ordinary app of framework-apps.ts as a NestJS app, on the Express or the Fastify
 * platform, on the repo's Nest (11); and `startNest10()`, the apps of
 * test/_fixtures/nest10/app.ts in a child process on NestJS 10. Decorators are compiled by
 * tsx (esbuild) without `emitDecoratorMetadata`, so nothing here relies on
 * `design:paramtypes`: no constructor injection by type.
 */
import 'reflect-metadata';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  All, Body, Controller, Get, HttpCode, Module, Post, Res, type DynamicModule, type INestApplication, type MiddlewareConsumer, type NestModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ShipshapeModule } from '../../src/adapters/nest.js';
import { attachProbes } from '../../src/adapters/node.js';
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

/**
 * A Nest app with `ShipshapeModule.forRoot({ probes })` when `probes` is given, or with
 * `mount: 'attach'` attachProbes on `app.getHttpServer()` (then no in-process requests).
 */
export function nestApp(platform: NestPlatform): BuildApp {
  return async (options) => {
    const attach = options.probes !== undefined && options.mount === 'attach';
    const imports = options.probes && !attach ? [ShipshapeModule.forRoot({ probes: options.probes })] : [];
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    const app = await NestFactory.create<INestApplication>(appModule(platform, options, imports), adapter, { logger: false });
    if (attach) attachProbes(options.probes!, app.getHttpServer());
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
    if (platform === 'fastify' && !attach) {
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

const FIXTURE = fileURLToPath(new URL('../_fixtures/nest10/', import.meta.url));
const REPO_SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** shipshape as an app would have it installed: resolving `@nestjs/core` from the app's node_modules. */
export const INSTALLED_SRC = `${FIXTURE}node_modules/shipshape/src`;

/**
 * Installs NestJS 10 into the fixture when missing (install-nest10.sh, ~10 s once) and copies
 * shipshape's current `src` into the fixture's `node_modules/shipshape`.
 */
export function prepareNest10(): void {
  if (!existsSync(`${FIXTURE}node_modules/@nestjs/platform-fastify/package.json`)) {
    execFileSync('bash', [fileURLToPath(new URL('./install-nest10.sh', import.meta.url))], { stdio: 'inherit' });
  }
  rmSync(`${FIXTURE}node_modules/shipshape`, { recursive: true, force: true });
  cpSync(REPO_SRC, INSTALLED_SRC, { recursive: true });
  writeFileSync(`${FIXTURE}node_modules/shipshape/package.json`, '{ "name": "shipshape", "private": true, "type": "module" }\n');
}

export interface Nest10Apps {
  /** The version of `@nestjs/core` the apps run on. */
  readonly nest: string;
  readonly plain: string;
  readonly guard: string;
  readonly auth: string;
  close(): Promise<void>;
}

/**
 * Runs test/_fixtures/nest10/app.ts on `platform` with shipshape's `src` from `src` and
 * resolves with its apps' base URLs, or rejects with its stderr when it fails to start.
 */
export async function startNest10(platform: NestPlatform, src = INSTALLED_SRC): Promise<Nest10Apps> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app.ts', platform], {
    cwd: FIXTURE,
    env: { ...process.env, SHIPSHAPE_SRC: src },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  while (!stdout.includes('\n')) {
    const chunk = await Promise.race([once(child.stdout, 'data'), exited.then(() => null)]);
    if (chunk === null && !stdout.includes('\n')) throw new Error(`nest10 app exited: ${stderr.trim()}`);
  }
  return { ...(JSON.parse(stdout) as Omit<Nest10Apps, 'close'>), close };
}
