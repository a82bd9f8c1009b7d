/**
 * A worker without an HTTP server, for `shipshape probe --socket` tests: it serves its
 * probes on the Unix socket given as its first argument (`probes.listen({ socket })`) and
 * prints `listening` once it does. Readiness fails while the file `SOCKET.down` exists;
 * SIGUSR2 marks it broken (liveness fails), as a worker whose loop stalled would.
 */
import { existsSync } from 'node:fs';
import { createProbes, NotReady } from '../../src/index.js';

const socket = process.argv[2]!;
const probes = createProbes({
  readiness: {
    queue: () => {
      if (existsSync(`${socket}.down`)) throw new NotReady('queue: not connected to amqp://worker:s3cret-pw@mq:5672');
    },
  },
});
await probes.listen({ socket });
process.on('SIGUSR2', () => probes.markBroken('worker loop stalled'));
process.on('SIGTERM', () => void probes.close().then(() => process.exit(0)));
setInterval(() => {}, 1000); // the worker's own work keeps it alive; the socket does not
console.log('listening');
