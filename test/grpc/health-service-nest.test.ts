/**
 * The NestJS wiring that docs/grpc.md shows: a Nest gRPC microservice (`Transport.GRPC`)
 * gets the health service through `onLoadPackageDefinition`, beside its own service, and
 * both answer on one port; `gracefulShutdown` given the server Nest hands over shuts it down.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as grpcjs from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { createProbes } from '../../src/core/probes.js';
import { gracefulShutdown } from '../../src/core/shutdown/graceful-shutdown.js';
import { addHealthService } from '../../src/grpc/health-service.js';
import { healthClient } from '../_helpers/grpc.js';
import { refusedPort } from '../_helpers/sockets.js';

const PROTO = fileURLToPath(new URL('../_fixtures/grpc/echo.proto', import.meta.url));

@Controller()
class EchoController {
  @GrpcMethod('Echo', 'Say')
  say(message: { text: string }): { text: string } {
    return { text: `echo ${message.text}` };
  }
}

@Module({ controllers: [EchoController] })
class AppModule {}

/** The Echo app as a Nest gRPC microservice on 127.0.0.1:`port`, listening; `onServer` gets the grpc-js server Nest builds. */
async function startMicroservice(port: number, onServer: (server: grpcjs.Server) => void): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    transport: Transport.GRPC,
    options: {
      package: 'echo',
      protoPath: PROTO,
      url: `127.0.0.1:${port}`,
      onLoadPackageDefinition: (_definition, server) => onServer(server as grpcjs.Server),
    },
    logger: false,
  });
  await app.listen();
  return app;
}

describe('addHealthService in a NestJS gRPC microservice', () => {
  it('answers Check beside the app own service on the same port, and readiness NOT_SERVING once drained', async () => {
    const probes = createProbes({ readiness: { db: async () => {} } });
    const port = await refusedPort(); // a free port: Nest binds the url it is given
    const app = await startMicroservice(port, (server) => addHealthService(server, probes));
    const health = healthClient(port);
    const Echo = grpcjs.loadPackageDefinition(loadSync(PROTO)).echo as { Echo: grpcjs.ServiceClientConstructor };
    const echo = new Echo.Echo(`127.0.0.1:${port}`, grpcjs.credentials.createInsecure());
    try {
      assert.equal((await health.check('readiness')).response?.status, 'SERVING');
      const said = await new Promise<{ text: string }>((resolve, reject) =>
        (echo as unknown as { Say: (m: object, cb: (e: Error | null, r: { text: string }) => void) => void }).Say({ text: 'hi' }, (error, reply) =>
          error ? reject(error) : resolve(reply),
        ),
      );
      assert.equal(said.text, 'echo hi');
      probes.drain();
      assert.equal((await health.check('')).response?.status, 'NOT_SERVING');
    } finally {
      health.close();
      echo.close();
      await app.close();
      await probes.close();
    }
  });
  it('shuts down through gracefulShutdown given the server Nest hands over, with app.close() as a hook: watch ended, exit 0', async () => {
    const probes = createProbes();
    const port = await refusedPort();
    let grpcServer: grpcjs.Server | undefined;
    const app = await startMicroservice(port, (server) => {
      grpcServer = server;
      addHealthService(server, probes);
    });
    const health = healthClient(port);
    let closed = false;
    try {
      const watch = health.watch('readiness');
      assert.deepEqual(await watch.next(1), ['SERVING']);
      const controller = gracefulShutdown(grpcServer!, { probes, delayMs: 100, timeoutMs: 5000, signals: [], exit: false, onShutdown: [() => app.close().then(() => void (closed = true))] });
      assert.equal(await controller.shutdown(), 0);
      assert.deepEqual(watch.statuses, ['SERVING', 'NOT_SERVING']);
      assert.equal(watch.ended(), grpcjs.status.OK);
      assert.equal(closed, true, 'app.close() ran as a hook');
    } finally {
      health.close();
      if (!closed) await app.close();
    }
  });
});
