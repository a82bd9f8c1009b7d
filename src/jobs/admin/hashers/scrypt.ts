/**
 * scrypt from `node:crypto`, written as passlib's PHC-style string
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (passlib.hash.scrypt: `ln` is log2(N); salt and
 * digest in standard base64 without padding, passlib's `b64s_encode`; 16-byte salt and
 * 32-byte digest, passlib's defaults).
 */
import { b64NoPad, randomBytes, type PasswordHasher } from './hasher.js';

/** OWASP's first scrypt configuration: N=2^17 (128 MiB with r=8), r=8, p=1. */
export const SCRYPT = { log2N: 17, blockSize: 8, parallelism: 1, saltBytes: 16, hashBytes: 32 } as const;

export function scryptHasher(): PasswordHasher {
  const { log2N, blockSize, parallelism } = SCRYPT;
  // scrypt needs 128·N·r bytes; Node refuses anything above `maxmem` (32 MiB by default)
  const maxmem = 2 * 128 * 2 ** log2N * blockSize * parallelism;
  return {
    name: 'scrypt',
    parameters: `ln=${log2N},r=${blockSize},p=${parallelism}`,
    refuse: () => undefined,
    hash(password) {
      const salt = randomBytes(SCRYPT.saltBytes);
      const { scrypt } = process.getBuiltinModule('node:crypto');
      return new Promise((resolve, reject) =>
        scrypt(password, salt, SCRYPT.hashBytes, { N: 2 ** log2N, r: blockSize, p: parallelism, maxmem }, (error, digest) => {
          if (error) reject(error);
          else resolve(`$scrypt$ln=${log2N},r=${blockSize},p=${parallelism}$${b64NoPad(salt)}$${b64NoPad(digest)}`);
        }),
      );
    },
  };
}
