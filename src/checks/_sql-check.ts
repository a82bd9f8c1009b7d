/**
 * What the SQL checks (`postgres`, `mysql`, `sqlite`, `database`) share: how they
 * assemble a {@link CheckSpec}, duck typing, and the error for a client none of them
 * recognizes.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError } from '../core/errors.js';
import { createSqlClient, type SqlClientOptions } from '../core/internal/sql/client.js';
import { describe } from '../core/options.js';
import { checkSpec } from './_check-spec.js';
import { roundTrip } from './_round-trip.js';

/**
 * Builds the frozen `CheckSpec` of an SQL check, its `run` named after the check (for stack
 * traces).
 */
export function sqlCheckSpec(
  name: string,
  run: (signal: AbortSignal) => Promise<Observation>,
  options: CheckSpecOptions | undefined,
  close?: () => Promise<void>,
): CheckSpec {
  Object.defineProperty(run, 'name', { value: name });
  return checkSpec(run, options, close);
}

/**
 * The check of a database URL (validated by the caller): `query` through a SQL client of
 * its own, whose one connection `close()` ends, resolving to the round trip.
 */
export function sqlUrlCheck(name: string, url: string, query: string, options: CheckSpecOptions | undefined, client?: SqlClientOptions): CheckSpec {
  const sql = createSqlClient(url, client);
  return sqlCheckSpec(
    name,
    async (signal) => {
      const started = performance.now();
      await sql.query(query, [], signal);
      return roundTrip(started);
    },
    options,
    () => sql.close(),
  );
}

/**
 * The error for a value no SQL check recognizes: names the check, the clients it supports
 * and what it received (its constructor name, never its contents).
 */
export function unrecognizedClient(check: string, supported: string, received: unknown): InvalidOptionError {
  const error = new InvalidOptionError(`Expected \`${check}()\` to get ${supported}; got ${describe(received)}`);
  Object.defineProperty(error, UNRECOGNIZED, { value: true });
  return error;
}

/** Whether `error` came from {@link unrecognizedClient} (so `database()` may try the next check). */
export function isUnrecognizedClient(error: unknown): boolean {
  return error instanceof InvalidOptionError && (error as unknown as Record<symbol, unknown>)[UNRECOGNIZED] === true;
}

const UNRECOGNIZED = Symbol('shipshape.sql.unrecognized');
