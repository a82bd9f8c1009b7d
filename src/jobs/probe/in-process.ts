/**
 * `shipshape probe` in-process: the config's `probes` (`createProbes(config.probes)`), or,
 * without them, readiness checks built from the environment as the seed built them from
 * Django's settings (`DATABASE_URL` → `database(url)`, which picks `postgres`, `mysql` or
 * `sqlite` by scheme; `REDIS_URL` → `redis`; `MEMCACHED_SERVERS` → `memcached`). Each
 * driver is imported only when its variable is set.
 */
import type { CheckSpec } from '../../core/check.js';
import { ConfigError } from '../../core/errors.js';
import { formatJson } from '../../core/format-json.js';
import { formatText } from '../../core/format-text.js';
import { within } from '../../core/internal/deadline.js';
import { createProbes, type ProbesOptions } from '../../core/probes.js';
import type { LoadedConfig } from '../../cli/_config.js';
import type { CliIO } from '../../cli/_io.js';
import { capOutput } from '../../cli/commands/_probe-output.js';
import type { Chosen, Output } from '../../cli/commands/probe.js';
import { database } from '../../checks/database.js';
import { memcached } from '../../checks/memcached.js';
import { redis } from '../../checks/redis.js';

/** Check names of the checks built from the environment. */
export const ENV_CHECKS = { DATABASE_URL: 'database', REDIS_URL: 'redis', MEMCACHED_SERVERS: 'memcached' } as const;

/**
 * Runs `probe` with the config's checks (or the environment's), prints the listing, and
 * closes every connection the checks opened before resolving to the exit code.
 *
 * @throws ConfigError naming the file (or the variable) when the checks cannot be built.
 */
export async function runInProcess(io: CliIO, loaded: LoadedConfig, probe: Chosen, timeoutMs: number | undefined, output: Output): Promise<number> {
  const fromFile = loaded.file !== undefined && loaded.config.probes !== undefined;
  const options = loaded.config.probes ?? (await probesFromEnv(io.env));
  let probes;
  try {
    // The listing is the output: a `logger` of the config would print each failure twice.
    probes = createProbes({ ...options, logger: false, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  } catch (error) {
    throw new ConfigError(`${fromFile ? `${loaded.file}: \`probes\`` : 'the environment'}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const report = await probes.check(probe.name);
    if (!output.quiet) {
      const details = options.details ?? true;
      const text = output.json
        ? `${formatJson(report, { serviceId: options.serviceId, releaseId: options.releaseId, version: options.version }, details)}\n`
        : formatText(report, { word: probe.path.slice(1), verbose: output.verbose, details });
      io.stdout.write(capOutput(text, output.json));
    }
    return report.status === 'fail' ? 1 : 0;
  } finally {
    // every connection the checks opened, bounded: the answer is known, nothing may hold it
    await within(() => probes.close(), 1000);
  }
}

// --- internal ---

async function probesFromEnv(env: CliIO['env']): Promise<ProbesOptions> {
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
  return { readiness };
}
