import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sqlite } from '../../src/checks/sqlite.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { assertPassesOnce, runCheck } from '../_helpers/run-check.js';

const spec = (check: ReturnType<typeof sqlite>) => check as Required<ReturnType<typeof sqlite>>;
let dir: string;
let dbPath: string;

/** The open file descriptors of this process that point at `path`, with their open flags (Linux). */
function fdsOn(path: string): { fd: string; flags: number }[] {
  if (!existsSync('/proc/self/fd')) return [];
  const found: { fd: string; flags: number }[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== path) continue;
      const flags = /flags:\s*(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      found.push({ fd, flags: Number.parseInt(flags ?? '0', 8) });
    } catch {
      // closed meanwhile
    }
  }
  return found;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-sqlite-'));
  dbPath = join(dir, 'app.db');
  const db = new Database(dbPath);
  db.exec('CREATE TABLE t (x INTEGER)');
  db.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite() given a file path', () => {
  test('passes and reports the time in ms', async () => {
    const check = spec(sqlite(dbPath));
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
    } finally {
      await check.close();
    }
  });

  test('opens the file read-only, once, and close() closes it (idempotent)', async (t) => {
    if (!existsSync('/proc/self/fdinfo')) {
      t.skip('needs /proc/self/fdinfo (Linux) to see how the file is open');
      return;
    }
    const check = spec(sqlite(dbPath));
    assert.equal((await runCheck(check)).ok, true);
    assert.equal((await runCheck(check)).ok, true);
    const fds = fdsOn(dbPath);
    assert.equal(fds.length, 1, 'one handle, reused');
    assert.equal(fds[0]!.flags & 0o3, 0, 'O_RDONLY');
    await check.close();
    assert.equal(fdsOn(dbPath).length, 0, 'closed');
    await check.close();
    const outcome = await runCheck(check);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason!, /closed/);
    assert.equal(fdsOn(dbPath).length, 0, 'a run after close() opens nothing');
  });

  test('a missing file fails, naming it, and is not created', async () => {
    const missing = join(dir, 'missing.db');
    const check = spec(sqlite(missing));
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, false);
      assert.ok(outcome.reason!.includes(missing), outcome.reason);
      assert.equal(existsSync(missing), false);
      // the volume shows up later: the next run opens it
      new Database(missing).close();
      assert.equal((await runCheck(check)).ok, true);
    } finally {
      await check.close();
    }
  });

  test('a file that is not a database fails (a bare SELECT 1 would pass)', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not an SQLite database, just some bytes '.repeat(200));
    const check = spec(sqlite(junk));
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /not a database/);
    } finally {
      await check.close();
    }
  });

  test('accepts file: and sqlite: URLs', async () => {
    for (const url of [pathToFileURL(dbPath).href, `sqlite://${dbPath}`, `sqlite:${dbPath}`]) await assertPassesOnce(sqlite(url), url);
  });
});

describe('sqlite() given the app’s database', () => {
  test('passes through a better-sqlite3 database, and fails once it is closed', async () => {
    const db = new Database(dbPath);
    const check = sqlite(db);
    assert.equal(check.close, undefined, 'the app’s database is the app’s to close');
    assert.equal((await runCheck(check)).ok, true);
    db.close();
    const outcome = await runCheck(check);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason!, /not open/);
  });

  test('passes through a node:sqlite DatabaseSync, where this Node has node:sqlite', async (t) => {
    const nodeSqlite = await import('node:sqlite' as string).catch(() => undefined);
    if (!nodeSqlite) {
      t.skip(`node:sqlite is not available in Node ${process.version} (it needs 22.5+)`);
      return;
    }
    const db = new nodeSqlite.DatabaseSync(dbPath);
    const check = sqlite(db);
    assert.equal((await runCheck(check)).ok, true);
    db.close();
    assert.equal((await runCheck(check)).ok, false);
  });
});

describe('sqlite() building', () => {
  test('an object it does not recognize is an InvalidOptionError listing the supported clients', () => {
    for (const value of [{}, { prepare: () => 1 }, 3, null, '']) {
      assert.throws(
        () => sqlite(value as never),
        (error: unknown) => error instanceof InvalidOptionError && /better-sqlite3|non-empty string/.test(error.message),
      );
    }
  });

  test('options are validated and passed through; run is named', () => {
    const check = sqlite(dbPath, { cacheMs: 100 });
    assert.equal(check.cacheMs, 100);
    assert.equal(check.run.name, 'sqlite');
    assert.throws(() => sqlite(dbPath, { timeoutMs: 0 }), /`timeoutMs`/);
  });
});
