/**
 * The shutdown rules: the pod's grace period and preStop hook against the app's
 * `gracefulShutdown` settings.
 *
 * Semantics, from the Kubernetes docs (Pod Lifecycle, "Termination of Pods"; Container
 * Lifecycle Hooks): the grace period (`terminationGracePeriodSeconds`, default 30) starts
 * when termination starts, before the preStop hook runs; SIGTERM comes once the hook has
 * finished; SIGKILL at the end of the grace period (plus a one-off 2 s if the hook is
 * still running). So the preStop time and all of the app's shutdown must fit in it.
 */
import type { App } from './app.js';
import type { ContainerView } from './containers.js';
import type { Rule } from './rules.js';

const gracePeriod: Rule = function* (container, app) {
  const { delayMs, timeoutMs, hooks, hookTimeoutMs } = app.shutdown;
  const preStopMs = container.preStopSleepSeconds * 1000;
  const neededMs = preStopMs + app.shutdownBudgetMs;
  const graceMs = container.gracePeriodSeconds * 1000;
  if (graceMs >= neededMs) return;
  if (!Number.isFinite(preStopMs)) {
    yield { rule: 'grace-period', at: container.preStopPath, message: 'the preStop hook sleeps forever (sleep infinity): the app gets SIGTERM only when the grace period is over, two seconds before the SIGKILL; sleep a fixed time' };
    return;
  }
  const parts = [
    ...(preStopMs > 0 ? [`preStop sleep ${container.preStopSleepSeconds} s`] : []),
    `delayMs ${delayMs}`,
    `timeoutMs ${timeoutMs}`,
    ...(hooks.length > 0 ? [`${hooks.length} × hookTimeoutMs ${hookTimeoutMs}`] : []),
  ];
  yield {
    rule: 'grace-period',
    at: graceAt(container),
    message: `${graceWords(container)} is shorter than ${parts.join(' + ')} = ${neededMs} ms: Kubernetes would SIGKILL the app mid-shutdown; set it to ${Math.ceil(neededMs / 1000)} or shorten the shutdown`,
  };
};

const gracePeriodSetting: Rule = function* (container, app) {
  const availableMs = (container.gracePeriodSeconds - container.preStopSleepSeconds) * 1000;
  const { gracePeriodMs } = app.shutdown;
  if (!app.gracePeriodMsSet || gracePeriodMs <= availableMs) return;
  const preStop = container.preStopSleepSeconds > 0 ? ` minus its preStop sleep ${container.preStopSleepSeconds} s` : '';
  yield {
    rule: 'grace-period-setting',
    at: graceAt(container),
    message: `shutdown.gracePeriodMs ${gracePeriodMs} ms is more than the ${availableMs} ms the pod gives the app (${graceWords(container)}${preStop}): the app's own start-up warning checks the wrong budget; set gracePeriodMs to ${Math.max(availableMs, 0)}`,
  };
};

const doubleDelay: Rule = function* (container, app) {
  const { delayMs } = app.shutdown;
  if (container.preStopSleepSeconds === 0 || delayMs === 0) return;
  yield {
    rule: 'double-delay',
    at: container.preStopPath,
    message: `the preStop hook sleeps ${container.preStopSleepSeconds} s and the app waits delayMs ${delayMs} ms after SIGTERM too: the pod waits twice for the same thing; remove the preStop sleep, or set shutdown.delayMs to 0`,
  };
};

/** The shutdown rules, in {@link RULES} order. */
export const SHUTDOWN_RULES: readonly Rule[] = [gracePeriod, gracePeriodSetting, doubleDelay];

// --- internal ---

function graceAt(container: ContainerView): readonly (string | number)[] {
  return [...container.workload.podPath, 'terminationGracePeriodSeconds'];
}

function graceWords(container: ContainerView): string {
  return `terminationGracePeriodSeconds ${container.gracePeriodSeconds} s${container.gracePeriodSet ? '' : ' (the default)'}`;
}
