// A worker without an HTTP server under the runtime, for `shipshape probe --socket`: it
// serves its probes on the Unix socket given as its first argument (`probes.listen({ socket })`)
// and prints `listening` once it does: `bun socket-worker.mjs SOCKET` / `deno run -A
// socket-worker.mjs SOCKET`. Readiness fails while the file `SOCKET.down` exists.
import { existsSync } from 'node:fs';
import { createProbes, NotReady } from 'shipshape';

const socket = process.argv[2];
const probes = createProbes({
  readiness: {
    queue: () => {
      if (existsSync(`${socket}.down`)) throw new NotReady('queue: not connected to amqp://worker:s3cret-pw@mq:5672');
    },
  },
});
await probes.listen({ socket });
setInterval(() => {}, 1000); // the worker's own work keeps it alive; the socket does not
console.log('listening');
