/**
 * One suite for the URL form of the SQL checks, run over each dialect the way kysely runs
 * its tests over `DIALECTS`: `postgres(url)` and `mysql(url)` share one SQL client and one
 * connection lifecycle (src/core/internal/sql/client.ts, owned-connection.ts), so they
 * must behave alike against a refused port, a blackhole, a proxy that goes silent, bad
 * credentials, an unknown database, a server that kills their connection and `close()`.
 * What differs per dialect (URLs, the admin view of the server, error texts) is one row
 * of {@link DIALECTS} (sql-url-dialects.ts); each check's test file calls `describeSqlUrlCheck(dialect)`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import { loadDriver } from '../../src/core/internal/load-driver.js';
import { assertFailedFast, assertTimedOut, runCheck } from './run-check.js';
import { canConnect, requireService } from './services.js';
import { refusedPort, startBlackhole } from './sockets.js';
import { DIALECTS, SECRET, type SqlServerView, type SqlUrlDialectName } from './sql-url-dialects.js';
import { startSqlProxy } from './sql-proxy.js';

const TIMEOUT_MS = 300;


/** The URL-form scenarios of the `dialect` check. */
export function describeSqlUrlCheck(name: SqlUrlDialectName): void {
  const dialect = DIALECTS[name];

  describe(`${name}() given a URL (the SQL URL matrix)`, () => {
    let server: SqlServerView | undefined;
    /** The admin view, opened by the first test that needs it (and with it, for MySQL, the test user). */
    const view = async (): Promise<SqlServerView> => (server ??= await dialect.server());

    before(async () => {
      await loadDriver(dialect.driver); // measure timeouts from the check start, not from the first import
      // the login scenarios need the test user, which the admin view creates
      if (await canConnect('127.0.0.1', dialect.port)) await view();
    });
    after(() => server?.close());

    test('passes with SELECT 1 over each of its schemes and reports the round trip in ms', async (t) => {
      if (!(await requireService(t, dialect.service, dialect.port))) return;
      for (const scheme of dialect.schemes) {
        const url = dialect.url({ scheme });
        const check = dialect.check(url);
        try {
          const first = await runCheck(check);
          assert.equal(first.ok, true, `${url}: ${first.reason}`);
          const value = first.value as { observedValue: number; observedUnit: string };
          assert.equal(value.observedUnit, 'ms');
          assert.equal(typeof value.observedValue, 'number');
          assert.ok(value.observedValue >= 0 && value.observedValue < 900, `${value.observedValue} ms`);
          assert.equal((await runCheck(check)).ok, true, 'the kept connection is reused');
        } finally {
          await check.close();
        }
      }
    });

    test('keeps one connection and close() ends it, idempotently; a run after close() opens nothing', async (t) => {
      if (!(await requireService(t, dialect.service, dialect.port))) return;
      const admin = await view();
      const { check, tag } = await admin.tagged();
      for (let i = 0; i < 3; i += 1) assert.equal((await runCheck(check)).ok, true);
      assert.equal((await admin.ids(tag)).length, 1, 'one connection, reused');
      await check.close();
      await admin.waitForNone(tag);
      await check.close(); // idempotent
      const closed = await runCheck(check);
      assert.equal(closed.ok, false);
      assert.match(closed.reason!, /closed/);
      assert.equal((await admin.ids(tag)).length, 0, 'a run after close() opens nothing');
    });

    test('a URL of another scheme, or one that does not parse, is an InvalidOptionError naming the accepted schemes, without the password', () => {
      const accepted = dialect.schemes.map((scheme) => `${scheme}//`).join(' or ');
      for (const url of dialect.refusedUrls) {
        assert.throws(
          () => dialect.check(url),
          (error: unknown) => error instanceof InvalidOptionError && error.message.includes(accepted) && !error.message.includes(SECRET),
          url,
        );
      }
    });

    test('a refused port fails fast with ECONNREFUSED', async () => {
      const check = dialect.check(dialect.url({ port: await refusedPort() }));
      try {
        const outcome = await runCheck(check, 2000);
        assertFailedFast(outcome, /ECONNREFUSED/, 1000);
      } finally {
        await check.close();
      }
    });

    test('a blackhole fails at the timeout and the socket is closed, on every run', async () => {
      const blackhole = await startBlackhole();
      // the last scheme here, so that the other one than above reaches the driver too
      const check = dialect.check(dialect.url({ scheme: dialect.schemes.at(-1), port: blackhole.port, password: SECRET }));
      try {
        for (let run = 1; run <= 2; run += 1) {
          const outcome = await runCheck(check, TIMEOUT_MS);
          assertTimedOut(outcome, TIMEOUT_MS);
          await blackhole.waitForAllClosed(500);
          assert.equal(blackhole.acceptedConnections(), run, 'one connection per run');
        }
      } finally {
        await check.close();
        await blackhole.close();
      }
    });

    test('close() during a hanging connect frees the socket at once', async () => {
      const blackhole = await startBlackhole();
      const check = dialect.check(dialect.url({ port: blackhole.port }));
      try {
        const pending = runCheck(check, 5000);
        while (blackhole.openConnections() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        await check.close();
        await blackhole.waitForAllClosed(200);
        assert.equal((await pending).ok, false);
      } finally {
        await blackhole.close();
      }
    });

    test('a connection that goes silent mid-session fails at the timeout, is destroyed and reopened', async (t) => {
      if (!(await requireService(t, dialect.service, dialect.port))) return;
      const proxy = await startSqlProxy(dialect.port);
      const check = dialect.check(dialect.url({ port: proxy.port }));
      try {
        assert.equal((await runCheck(check)).ok, true);
        const outcome = await proxy.partitioned(() => runCheck(check, TIMEOUT_MS));
        assertTimedOut(outcome, TIMEOUT_MS);
        const healed = await runCheck(check);
        assert.equal(healed.ok, true, healed.reason);
      } finally {
        await check.close();
        await proxy.close();
      }
    });

    test('an unknown user fails with a short reason that never shows the password', async (t) => {
      if (!(await requireService(t, dialect.service, dialect.port))) return;
      const check = dialect.check(dialect.url({ user: 'nobody_here', password: SECRET }));
      try {
        const outcome = await runCheck(check);
        assert.equal(outcome.ok, false);
        assert.match(outcome.reason!, dialect.unknownUser);
        assert.doesNotMatch(outcome.reason!, new RegExp(SECRET));
      } finally {
        await check.close();
      }
    });

    const wrong = dialect.wrongPassword;
    if (wrong) {
      test('a wrong password fails with a reason showing neither password', async (t) => {
        if (!(await requireService(t, dialect.service, dialect.port))) return;
        const check = dialect.check(dialect.url({ user: dialect.login.user, password: SECRET }));
        try {
          const outcome = await runCheck(check);
          assert.equal(outcome.ok, false);
          assert.match(outcome.reason!, wrong);
          assert.ok(!outcome.reason!.includes(SECRET), outcome.reason);
          assert.ok(!outcome.reason!.includes(dialect.login.password), outcome.reason);
        } finally {
          await check.close();
        }
      });
    }

    test('an unknown database fails and the password stays hidden', async (t) => {
      if (!(await requireService(t, dialect.service, dialect.port))) return;
      const check = dialect.check(dialect.url({ ...dialect.login, database: 'no_such_db_here' }));
      try {
        const outcome = await runCheck(check);
        assert.equal(outcome.ok, false);
        assert.match(outcome.reason!, dialect.unknownDatabase);
        assert.ok(!outcome.reason!.includes(dialect.login.password), outcome.reason);
      } finally {
        await check.close();
      }
    });

    test('the server killing its connection crashes nothing; the check reconnects and passes', async (t) => {
      if (!(await requireService(t, dialect.service, dialect.port))) return;
      const admin = await view();
      const { check, tag } = await admin.tagged();
      try {
        assert.equal((await runCheck(check)).ok, true);
        const [id] = await admin.ids(tag);
        assert.equal(await admin.kill(tag), 1);
        await new Promise((resolve) => setTimeout(resolve, 50)); // let the 'error' event arrive
        const next = await runCheck(check);
        const passed = next.ok ? next : await runCheck(check);
        assert.equal(passed.ok, true, passed.reason);
        const ids = await admin.ids(tag);
        assert.equal(ids.length, 1);
        assert.notEqual(ids[0], id, 'a new connection');
      } finally {
        await check.close();
      }
    });
  });
}
