/**
 * Type tests of `shipshape/jobs`, checked by `npm run typecheck` (never run): what must
 * compile, and misuse that must not (`@ts-expect-error` fails the type check if the line
 * compiles).
 */
import { checkManifests, ensureAdmin, waitFor, withMigrationLock, type EnsureAdminResult, type ManifestFinding, type WaitProgress } from '../../src/jobs/index.js';

declare const url: string;

const waited: Promise<void> = waitFor([url, 'redis://cache:6379'], { timeoutMs: 60_000, stableMs: 2000, signal: AbortSignal.timeout(1000), onProgress: (event: WaitProgress) => void event.target });
void waited;
// @ts-expect-error — targets are a list
void waitFor(url);
// @ts-expect-error — durations are milliseconds
void waitFor([url], { timeoutMs: '60s' });

// withMigrationLock resolves to what fn returns
const count: Promise<number> = withMigrationLock(url, async (signal: AbortSignal) => (signal.aborted ? 0 : 1), { lockId: 1000n, onWait: ({ holder }) => void holder });
void count;
void withMigrationLock(url, () => 'sync', { lockId: 7 });
// @ts-expect-error — the lock id is a number or a bigint
void withMigrationLock(url, () => 1, { lockId: '1000' });

const result: Promise<EnsureAdminResult> = ensureAdmin({ username: 'admin', password: 'pw', database: url, table: 'users', hasher: 'argon2id', set: { role: 'admin', is_staff: true } });
void result.then(({ created, updated }) => created || updated);
// @ts-expect-error — the password is required
void ensureAdmin({ username: 'admin', hooks: { find: () => null, create: () => {} } });
// @ts-expect-error — no such hasher
void ensureAdmin({ username: 'admin', password: 'pw', table: 'users', hasher: 'md5' });

const findings: Promise<ManifestFinding[]> = checkManifests('kind: Pod', { shutdown: { delayMs: 5000 } });
void findings.then((list) => list.map((finding) => `${finding.level} ${finding.rule} ${finding.line ?? ''}`));
// @ts-expect-error — findings of checkManifests have no file
void findings.then((list) => list[0]?.file);
