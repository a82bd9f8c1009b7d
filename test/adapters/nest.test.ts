// shipshape/nest on NestJS 11 (the repo's dev dependency) in process, and on NestJS 10 (the
// fixture test/_fixtures/nest10) in child processes, each on its Express and Fastify platforms.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  Controller, Get, Inject, Injectable, Module, UseGuards, UseInterceptors, UsePipes,
  type CallHandler, type CanActivate, type NestInterceptor, type PipeTransform,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { expressProbes } from '../../src/adapters/express.js';
import { SHIPSHAPE_PROBES, ShipshapeModule } from '../../src/adapters/nest.js';
import type { Probes } from '../../src/core/probes.js';
import { createProbes } from '../../src/index.js';
import { describeAdapter, describePassThrough, describeProbesFirst, failingProbes, fetchAnswer } from '../_helpers/describe-adapter.js';
import { nestApp, prepareNest10, startNest10, type Nest10Apps, type NestPlatform } from '../_helpers/nest-apps.js';

for (const platform of ['express', 'fastify'] as const) {
  const name = `Nest (${platform} platform)`;
  describeAdapter(name, nestApp(platform), { inProcess: platform === 'fastify' });
  describeProbesFirst(name, nestApp(platform));
  describePassThrough(name, nestApp(platform));
}

const calls: string[] = [];

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    calls.push('guard');
    return false;
  }
}

@Injectable()
class ThrowingInterceptor implements NestInterceptor {
  intercept(context: unknown, next: CallHandler): never {
    calls.push('interceptor');
    void next;
    throw new Error('interceptor');
  }
}

@Injectable()
class ThrowingPipe implements PipeTransform {
  transform(): never {
    calls.push('pipe');
    throw new Error('pipe');
  }
}

/** The app's own routes at the probe paths, behind a guard, an interceptor and a pipe. */
@Controller()
@UseGuards(DenyGuard)
@UseInterceptors(ThrowingInterceptor)
@UsePipes(ThrowingPipe)
class ShadowController {
  @Get(['livez', 'readyz'])
  shadow(): string {
    calls.push('handler');
    return 'shadow';
  }
}

@Injectable()
class UsesProbes {
  constructor(@Inject(SHIPSHAPE_PROBES) readonly probes: Probes) {}
}

async function start(platform: NestPlatform, module: new () => unknown) {
  const app = await NestFactory.create(module, platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`Nest (${platform} platform): ShipshapeModule`, () => {
    it('answers before guards, interceptors, pipes and the app routes at the same paths', async () => {
      const probes = failingProbes();
      @Module({ imports: [ShipshapeModule.forRoot({ probes })], controllers: [ShadowController], providers: [DenyGuard, ThrowingInterceptor, ThrowingPipe] })
      class AppModule {}
      const { app, base } = await start(platform, AppModule);
      try {
        calls.length = 0;
        assert.deepEqual(pick(await fetchAnswer(`${base}/livez`)), [200, 'ok']);
        assert.equal((await fetchAnswer(`${base}/readyz`)).status, 503);
        assert.deepEqual(calls, []);
      } finally {
        await app.close();
      }
    });

    it('exports the probes under SHIPSHAPE_PROBES to the whole app', async () => {
      const probes = createProbes();
      @Module({ providers: [UsesProbes] })
      class FeatureModule {}
      @Module({ imports: [ShipshapeModule.forRoot({ probes }), FeatureModule] })
      class AppModule {}
      const { app } = await start(platform, AppModule);
      try {
        assert.equal(app.get(UsesProbes).probes, probes);
      } finally {
        await app.close();
      }
    });
  });
}

