/**
 * The NestJS wiring that docs/grpc.md shows: a Nest gRPC microservice (`Transport.GRPC`)
 * gets the health service through `onLoadPackageDefinition`, beside its own service, and
 * both answer on one port.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as grpcjs from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { createProbes } from '../../src/core/probes.js';
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

describe('addHealthService in a NestJS gRPC microservice', () => {
  it('answers Check beside the app own service on the same port, and readiness NOT_SERVING once drained', async () => {
    const probes = createProbes({ readiness: { db: async () => {} } });
    const port = await refusedPort(); // a free port: Nest binds the url it is given
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
      transport: Transport.GRPC,
      options: {
        package: 'echo',
        protoPath: PROTO,
        url: `127.0.0.1:${port}`,
        onLoadPackageDefinition: (_definition, server) => addHealthService(server, probes),
      },
      logger: false,
    });
    await app.listen();
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
});
