// The process `shipshape probe --socket`, `--url` and `--grpc` ask in the start-up bench:
// probes on an HTTP port, on the Unix socket given as the first argument, and through the
// gRPC health service on a grpc-js server (its port printed after `listening PORT` as `grpc PORT`).
import http from 'node:http';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';
import { addHealthService } from '../../src/grpc.js';

const probes = createProbes();
await probes.listen({ socket: process.argv[2]! });
const grpcServer = new Server();
addHealthService(grpcServer, probes);
const grpcPort = await new Promise<number>((resolve, reject) =>
  grpcServer.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
);
const server = http.createServer(withProbes(probes, (_req, res) => res.end('app')));
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as { port: number }).port}\ngrpc ${grpcPort}`));
