/**
 * A throwaway Mosquitto on a spare port of 127.0.0.1 (no persistence), anonymous or with a
 * password file, for restart, hang and credential tests. Always `kill()` it in `after`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChildServer } from './child-server.js';
import { refusedPort } from './sockets.js';

const dirs: string[] = [];
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export interface MosquittoOptions {
  /** Only this user may connect (no anonymous clients). */
  readonly user?: { readonly name: string; readonly password: string };
  /** The port (a spare one by default): a test may wait for it before the server starts. */
  readonly port?: number;
}

/** Starts Debian's `mosquitto` on a spare port, with a config file of its own. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<ChildServer> {
  const port = options.port ?? (await refusedPort());
  // Mosquitto started as root reads its files as the `mosquitto` user: a world-readable dir.
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-mosquitto-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_dest none'];
  if (options.user) {
    const passwords = path.join(dir, 'passwords');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwords, options.user.name, options.user.password]);
    chmodSync(passwords, 0o644);
    lines.push('allow_anonymous false', `password_file ${passwords}`);
  } else {
    lines.push('allow_anonymous true');
  }
  const config = path.join(dir, 'mosquitto.conf');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const server = new ChildServer('mosquitto', ['-c', config], port);
  await server.start();
  return server;
}