it('on the Express platform, app.use(expressProbes(probes)) works too', async () => {
  @Module({ controllers: [ShadowController], providers: [DenyGuard, ThrowingInterceptor, ThrowingPipe] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
  app.use(expressProbes(failingProbes()));
  await app.listen(0, '127.0.0.1');
  try {
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    assert.deepEqual(pick(await fetchAnswer(`${base}/livez`)), [200, 'ok']);
    assert.equal((await fetchAnswer(`${base}/readyz`)).status, 503);
  } finally {
    await app.close();
  }
});

it('answers in a Fastify onRequest hook when the Fastify platform cannot take middleware yet', async () => {
  class EarlyFastifyAdapter extends FastifyAdapter {
    override use(): never {
      throw new TypeError('this.instance.use is not a function'); // a FastifyAdapter before middie is registered
    }
  }
  @Module({ imports: [ShipshapeModule.forRoot({ probes: failingProbes() })], controllers: [ShadowController], providers: [DenyGuard, ThrowingInterceptor, ThrowingPipe] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, new EarlyFastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  try {
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    calls.length = 0;
    assert.deepEqual(pick(await fetchAnswer(`${base}/livez`)), [200, 'ok']);
    assert.equal((await fetchAnswer(`${base}/readyz`, { method: 'HEAD' })).status, 503);
    assert.deepEqual(calls, []);
  } finally {
    await app.close();
  }
});

it('installs nothing in an application context without HTTP', async () => {
  @Module({ imports: [ShipshapeModule.forRoot({ probes: createProbes() })] })
  class WorkerModule {}
  const context = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  assert.ok(context.get(SHIPSHAPE_PROBES));
  await context.close();
});

it('forRoot refuses something that is not a probes instance', () => {
  assert.throws(() => ShipshapeModule.forRoot({ probes: {} as never }), { name: 'InvalidOptionError' });
});

const FAILING = '[+]db ok\n[-]cache failed: cache down\nreadyz check failed\n';

describe('Nest 10', () => {
  before(() => prepareNest10());

  for (const platform of ['express', 'fastify'] as const) {
    describe(`Nest 10 (${platform} platform, child process)`, () => {
      let apps: Nest10Apps;
      before(async () => {
        apps = await startNest10(platform);
      });
      after(() => apps?.close());

      it('runs on @nestjs/core 10', () => {
        assert.match(apps.nest, /^10\./);
      });

      it('answers /livez with 200 "ok" and a failing /readyz with 503 and the listing', async () => {
        const live = await fetchAnswer(`${apps.plain}/livez`);
        assert.deepEqual(pick(live), [200, 'ok']);
        assert.equal(live.headers.get('content-type'), 'text/plain; charset=utf-8');
        assert.equal(live.headers.get('cache-control'), 'no-store');
        assert.deepEqual(pick(await fetchAnswer(`${apps.plain}/readyz`)), [503, FAILING]);
      });

      it('answers application/health+json when Accept asks for JSON', async () => {
        const answer = await fetchAnswer(`${apps.plain}/readyz`, { headers: { accept: 'application/json' } });
        assert.equal(answer.status, 503);
        assert.equal(answer.headers.get('content-type'), 'application/health+json');
        const json = JSON.parse(answer.body) as { status: string; checks: Record<string, { output?: string }[]> };
        assert.equal(json.status, 'fail');
        assert.equal(json.checks.cache?.[0]?.output, 'cache down');
      });

      it('passes POST /readyz and the app routes through to the app', async () => {
        assert.deepEqual(pick(await fetchAnswer(`${apps.plain}/readyz`, { method: 'POST' })), [201, 'app readyz']);
        assert.deepEqual(pick(await fetchAnswer(`${apps.plain}/app`)), [200, 'app']);
      });

      it('answers the probes despite a global guard that denies the app routes', async () => {
        assert.deepEqual(pick(await fetchAnswer(`${apps.guard}/livez`)), [200, 'ok']);
        assert.deepEqual(pick(await fetchAnswer(`${apps.guard}/readyz`)), [503, FAILING]);
        assert.equal((await fetchAnswer(`${apps.guard}/app`)).status, 403);
        assert.equal((await fetchAnswer(`${apps.guard}/readyz`, { method: 'POST' })).status, 403);
      });

      it('answers the probes despite an app.use() auth middleware answering 401', async () => {
        assert.deepEqual(pick(await fetchAnswer(`${apps.auth}/livez`)), [200, 'ok']);
        assert.deepEqual(pick(await fetchAnswer(`${apps.auth}/readyz`)), [503, FAILING]);
        assert.deepEqual(pick(await fetchAnswer(`${apps.auth}/app`)), [401, 'unauthorized']);
        assert.deepEqual(pick(await fetchAnswer(`${apps.auth}/app`, { headers: { authorization: 'x' } })), [200, 'app']);
      });
    });
  }

  it('fails NestFactory.create() with a clear error when shipshape resolves another @nestjs/core than the app', async () => {
    // the repo's src imports the repo's @nestjs/core (11); the fixture app runs on 10
    const repoSrc = fileURLToPath(new URL('../../src', import.meta.url));
    await assert.rejects(startNest10('express', repoSrc), /another copy of @nestjs\/core/);
  });
});

function pick(answer: { status: number; body: string }): [number, string] {
  return [answer.status, answer.body];
}
