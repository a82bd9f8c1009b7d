/**
 * Finding, loading and checking `shipshape.config.*`, and the settings every command
 * takes from flags, then the config file, then the environment (first match wins).
 *
 * The file is looked for only when a command needs it, and loaded with the cheapest loader
 * that works: `.js`/`.mjs`/`.cjs` by `import()`, `.ts`/`.mts` by Node's own type stripping
 * where this Node has it (`process.features.typescript`), otherwise through `jiti` (a
 * dependency-free loader, an optional peer dependency), imported only then.
 *
 * Node's built-ins are taken with `process.getBuiltinModule`, as everywhere in shipshape: an
 * ESM `import` of `node:fs` builds its whole namespace, `fs.promises` and streams included,
 * which costs an exec probe milliseconds it does not need.
 */
import type { ShipshapeConfig } from '../core/config.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { CliIO } from './_io.js';

/** A loaded config file, or none. */
export interface LoadedConfig {
  /** The file's path as the user would name it (relative to the working directory when below it). */
  readonly file: string | undefined;
  readonly config: ShipshapeConfig;
}

/** The file names looked for in the working directory, in this order. */
export const CONFIG_FILES = ['shipshape.config.ts', 'shipshape.config.mts', 'shipshape.config.js', 'shipshape.config.mjs', 'shipshape.config.cjs'] as const;

/** The keys of {@link ShipshapeConfig}. */
const CONFIG_KEYS = ['database', 'probes', 'socket', 'shutdown', 'admin', 'grpc'] as const;

/**
 * Loads the config: `explicit` (a `--config` flag), else `$SHIPSHAPE_CONFIG`, else the first
 * of {@link CONFIG_FILES} in the working directory; no file at all is an empty config.
 *
 * @throws ConfigError (exit 2) naming the file: missing (when named explicitly), failing to
 *   load (a syntax error, a throw, a missing TypeScript loader), or holding a key or value
 *   that is not a config's.
 */
export async function loadConfig(io: CliIO, explicit?: string): Promise<LoadedConfig> {
  const { existsSync } = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  const named = explicit ?? (io.env.SHIPSHAPE_CONFIG || undefined);
  const file = named === undefined ? CONFIG_FILES.find((name) => existsSync(path.join(io.cwd, name))) : named;
  if (file === undefined) return { file: undefined, config: {} };
  const absolute = path.resolve(io.cwd, file);
  if (!existsSync(absolute)) throw new ConfigError(`${file}: config file not found${explicit === undefined ? ' (from $SHIPSHAPE_CONFIG)' : ''}`);
  const config = await importConfig(absolute, file);
  return { file, config: checkConfig(config, file) };
}

/**
 * The database URL of a command: the `--database` flag, else the config's `database`, else
 * `$DATABASE_URL`.
 *
 * @throws UsageError when none of them is set.
 */
export function databaseUrl(flag: string | undefined, loaded: LoadedConfig, io: CliIO): string {
  const url = flag ?? loaded.config.database ?? (io.env.DATABASE_URL || undefined);
  if (url === undefined || url === '') {
    throw new UsageError('no database: pass --database URL, set `database` in shipshape.config.*, or set DATABASE_URL');
  }
  return url;
}

// --- internal ---

async function importConfig(absolute: string, file: string): Promise<unknown> {
  let namespace: { default?: unknown };
  try {
    namespace = /\.[cm]?ts$/.test(absolute) && !(process.features as { typescript?: unknown }).typescript ? await importWithJiti(absolute, file) : await import(process.getBuiltinModule('node:url').pathToFileURL(absolute).href);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${file}: cannot load it: ${firstLine(error)}`, { cause: error });
  }
  if (namespace.default === undefined) throw new ConfigError(`${file}: no default export (write \`export default defineConfig({ … })\`)`);
  return namespace.default;
}

async function importWithJiti(absolute: string, file: string): Promise<{ default?: unknown }> {
  let jiti: { createJiti(id: string, options?: object): { import(id: string): Promise<unknown> } };
  try {
    jiti = (await import('jiti' as string)) as typeof jiti;
  } catch (error) {
    throw new ConfigError(
      `${file}: Node ${process.version} cannot load TypeScript by itself: run \`npm install --save-dev jiti\` (or use Node ≥ 22.18, or a .js/.mjs config)`,
      { cause: error },
    );
  }
  return (await jiti.createJiti(import.meta.url, { interopDefault: false }).import(absolute)) as { default?: unknown };
}

function checkConfig(value: unknown, file: string): ShipshapeConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${file}: the default export must be an object (defineConfig({ … })), got ${describe(value)}`);
  }
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${file}: unknown key \`${key}\`: expected one of ${CONFIG_KEYS.map((k) => `\`${k}\``).join(', ')}`);
    }
  }
  for (const key of ['database', 'socket'] as const) {
    if (config[key] !== undefined && (typeof config[key] !== 'string' || config[key] === '')) {
      throw new ConfigError(`${file}: \`${key}\` must be a non-empty string, got ${describe(config[key])}`);
    }
  }
  for (const key of ['probes', 'shutdown', 'admin'] as const) {
    const option = config[key];
    if (option !== undefined && (typeof option !== 'object' || option === null || Array.isArray(option))) {
      throw new ConfigError(`${file}: \`${key}\` must be an object, got ${describe(option)}`);
    }
  }
  const admin = config.admin as Record<string, unknown> | undefined;
  for (const hook of ['find', 'create'] as const) {
    if (admin && typeof admin[hook] !== 'function') throw new ConfigError(`${file}: \`admin.${hook}\` must be a function, got ${describe(admin[hook])}`);
  }
  if (admin?.setPassword !== undefined && typeof admin.setPassword !== 'function') {
    throw new ConfigError(`${file}: \`admin.setPassword\` must be a function, got ${describe(admin.setPassword)}`);
  }
  return config as ShipshapeConfig;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
