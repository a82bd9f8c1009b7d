/**
 * What a name in a `grpc.health.v1` request means, and its status, from the same checks and
 * runners as the HTTP probes (SPEC §8): `""` and `readiness` are the readiness probe,
 * `liveness` and `startup` theirs, and a check's name is that check alone. A probe that
 * passes, or a check that passes or only warns, is `SERVING`; anything else `NOT_SERVING`.
 * Readiness includes the state lines (`not ready yet`, `draining`, `broken`) as `/readyz`
 * does, so it is `NOT_SERVING` from `drain()` on; a check alone does not.
 */
import type { ProbesInternals } from '../core/probes.js';
import { RESERVED_CHECK_NAMES } from '../core/registry.js';
import type { CheckStatus } from '../core/check.js';
import type { ProbeName } from '../core/report.js';
import type { ServingStatus } from './types.js';

/** A known service's status: `SERVICE_UNKNOWN` and `UNKNOWN` are never the answer for one. */
export type KnownStatus = Extract<ServingStatus, 'SERVING' | 'NOT_SERVING'>;

/** The service names that stand for a probe. A check with one of these names is reached through no other. */
export const PROBE_SERVICES: ReadonlyMap<string, ProbeName> = new Map([
  ['', 'readiness'],
  ['readiness', 'readiness'],
  ['liveness', 'liveness'],
  ['startup', 'startup'],
]);

/**
 * The probes searched, in order, for a check's name: the same name in two probes with two
 * different checks answers with the first.
 */
const CHECK_ORDER: readonly ProbeName[] = ['readiness', 'liveness', 'startup'];

/**
 * The most names `List` returns: "The maximum number of services to return is 100; responses
 * exceeding this limit will result in a RESOURCE_EXHAUSTED error" (health.proto).
 */
export const MAX_LIST_SIZE = 100;

/** Runs what `service` stands for and resolves to its status, or to `undefined` for a name that is no probe and no check. */
export async function serviceStatus(probes: ProbesInternals, service: string): Promise<KnownStatus | undefined> {
  const probe = PROBE_SERVICES.get(service);
  if (probe !== undefined) return toServing((await probes.check(probe)).status);
  for (const group of CHECK_ORDER) {
    // a probe that does not list the name answers at once, without running anything
    const check = await probes.checkOne(group, service);
    if (check) return toServing(check.status);
  }
  return undefined;
}

/**
 * Every name and its status, for `List`: the three probes run at once (a check they share
 * runs once), and each check takes its status from the first probe that lists it.
 */
export async function listStatuses(probes: ProbesInternals): Promise<Map<string, KnownStatus>> {
  const reports = await Promise.all(CHECK_ORDER.map((probe) => probes.check(probe)));
  const statuses = new Map<string, KnownStatus>();
  for (const [name, probe] of PROBE_SERVICES) {
    statuses.set(name, toServing(reports[CHECK_ORDER.indexOf(probe)]!.status));
  }
  for (const report of reports) {
    for (const check of report.checks) {
      // the state lines (`startup`, `shutdown`, `broken`) are part of a probe, not checks
      if (RESERVED_CHECK_NAMES.includes(check.name) || statuses.has(check.name)) continue;
      statuses.set(check.name, toServing(check.status));
    }
  }
  return statuses;
}

// --- internal ---

function toServing(status: CheckStatus): KnownStatus {
  return status === 'fail' ? 'NOT_SERVING' : 'SERVING';
}
