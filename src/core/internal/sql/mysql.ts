/** MySQL and MariaDB for the SQL client, through `mysql2` (callback API), imported on first use. */
import { loadCommonJsDriver } from '../load-driver.js';
import { KEEPALIVE_DELAY_MS } from '../owned-connection.js';
import type { QueryResult, SqlDialect } from './client.js';

/** The parts of `mysql2` the client uses. */
interface Mysql2Module {
  createConnection(config: object): Mysql2Connection;
}

interface Mysql2Connection {
  query(sql: string, values: readonly unknown[], callback: (error: Error | null, result: unknown) => void): unknown;
  end(callback: (error?: Error | null) => void): unknown;
  destroy(): void;
  on(event: 'error' | 'end', listener: () => void): unknown;
  once(event: 'connect' | 'error', listener: (value?: unknown) => void): unknown;
}

export const mysqlDialect: SqlDialect<Mysql2Module, Mysql2Connection> = {
  load: () => loadCommonJsDriver<Mysql2Module>('mysql2'),
  connect(mysql2, url, options) {
    // mysql2 reads host, port, user, password and database from the URL and takes query
    // parameters as options; the scheme itself does not matter to it (`mariadb://` works).
    const uri = url.replace(/^[a-z]+:/i, 'mysql:');
    return {
      open(lost) {
        const connection = mysql2.createConnection({
          uri,
          enableKeepAlive: options.keepAlive !== false,
          keepAliveInitialDelay: KEEPALIVE_DELAY_MS,
          ...(options.applicationName === undefined ? {} : { connectAttributes: { program_name: options.applicationName } }),
        });
        // A fatal error (server gone, KILL, reset) is emitted as 'error' when no query is
        // waiting for it: listen, or the app crashes. Either way the next query reconnects.
        connection.on('error', lost);
        connection.on('end', lost);
        const ready = new Promise<void>((resolve, reject) => {
          connection.once('connect', () => resolve());
          connection.once('error', (error) => reject(error));
        });
        return { connection, ready };
      },
      destroy: (connection) => connection.destroy(),
      end: (connection) => new Promise<void>((resolve) => connection.end(() => resolve())),
    };
  },
  query(connection, sql, params): Promise<QueryResult> {
    return new Promise((resolve, reject) =>
      connection.query(sql, params, (error, result) => {
        if (error) return reject(error);
        // a SELECT gives rows; INSERT/UPDATE/DELETE a ResultSetHeader with affectedRows
        if (Array.isArray(result)) resolve({ rows: result as Record<string, unknown>[], rowCount: result.length });
        else resolve({ rows: [], rowCount: (result as { affectedRows?: number } | undefined)?.affectedRows ?? 0 });
      }),
    );
  },
};
