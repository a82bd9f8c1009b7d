// Runs the readiness checks of shipshape under the runtime and prints the report as JSON:
// `bun checks.mjs NAME...` / `deno run -A checks.mjs NAME...`, each NAME one of CHECKS
// below (the app's own clients and the URL forms, whose drivers load here). The services'
// addresses come from the same variables as the Node tests' (test/_helpers/services.ts).
import { createProbes, diskSpace, eventLoopDelay, http, memcached, memoryHeap, memoryRss, mqtt, mysql, nats, postgres, rabbitmq, redis, sqlite, tcp } from 'shipshape';

const POSTGRES_URL = process.env.SHIPSHAPE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.SHIPSHAPE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.SHIPSHAPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MEMCACHED_SERVER = process.env.SHIPSHAPE_TEST_MEMCACHED ?? '127.0.0.1:11211';
const AMQP_URL = process.env.SHIPSHAPE_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env.SHIPSHAPE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const MQTT_URL = process.env.SHIPSHAPE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

const closers = [];
const CHECKS = {
  'postgres-js': async () => {
    const { default: postgresJs } = await import('postgres');
    const sql = postgresJs(POSTGRES_URL, { max: 1, onnotice: () => {} });
    closers.push(() => sql.end({ timeout: 1 }));
    return postgres(sql);
  },
  'postgres-bun-sql': async () => {
    const { SQL } = await import('bun');
    const sql = new SQL(POSTGRES_URL, { max: 1 });
    closers.push(() => sql.close());
    return postgres(sql);
  },
  'postgres-url': () => postgres(POSTGRES_URL),
  'mysql-url': () => mysql(MYSQL_URL),
  'redis-ioredis': async () => {
    const { default: Redis } = await import('ioredis');
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    closers.push(() => client.quit());
    return redis(client);
  },
  'redis-node-redis': async () => {
    const { createClient } = await import('redis');
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    closers.push(() => client.close?.() ?? client.quit());
    return redis(client);
  },
  'redis-url': () => redis(REDIS_URL),
  'memcached-url': () => memcached(MEMCACHED_SERVER),
  'rabbitmq-url': () => rabbitmq(AMQP_URL),
  'nats-url': () => nats(NATS_URL),
  'mqtt-url': () => mqtt(MQTT_URL),
  'sqlite-bun': async () => {
    const { Database } = await import('bun:sqlite');
    const db = new Database(':memory:');
    closers.push(() => db.close());
    return sqlite(db);
  },
  'sqlite-node': async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(':memory:');
    closers.push(() => db.close());
    return sqlite(db);
  },
  'sqlite-path': () => sqlite(process.env.SQLITE_PATH),
  http: () => http(process.env.HTTP_URL),
  tcp: () => tcp('127.0.0.1', Number(POSTGRES_URL.match(/:(\d+)\//)?.[1] ?? 5432)),
  'event-loop-delay': () => eventLoopDelay({ maxMs: 1000 }),
  'memory-heap': () => memoryHeap({ maxBytes: 4 * 1024 ** 3 }),
  'memory-rss': () => memoryRss({ maxBytes: 8 * 1024 ** 3 }),
  'disk-space': () => diskSpace({ path: '.', maxUsedRatio: 1 }),
};

const readiness = {};
for (const name of process.argv.slice(2)) readiness[name] = await CHECKS[name]();
const probes = createProbes({ readiness, timeoutMs: 5000 });
// a measuring window of the event-loop check has to pass before it has something to judge
if (readiness['event-loop-delay']) await new Promise((resolve) => setTimeout(resolve, 1100));
const report = await probes.check('readiness');
console.log(JSON.stringify(report.checks.map(({ name, status, reason }) => ({ name, status, reason }))));
await probes.close();
for (const close of closers) await close();
process.exit(0);
