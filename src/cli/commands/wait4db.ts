/**
 * `shipshape wait4db`: for init containers, waits until the app's database answers
 * `SELECT 1` and keeps answering for `--stable` seconds (SPEC §5): `waitFor` of
 * src/jobs/wait, as `wait4` does.
 */
import { parseTarget } from '../../jobs/wait/index.js';
import { databaseUrl, loadConfig, type LoadedConfig } from '../_config.js';
import { parseFlags } from '../_flags.js';
import type { CliIO } from '../_io.js';
import { DEFAULTS, runWait, WAIT_FLAGS, waitSettings } from './_wait.js';

/** The options of `wait4db`, as `parseArgs` takes them. */
export const FLAGS = {
  database: { type: 'string', short: 'd' },
  ...WAIT_FLAGS,
  config: { type: 'string' },
} as const;

export const USAGE = `Usage: shipshape wait4db [--database URL] [--timeout ${DEFAULTS.timeout}] [--stable ${DEFAULTS.stable}] [--interval ${DEFAULTS.interval}] [--quiet] [--config FILE]

For init containers: waits until the database answers SELECT 1 and keeps answering for
--stable seconds, then exits 0; exits 1 at --timeout. PostgreSQL, MySQL/MariaDB and SQLite.

Options:
  -d, --database URL   the database (else the config's \`database\`, else $DATABASE_URL)
  --timeout SEC        give up after this long (default ${DEFAULTS.timeout})
  --stable SEC         how long it must keep answering; any failure starts again (default ${DEFAULTS.stable})
  --interval SEC       time between attempts; each may take as long, 1 s to 5 s (default ${DEFAULTS.interval})
  --quiet              no progress lines on stderr (the result line stays)
  --config FILE        the config file (default: $SHIPSHAPE_CONFIG, else shipshape.config.* here)

Progress on stderr, one line an attempt:
  wait4db: postgres://***@db:5432/app: ECONNREFUSED (attempt 3, 2.1 s)
The result on stdout:
  postgres://***@db:5432/app is ready (stable for 5 s after 7.3 s)
  postgres://***@db:5432/app is not ready after 180 s: ECONNREFUSED (180 attempts)

Exit codes: 0 ready, 1 not ready at --timeout, 2 usage or configuration error (a missing
driver included), 128 + the signal on SIGTERM or SIGINT.
`;

/** Runs `shipshape wait4db`. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  const settings = waitSettings('wait4db', values);
  // --database wins over the config, which is then not even loaded (unless named)
  const loaded: LoadedConfig = values.database !== undefined && values.config === undefined ? { file: undefined, config: {} } : await loadConfig(io, values.config);
  const url = databaseUrl(values.database, loaded, io);
  // checked here first, to name it by where it came from, and to take databases only
  parseTarget(url, source(values.database, loaded), true);
  return runWait([url], settings, io);
}

// --- internal ---

/** Where the URL came from, for messages (the same order as `databaseUrl`). */
function source(flag: string | undefined, loaded: LoadedConfig): string {
  if (flag !== undefined) return '--database';
  if (loaded.config.database !== undefined) return `\`database\` in ${loaded.file ?? 'the config'}`;
  return 'DATABASE_URL';
}
