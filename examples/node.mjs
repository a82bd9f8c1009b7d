// node:http with shipshape: `PORT=3000 node examples/node.mjs`, then curl localhost:3000/readyz
import http from 'node:http';
import { createProbes, NotReady } from 'shipshape';
import { withProbes } from 'shipshape/node';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

const server = http.createServer(
  withProbes(probes, (req, res) => {
    res.end('hello');
  }),
);
server.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
