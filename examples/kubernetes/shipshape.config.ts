// The settings the manifests in this folder assume: the app imports this file for its
// probes and its shutdown, and `shipshape doctor` reads the same file, so the manifests
// are checked against what the app really does:
//
//   npx shipshape doctor examples/kubernetes/ --config examples/kubernetes/shipshape.config.ts
//
// Nothing here connects at import: the pool opens its first connection on its first
// query, and the redis check on its first run.
import pg from 'pg';
import { defineConfig, eventLoopDelay, postgres, redis } from 'shipshape';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://app@127.0.0.1:5432/app';

/** The app's own pool: its queries and the readiness check share it. */
export const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });

export default defineConfig({
  // wait4db, lockedmigrate and ensureadmin (the init containers and the Job) use it
  database: DATABASE_URL,
  probes: {
    // /livez, /healthz: about the process only (a database outage must not restart pods);
    // this check times out at the default 900 ms like every check without its own timeoutMs
    liveness: { loop: eventLoopDelay({ maxMs: 2000 }) },
    // /readyz, and /startupz until it has passed once
    readiness: {
      db: postgres(pool, { timeoutMs: 2000 }), // the slowest check: probes on /readyz and /startupz need timeoutSeconds ≥ 3
      cache: redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    },
  },
  // 5 s delay + 20 s for requests in flight + 1 hook × 5 s = 30 s, and probes.close() after
  // the hooks (up to hookTimeoutMs, 5 s): terminationGracePeriodSeconds 35 in web.yaml
  shutdown: { delayMs: 5000, timeoutMs: 20_000, hookTimeoutMs: 5000, onShutdown: [() => pool.end()] },
  // grpc-server.js (grpc.yaml) serves the gRPC health service on the same checks
  // (addHealthService from shipshape/grpc): `doctor` checks its grpc probes against it
  grpc: true,
});
