/**
 * argon2id through the app's own `argon2` package (an optional peer dependency, with
 * prebuilt binaries inside the package), written as the reference PHC string
 * `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 *
 * Why the string is built here rather than taken from `argon2.hash()`: the npm package
 * (0.4x) writes its parameters as `m=…,p=…,t=…`, while the reference implementation
 * (phc-winner-argon2's `encode_string`) writes `m=…,t=…,p=…`, and readers that parse the
 * fields in that order — argon2-cffi (Django's Argon2PasswordHasher), passlib — reject the
 * npm order, so an admin created for a Python app could never log in. The raw digest is
 * asked for instead, and encoded in the reference order, which every reader accepts.
 */
import { loadDriver } from '../../../core/internal/load-driver.js';
import { b64NoPad, randomBytes, type PasswordHasher } from './hasher.js';

/** OWASP's first argon2id configuration: 19 MiB, 2 iterations, 1 lane; 16-byte salt, 32-byte digest. */
export const ARGON2ID = { memoryKiB: 19_456, iterations: 2, parallelism: 1, saltBytes: 16, hashBytes: 32 } as const;

/** The reference implementation's version 1.3, the only one readers expect today. */
const VERSION = 0x13;

/** The parts of the `argon2` package used here. */
interface Argon2Module {
  readonly argon2id: number;
  hash(
    password: string,
    options: { type: number; memoryCost: number; timeCost: number; parallelism: number; hashLength: number; salt: Buffer; version: number; raw: true },
  ): Promise<Buffer>;
}

export async function argon2idHasher(): Promise<PasswordHasher> {
  const module = await loadDriver<Partial<Argon2Module> & { default?: Argon2Module }>('argon2');
  const argon2 = (module.hash ? module : module.default) as Argon2Module;
  const { memoryKiB, iterations, parallelism } = ARGON2ID;
  const parameters = `m=${memoryKiB},t=${iterations},p=${parallelism}`;
  return {
    name: 'argon2id',
    parameters,
    refuse: () => undefined,
    async hash(password) {
      const salt = randomBytes(ARGON2ID.saltBytes);
      const digest = await argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: memoryKiB,
        timeCost: iterations,
        parallelism,
        hashLength: ARGON2ID.hashBytes,
        salt,
        version: VERSION,
        raw: true,
      });
      return `$argon2id$v=${VERSION}$${parameters}$${b64NoPad(salt)}$${b64NoPad(digest)}`;
    },
  };
}
