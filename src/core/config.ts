/**
 * The shape of `shipshape.config.{ts,mts,js,mjs,cjs}`, the file the command line reads
 * (`probe`, `wait4db`, `ensureadmin`, `lockedmigrate`, `doctor`).
 */
import type { ProbesOptions } from './probes.js';
import type { ShutdownOptions } from './shutdown/options.js';

/** The admin user `ensureadmin` creates through the app's own ORM. */
export interface AdminUser {
  readonly username: string;
  readonly email: string | undefined;
  /** The password in clear: hash it with the app's own hasher, the one its login verifies. */
  readonly password: string;
}

/** How `ensureadmin` finds and creates the admin user with the app's own code (any ORM). */
export interface AdminHooks {
  /** The user with this username, or `null`/`undefined` when there is none. */
  find(username: string): unknown;
  /**
   * Creates the user. Make it safe to run from several replicas at once (a unique username
   * and an insert that ignores a conflict): `ensureadmin` calls it only when `find` found
   * nobody, and two Jobs may both have found nobody.
   */
  create(user: AdminUser): unknown;
  /** Sets the password of an existing user (`ensureadmin --update-password`). */
  setPassword?(user: AdminUser): unknown;
}

/** Every key of `shipshape.config.*`; each is optional. */
export interface ShipshapeConfig {
  /** The database URL of `wait4db`, `ensureadmin` and `lockedmigrate`. @defaultValue `$DATABASE_URL` */
  readonly database?: string | undefined;
  /** The `createProbes` options of the app, for `shipshape probe` (in-process) and `doctor`. @defaultValue checks built from `$DATABASE_URL`, `$REDIS_URL`, `$MEMCACHED_SERVERS`, `$AMQP_URL`, `$NATS_URL`, `$MQTT_URL` */
  readonly probes?: ProbesOptions;
  /** The Unix socket the app serves its probes on (`probes.listen({ socket })`), the default of `probe --socket`. @defaultValue `$SHIPSHAPE_SOCKET` */
  readonly socket?: string;
  /** The app's `gracefulShutdown` options, which `doctor` checks against the manifests. @defaultValue the library's defaults */
  readonly shutdown?: ShutdownOptions;
  /** How `ensureadmin` reads and writes users through the app's own code. */
  readonly admin?: AdminHooks;
  /** Whether the app serves the gRPC health service (`addHealthService` of `shipshape/grpc`), which `doctor` checks `grpc` probes against. @defaultValue `false` */
  readonly grpc?: boolean;
}

/**
 * Types a `shipshape.config.*` file: returns `config` as it is, so the editor checks every
 * key and the checks it builds.
 *
 * The file is read only by the command line: `shipshape probe` runs its `probes` in-process
 * (an exec probe's own process, with fresh connections), `wait4db`, `ensureadmin` and
 * `lockedmigrate` use its `database`, and `doctor` compares its `probes` and `shutdown`
 * with the Deployment's probes and grace period. Import the same options in the app, so
 * that both sides agree.
 *
 * @example
 * ```ts
 * // shipshape.config.ts
 * import { defineConfig, postgres } from 'shipshape';
 * export default defineConfig({
 *   database: process.env.DATABASE_URL,
 *   probes: { readiness: { db: postgres(process.env.DATABASE_URL ?? 'postgres://localhost/app') } },
 *   shutdown: { delayMs: 5000, timeoutMs: 20_000 },
 * });
 * ```
 */
export function defineConfig(config: ShipshapeConfig): ShipshapeConfig {
  return config;
}
