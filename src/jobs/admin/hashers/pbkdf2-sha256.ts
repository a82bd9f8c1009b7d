/**
 * PBKDF2-HMAC-SHA256 from `node:crypto`, in Django's format
 * `pbkdf2_sha256$<iterations>$<salt>$<hash>` (django.contrib.auth.hashers
 * PBKDF2PasswordHasher: a 22-character alphanumeric salt, 128 bits of entropy, used as its
 * ASCII bytes; a 32-byte digest in standard base64 with padding). passlib reads it as
 * `django_pbkdf2_sha256`.
 */
import { UsageError } from '../../../core/errors.js';
import { randomBytes, type PasswordHasher } from './hasher.js';

/** OWASP's PBKDF2-HMAC-SHA256 work factor: 600,000 iterations or more. */
export const PBKDF2_OWASP_ITERATIONS = 600_000;

/**
 * Django's PBKDF2PasswordHasher.iterations in its current release, 6.1 (August 2026):
 * 1,500,000 (6.0: 1,200,000; 5.2: 1,000,000). Django re-hashes a password at the next
 * login whenever the stored count differs, so an older Django accepts this hash, and a
 * newer one upgrades it.
 */
export const DJANGO_ITERATIONS = 1_500_000;

/** Django's salt alphabet (django.utils.crypto.RANDOM_STRING_CHARS). */
const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** ceil(128 / log2(62)): Django's salt_entropy of 128 bits. */
const SALT_LENGTH = 22;
const DIGEST_BYTES = 32;

export function pbkdf2Sha256Hasher(iterations: number = PBKDF2_OWASP_ITERATIONS): PasswordHasher {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new UsageError(`--iterations must be a positive whole number, got ${iterations}`);
  return {
    name: 'pbkdf2_sha256',
    parameters: `${iterations} iterations`,
    refuse: () => undefined,
    hash(password) {
      const salt = randomSalt();
      const { pbkdf2 } = process.getBuiltinModule('node:crypto');
      return new Promise((resolve, reject) =>
        pbkdf2(password, salt, iterations, DIGEST_BYTES, 'sha256', (error, digest) => {
          if (error) reject(error);
          else resolve(`pbkdf2_sha256$${iterations}$${salt}$${digest.toString('base64')}`);
        }),
      );
    },
  };
}

// --- internal ---

/** 22 characters of SALT_CHARS, unbiased: bytes ≥ 248 (4·62) are drawn again. */
function randomSalt(): string {
  let salt = '';
  while (salt.length < SALT_LENGTH) {
    for (const byte of randomBytes(SALT_LENGTH * 2)) {
      if (byte < 248 && salt.length < SALT_LENGTH) salt += SALT_CHARS[byte % SALT_CHARS.length];
    }
  }
  return salt;
}
