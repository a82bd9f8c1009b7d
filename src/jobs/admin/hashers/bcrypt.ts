/**
 * bcrypt through the app's own library: `bcrypt` (native, prebuilt binaries) or else
 * `bcryptjs` (pure JavaScript), both optional peer dependencies; both write `$2b$` strings.
 *
 * bcrypt reads at most 72 bytes of a password and stops at a NUL byte, so a longer one
 * would be stored as a different, shorter password: it is refused rather than truncated
 * (OWASP: "a password limit of 72 bytes").
 */
import { DriverMissingError, isShipshapeError } from '../../../core/errors.js';
import { loadDriver } from '../../../core/internal/load-driver.js';
import type { PasswordHasher } from './hasher.js';

/** The cost (log2 of the rounds): OWASP asks for 10 or more; 12 is Django's and Laravel's default. */
export const BCRYPT_COST = 12;

/** bcrypt's input limit, in UTF-8 bytes. */
export const BCRYPT_MAX_BYTES = 72;

/** What `bcrypt` and `bcryptjs` have in common. */
interface BcryptModule {
  hash(password: string, rounds: number): Promise<string>;
}

export async function bcryptHasher(): Promise<PasswordHasher> {
  const bcrypt = await loadBcrypt();
  return {
    name: 'bcrypt',
    parameters: `cost ${BCRYPT_COST}`,
    refuse(password) {
      if (password.includes('\0')) return 'bcrypt cannot hash a password that contains a NUL character';
      const bytes = Buffer.byteLength(password, 'utf8');
      if (bytes > BCRYPT_MAX_BYTES) return `bcrypt reads only the first ${BCRYPT_MAX_BYTES} bytes of a password, and this one has ${bytes}: use a shorter one, or --hasher argon2id`;
      return undefined;
    },
    async hash(password) {
      const encoded = await bcrypt.hash(password, BCRYPT_COST);
      // Both libraries write $2b$ today. A $2a$ string (bcryptjs 2) hashes the same bytes
      // for passwords under 255 bytes (the 2b fix is about longer ones), and 72 is the limit
      if (!/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(encoded)) throw new Error('the bcrypt library returned an unexpected string');
      return encoded.replace(/^\$2[ay]\$/, '$2b$');
    },
  };
}

// --- internal ---

async function loadBcrypt(): Promise<BcryptModule> {
  for (const name of ['bcrypt', 'bcryptjs']) {
    try {
      const module = await loadDriver<Partial<BcryptModule> & { default?: BcryptModule }>(name);
      return (module.hash ? module : module.default) as BcryptModule;
    } catch (error) {
      if (!(isShipshapeError(error) && error.code === 'SHIPSHAPE_DRIVER_MISSING')) throw error;
    }
  }
  const missing = new DriverMissingError('bcrypt');
  missing.message = 'neither "bcrypt" nor "bcryptjs" is installed: run `npm install bcrypt` (native) or `npm install bcryptjs` (pure JavaScript)';
  throw missing;
}
