/**
 * Fixtures for `ensureadmin` tests: a config file whose `admin` hooks keep users in a JSON
 * file (an app's ORM in miniature, so a test can see what `create` received), and unique
 * SQL table names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface HooksProject {
  readonly dir: string;
  /** The config file (pass it with --config, or run in `dir`). */
  readonly config: string;
  /** The users `create` wrote, by username, as the hooks received them. */
  users(): Record<string, { username: string; email?: string; password: string }>;
  /** Adds a user as the app would have (not through ensureadmin). */
  seed(user: { username: string; email?: string; password: string }): void;
  /** Every call the hooks received, in order ("find admin", "create admin", "setPassword admin"). */
  calls(): string[];
  cleanup(): void;
}

/**
 * A temp dir with `shipshape.config.mjs`. `options.failCreate` makes `create` throw that
 * message (after writing the user when `writeBeforeFailing`, as a unique-constraint loser
 * would find the winner's row); `withoutSetPassword` leaves that hook out.
 */
export function hooksProject(options: { failCreate?: string; writeBeforeFailing?: boolean; withoutSetPassword?: boolean } = {}): HooksProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-ensureadmin-'));
  const store = path.join(dir, 'users.json');
  const log = path.join(dir, 'calls.log');
  writeFileSync(store, '{}');
  writeFileSync(log, '');
  const config = path.join(dir, 'shipshape.config.mjs');
  writeFileSync(
    config,
    `import fs from 'node:fs';
const store = ${JSON.stringify(store)};
const log = (line) => fs.appendFileSync(${JSON.stringify(log)}, line + '\\n');
const read = () => JSON.parse(fs.readFileSync(store, 'utf8'));
const write = (users) => fs.writeFileSync(store, JSON.stringify(users));
export default {
  admin: {
    async find(username) { log('find ' + username); return read()[username] ?? null; },
    async create(user) {
      log('create ' + user.username);
      ${options.failCreate === undefined ? '' : `${options.writeBeforeFailing ? 'write({ ...read(), [user.username]: { ...user } });' : ''} throw new Error(${JSON.stringify(options.failCreate)});`}
      write({ ...read(), [user.username]: { ...user } });
    },
    ${options.withoutSetPassword ? '' : `async setPassword(user) { log('setPassword ' + user.username); const users = read(); users[user.username].password = user.password; write(users); },`}
  },
};
`,
  );
  return {
    dir,
    config,
    users: () => JSON.parse(readFileSync(store, 'utf8')),
    seed: (user) => writeFileSync(store, JSON.stringify({ ...JSON.parse(readFileSync(store, 'utf8')), [user.username]: user })),
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let counter = 0;

/** A table name no other test (or engineer) uses at the same time. */
export function uniqueTable(prefix = 'ea_users'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

/** A password that passes every rule. */
export const GOOD_PASSWORD = 'xk8#mQ2!vL9@pR4z';
