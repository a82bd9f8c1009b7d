/**
 * The password hashers of `ensureadmin --table`/`--preset django`: one file per algorithm
 * behind this tiny interface, each loaded only when named, so that a Job that hashes with
 * scrypt never imports argon2's native binding.
 *
 * Parameters follow the OWASP Password Storage Cheat Sheet (argon2id m=19 MiB t=2 p=1,
 * scrypt N=2^17 r=8 p=1, bcrypt cost ≥ 10, PBKDF2-HMAC-SHA256 ≥ 600,000):
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 */

/** A hasher's name, as `--hasher` takes it. */
export type HasherName = 'argon2id' | 'bcrypt' | 'scrypt' | 'pbkdf2_sha256';

/** Every `--hasher` value, in the order the help lists them. */
export const HASHER_NAMES: readonly HasherName[] = ['argon2id', 'bcrypt', 'scrypt', 'pbkdf2_sha256'];

/** Turns a password into the string the app's verifier reads. */
export interface PasswordHasher {
  readonly name: HasherName;
  /** The parameters it writes, for messages ("m=19456,t=2,p=1"). */
  readonly parameters: string;
  /**
   * Why this password cannot be hashed faithfully (bcrypt reads only 72 bytes), or
   * `undefined`. Checked even with `--no-validate`: a truncated password is not the one
   * the admin was given.
   */
  refuse(password: string): string | undefined;
  /** The encoded hash: algorithm, parameters, salt and digest in one string. */
  hash(password: string): Promise<string>;
}

/** Options a hasher takes from the command line. */
export interface HasherOptions {
  /** PBKDF2 iterations (`--iterations`). */
  readonly iterations?: number | undefined;
}

/**
 * The hasher `name`, its module (and its library, for argon2 and bcrypt) imported now.
 *
 * @throws DriverMissingError (exit 2) naming the package(s) to install.
 */
export async function loadHasher(name: HasherName, options: HasherOptions = {}): Promise<PasswordHasher> {
  switch (name) {
    case 'argon2id':
      return (await import('./argon2id.js')).argon2idHasher();
    case 'bcrypt':
      return (await import('./bcrypt.js')).bcryptHasher();
    case 'scrypt':
      return (await import('./scrypt.js')).scryptHasher();
    case 'pbkdf2_sha256':
      return (await import('./pbkdf2-sha256.js')).pbkdf2Sha256Hasher(options.iterations);
  }
}

/** Standard base64 without padding: the PHC string format's encoding (and passlib's). */
export function b64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/** `length` cryptographically random bytes. */
export function randomBytes(length: number): Buffer {
  return process.getBuiltinModule('node:crypto').randomBytes(length);
}
