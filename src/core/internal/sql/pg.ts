/** PostgreSQL for the SQL client, through `pg` (node-postgres), imported on first use. */
import { loadCommonJsDriver } from '../load-driver.js';
import { KEEPALIVE_DELAY_MS } from '../owned-connection.js';
import type { QueryResult, SqlDialect } from './client.js';

/** The parts of `pg` (module and Client) the client uses. */
interface PgModule {
  Client: new (config: object) => PgClient;
}

interface PgClient {
  connect(): Promise<unknown>;
  query(text: string, values: readonly unknown[]): Promise<{ rows?: Record<string, unknown>[]; rowCount?: number | null }>;
  end(): Promise<unknown>;
  on(event: 'error' | 'end', listener: () => void): unknown;
  connection?: { stream?: { destroy(): void } };
}

export const pgDialect: SqlDialect<PgModule, PgClient> = {
  load: () => loadCommonJsDriver<PgModule>('pg'),
  connect(pg, url, options) {
    return {
      open(lost) {
        const client = new pg.Client({
          connectionString: url,
          application_name: options.applicationName,
          keepAlive: options.keepAlive === true,
          keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
        });
        // A restart or pg_terminate_backend() ends the socket: 'error' (must be listened
        // to, or the process crashes) and then 'end'. Either way the next query reconnects.
        client.on('error', lost);
        client.on('end', lost);
        return { connection: client, ready: client.connect() };
      },
      destroy: (client) => client.connection?.stream?.destroy(),
      // pg's end() waits for the server's goodbye, which a blackhole never sends: the
      // lifecycle destroys the socket after a grace
      end: (client) => client.end(),
    };
  },
  async query(client, sql, params): Promise<QueryResult> {
    const result = await client.query(sql, params);
    const rows = result.rows ?? [];
    return { rows, rowCount: result.rowCount ?? rows.length };
  },
};
