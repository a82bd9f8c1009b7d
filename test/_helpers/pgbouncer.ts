/**
 * A PgBouncer of the test's own, on a free port of 127.0.0.1, in front of the test
 * PostgreSQL (trust auth), in the pool mode the test asks for. Debian's `pgbouncer` package
 * (`.ci/run` installs it); PgBouncer refuses to run as root, so as root it is told to switch
 * to the `postgres` user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canConnect } from './services.js';
import { refusedPort } from './sockets.js';

export const PGBOUNCER = '/usr/sbin/pgbouncer';

export interface Pgbouncer {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/test`. */
  readonly url: string;
  /** What it has logged so far. */
  log(): string;
  close(): Promise<void>;
}

/** Whether the pgbouncer binary is installed. */
export function hasPgbouncer(): boolean {
  return spawnSync(PGBOUNCER, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Starts PgBouncer in `mode`, with `settings` (lines of its `[pgbouncer]` section) added. */
export async function startPgbouncer(mode: 'session' | 'transaction' | 'statement', settings: readonly string[] = []): Promise<Pgbouncer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await refusedPort();
  writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    `[databases]
test = host=127.0.0.1 port=5432 dbname=test

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${path.join(dir, 'userlist.txt')}
pool_mode = ${mode}
default_pool_size = 5
ignore_startup_parameters = extra_float_digits
${settings.join('\n')}
`,
  );
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  const child: ChildProcess = spawn(PGBOUNCER, [...asRoot, path.join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await canConnect('127.0.0.1', port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`pgbouncer did not start: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, url: `postgres://postgres@127.0.0.1:${port}/test`, log: () => log, close };
}
