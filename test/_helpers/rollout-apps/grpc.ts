// A grpc-js server with the health service and a unary `Do` (test/_helpers/grpc.ts), shut
// down by gracefulShutdown; it reports the calls it answered on stderr as `served N`.
import * as grpcjs from '@grpc/grpc-js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { addHealthService } from '../../../src/grpc/health-service.js';
import { addWorkService } from '../grpc.js';
import { announce, probes, shutdownOptions } from './_common.js';

const server = new grpcjs.Server();
addHealthService(server, probes);
const work = addWorkService(server);
const hooks = [shutdownOptions.onShutdown ?? []].flat();
gracefulShutdown(server, { ...shutdownOptions, onShutdown: [...hooks, () => void process.stderr.write(`served ${work.served()}\n`)] });
server.bindAsync('127.0.0.1:0', grpcjs.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  announce({ port });
});
