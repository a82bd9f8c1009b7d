/**
 * Lazy loading of optional peer dependencies (database drivers). The core never imports a
 * driver at module load: a URL check imports it on its first run, from the app's own
 * `node_modules`, and a missing one becomes a {@link DriverMissingError} naming the
 * package to install.
 */
import { DriverMissingError } from '../errors.js';

const cache = new Map<string, Promise<unknown>>();

/**
 * Imports `packageName` once and returns its module namespace; for a CommonJS package
 * `namespace.default` is its `module.exports`. The outcome is remembered, a failure too: a
 * probe every few seconds must not retry a failing `import()` (a resolution walk through
 * `node_modules` each time) for a package that will not appear while the process runs.
 *
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) when the package is not installed.
 */
export function loadDriver<T = unknown>(packageName: string): Promise<T> {
  let loading = cache.get(packageName);
  if (!loading) {
    loading = import(packageName).catch((error: unknown) => {
      throw isMissing(error, packageName) ? new DriverMissingError(packageName, { cause: error }) : error;
    });
    cache.set(packageName, loading);
  }
  return loading as Promise<T>;
}

/** {@link loadDriver} for a CommonJS package: its `module.exports` (the namespace's `default`). */
export async function loadCommonJsDriver<T>(packageName: string): Promise<T> {
  const namespace = await loadDriver<{ default?: T } & T>(packageName);
  return namespace.default ?? namespace;
}

/**
 * {@link loadDriver}'s synchronous twin, for what an app sets up in one call and expects
 * done when it returns (`prometheusMetrics(probes)`): `require()`s `packageName` from
 * shipshape's own place in `node_modules`, where a package manager puts the app's peer
 * dependencies within reach. Called only when such a function is, never at module load.
 *
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) when the package is not installed.
 */
export function requirePeer<T = unknown>(packageName: string): T {
  const { createRequire } = process.getBuiltinModule('node:module');
  try {
    return createRequire(import.meta.url)(packageName) as T;
  } catch (error) {
    throw isMissing(error, packageName) ? new DriverMissingError(packageName, { cause: error }) : error;
  }
}

// --- internal ---

/** Only the package itself missing, not one of its own dependencies. */
function isMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${packageName}'`);
}
