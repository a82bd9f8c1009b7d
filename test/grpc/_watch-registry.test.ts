/**
 * What `gracefulShutdown` will use on a grpc-js server it is given: the server alone leads to
 * the ending of its health service's open `Watch` calls.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Server } from '@grpc/grpc-js';
import { createProbes } from '../../src/core/probes.js';
import { addHealthService } from '../../src/grpc/health-service.js';
import { endHealthWatches } from '../../src/grpc/_watch-registry.js';
import { healthClient, startGrpcServer } from '../_helpers/grpc.js';

it('ends the open Watch calls of a server given alone, and tells a server without a health service', async () => {
  const probes = createProbes();
  const grpc = await startGrpcServer((server) => void addHealthService(server, probes));
  const client = healthClient(grpc.port);
  try {
    const watch = client.watch('liveness');
    assert.deepEqual(await watch.next(1), ['SERVING']);
    assert.equal(endHealthWatches(grpc.server), true);
    assert.equal(await watch.end(), 0);
    assert.equal(endHealthWatches(new Server()), false);
  } finally {
    client.close();
    grpc.close();
    await probes.close();
  }
});
