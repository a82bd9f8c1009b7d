// Express (4 or 5) with shipshape: `PORT=3000 node examples/express.mjs`, then curl localhost:3000/readyz
import express from 'express';
import { createProbes, NotReady } from 'shipshape';
import { expressProbes } from 'shipshape/express';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

const app = express();
app.use(expressProbes(probes)); // first: before body parsers, auth and rate limiters
app.use(express.json());
app.get('/', (req, res) => { res.send('hello'); });

const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
