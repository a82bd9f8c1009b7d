/**
 * Where `ensureadmin` keeps the admin user: the config file's `admin` hooks (the app's own
 * ORM and hasher), or a SQL table (`sql-store.ts`). Both answer the same three questions.
 */
import type { AdminHooks, AdminUser } from '../../core/config.js';

export type { AdminUser } from '../../core/config.js';

/** A place admin users live in. */
export interface AdminStore {
  /** Whether a user with this username exists. */
  exists(username: string, signal: AbortSignal): Promise<boolean>;
  /**
   * Creates the user unless one with its username exists, atomically: resolves to `true`
   * when this call created it, `false` when it existed (or another run created it first).
   */
  create(user: AdminUser, signal: AbortSignal): Promise<boolean>;
  /** Sets the password of the user; resolves to `false` when there is no such user. */
  setPassword(user: AdminUser, signal: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The config file's hooks as a store. `create` is the app's: `ensureadmin` calls it only
 * when `find` found nobody, but two Jobs may both have found nobody, so it must be safe to
 * run twice at once (a unique username, and an insert that ignores the conflict or a
 * transaction that rechecks). When `create` throws, `find` is asked again: a user that
 * exists now was created by a concurrent run, and that is success.
 */
export function hooksStore(hooks: AdminHooks): AdminStore {
  const exists = async (username: string): Promise<boolean> => Boolean(await hooks.find(username));
  return {
    exists,
    async create(user) {
      try {
        await hooks.create(user);
        return true;
      } catch (error) {
        if (await exists(user.username).catch(() => false)) return false;
        throw error;
      }
    },
    async setPassword(user) {
      if (!hooks.setPassword) throw new TypeError('`admin.setPassword` is not defined');
      if (!(await exists(user.username))) return false;
      await hooks.setPassword(user);
      return true;
    },
    close: async () => {},
  };
}
