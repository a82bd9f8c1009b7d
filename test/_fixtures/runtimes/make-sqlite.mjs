// Creates an SQLite database file with one table, with the runtime's own node:sqlite:
// `bun make-sqlite.mjs FILE` / `deno run -A make-sqlite.mjs FILE`.
import { DatabaseSync } from 'node:sqlite';

const db = new DatabaseSync(process.argv[2]);
db.exec('CREATE TABLE IF NOT EXISTS t (x)');
db.close();
