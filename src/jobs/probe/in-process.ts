/**
 * A probe run in this process (`shipshape probe` without `--socket` or `--url`): the
 * config's `probes` (`createProbes(config.probes)`), or, without them, readiness checks
 * built from the environment as the seed built them from Django's settings (`DATABASE_URL`
 * → `database(url)`, which picks `postgres`, `mysql` or `sqlite` by scheme; `REDIS_URL` →
 * `redis`; `MEMCACHED_SERVERS` → `memcached`; `AMQP_URL` → `rabbitmq`; `NATS_URL` → `nats`;
 * `MQTT_URL` → `mqtt`). Each driver is imported only when its variable is set, by the
 * check's first run, within its timeout (a missing one fails the check, naming it).
 */
import type { CheckSpec } from '../../core/check.js';
import type { ShipshapeConfig } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { within } from '../../core/internal/deadline.js';
import { createProbes, type ProbesOptions } from '../../core/probes.js';
import type { ProbeName, ProbeReport } from '../../core/report.js';
import { database } from '../../checks/database.js';
import { memcached } from '../../checks/memcached.js';
import { mqtt } from '../../checks/mqtt.js';
import { nats } from '../../checks/nats.js';
import { rabbitmq } from '../../checks/rabbitmq.js';
import { redis } from '../../checks/redis.js';

/** Check names of the checks built from the environment. */
export const ENV_CHECKS = {
  DATABASE_URL: 'database',
  REDIS_URL: 'redis',
  MEMCACHED_SERVERS: 'memcached',
  AMQP_URL: 'rabbitmq',
  NATS_URL: 'nats',
  MQTT_URL: 'mqtt',
} as const;

/** What {@link probeInProcess} found, and the options its listing is formatted with. */
export interface InProcessResult {
  readonly report: ProbeReport;
  readonly options: ProbesOptions;
}

/**
 * Runs `probe` with the config's checks (or the environment's) and closes every connection
 * the checks opened before resolving to the report. `timeoutMs` is the timeout of every
 * check without its own.
 *
 * @throws ConfigError naming the file (or the variable) when the checks cannot be built.
 */
export async function probeInProcess(
  loaded: { readonly file: string | undefined; readonly config: ShipshapeConfig },
  probe: ProbeName,
  timeoutMs: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<InProcessResult> {
  const fromFile = loaded.file !== undefined && loaded.config.probes !== undefined;
  const options = loaded.config.probes ?? (await probesFromEnv(env));
  let probes;
  try {
    // The listing is the output: a `logger` of the config would print each failure twice.
    probes = createProbes({ ...options, logger: false, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  } catch (error) {
    throw new ConfigError(`${fromFile ? `${loaded.file}: \`probes\`` : 'the environment'}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return { report: await probes.check(probe), options };
  } finally {
    // every connection the checks opened, bounded: the answer is known, nothing may hold it
    await within(() => probes.close(), 1000);
  }
}

// --- internal ---

async function probesFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<ProbesOptions> {
  const readiness: Record<string, CheckSpec> = {};
  const build = async (variable: keyof typeof ENV_CHECKS, make: (value: string) => Promise<CheckSpec>): Promise<void> => {
    const value = env[variable];
    if (value === undefined || value === '') return;
    try {
      readiness[ENV_CHECKS[variable]] = await make(value);
    } catch (error) {
      throw new ConfigError(`$${variable}: ${(error as Error).message}`, { cause: error });
    }
  };
  await build('DATABASE_URL', async (url) => database(url));
  await build('REDIS_URL', async (url) => redis(url));
  await build('MEMCACHED_SERVERS', async (servers) => memcached(servers));
  await build('AMQP_URL', async (url) => rabbitmq(url));
  await build('NATS_URL', async (urls) => nats(urls));
  await build('MQTT_URL', async (url) => mqtt(url));
  return { readiness };
}
