/**
 * The shutdown rules: the pod's grace period and preStop hook against the app's
 * `gracefulShutdown` settings.
 *
 * Semantics, from the Kubernetes docs (Pod Lifecycle, "Termination of Pods"; Container
 * Lifecycle Hooks): the grace period (`terminationGracePeriodSeconds`, default 30) starts
 * when termination starts, before the preStop hook runs; SIGTERM comes once the hook has
 * finished; SIGKILL at the end of the grace period (plus a one-off 2 s if the hook is
 * still running). So the preStop time and all of the app's shutdown must fit in it. A
 * liveness or startup probe's own `terminationGracePeriodSeconds` (Kubernetes 1.28+) replaces
 * the pod's when that probe's failure kills the container, preStop hook included.
 *
 * A preStop hook is an `exec` command (run in the container's image), an `httpGet`, or the
 * `sleep` action (KEP-3960: alpha in 1.29, on by default from 1.30, GA in 1.34), which the
 * kubelet carries out itself; when an `exec` hook fails (no `sleep` binary in a distroless
 * image), the kubelet records `FailedPreStopHook` and goes on to SIGTERM.
 */
import type { App } from './app.js';
import type { ContainerView } from './containers.js';
import type { Rule } from './rules.js';

const gracePeriod: Rule = function* (container, app) {
  const { neededMs, sum } = shutdownNeeds(container, app);
  if (container.gracePeriodSeconds * 1000 >= neededMs) return;
  if (!Number.isFinite(neededMs)) {
    yield { rule: 'grace-period', at: container.preStopPath, message: 'the preStop hook sleeps forever (sleep infinity): the app gets SIGTERM only when the grace period is over, two seconds before the SIGKILL; sleep a fixed time' };
    return;
  }
  yield {
    rule: 'grace-period',
    at: graceAt(container),
    message: `${graceWords(container)} is shorter than ${sum}: Kubernetes would SIGKILL the app mid-shutdown; set it to ${Math.ceil(neededMs / 1000)} or shorten the shutdown`,
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

const preStopExecSleep: Rule = function* (container) {
  const hook = container.preStopExecSleep;
  const seconds = container.preStopSleepSeconds;
  // a hook that does more than sleep cannot become the sleep action; `sleep infinity` is grace-period's
  if (!hook?.sleepOnly || !Number.isFinite(seconds)) return;
  yield {
    rule: 'prestop-exec-sleep',
    at: [...container.preStopPath, 'exec'],
    message:
      `the preStop hook runs \`${hook.command.map(shellQuoted).join(' ')}\` through exec, which needs a sleep binary (and a shell, for sh -c) in the image: a distroless image has neither, ` +
      `the hook fails and the app gets SIGTERM without the sleep; use Kubernetes' sleep action (GA in 1.34), which needs nothing in the image: lifecycle.preStop: { sleep: { seconds: ${Math.ceil(seconds)} } }`,
  };
};

const probeGracePeriod: Rule = function* (container, app) {
  const { neededMs, sum } = shutdownNeeds(container, app);
  if (!Number.isFinite(neededMs)) return; // sleep infinity: grace-period says so
  for (const field of ['livenessProbe', 'startupProbe'] as const) {
    const view = container.probes[field];
    const seconds = view?.terminationGracePeriodSeconds;
    if (!view || seconds === undefined || seconds * 1000 >= neededMs) continue;
    const failing = field === 'livenessProbe' ? 'failing liveness' : 'failing its startup probe';
    yield {
      rule: 'probe-grace-period',
      at: [...view.path, 'terminationGracePeriodSeconds'],
      message:
        `${field}.terminationGracePeriodSeconds ${seconds} s is shorter than ${sum}: a pod killed for ${failing} gets no drain, Kubernetes SIGKILLs the app mid-shutdown and its requests in flight are cut; ` +
        `set it to ${Math.ceil(neededMs / 1000)} or remove it (the pod's terminationGracePeriodSeconds then applies)`,
    };
  }
};

/** The shutdown rules, in {@link RULES} order. */
export const SHUTDOWN_RULES: readonly Rule[] = [gracePeriod, gracePeriodSetting, doubleDelay, preStopExecSleep, probeGracePeriod];

// --- internal ---

/**
 * What the container's shutdown takes, preStop sleep included (the grace period, the pod's or
 * a probe's own, starts before the preStop hook runs), and the sum in words for messages:
 * `preStop sleep 10 s + delayMs 5000 + timeoutMs 20000 + 1 × hookTimeoutMs 5000 = 40000 ms`.
 */
function shutdownNeeds(container: ContainerView, app: App): { readonly neededMs: number; readonly sum: string } {
  const { delayMs, timeoutMs, hooks, hookTimeoutMs } = app.shutdown;
  const preStopMs = container.preStopSleepSeconds * 1000;
  const neededMs = preStopMs + app.shutdownBudgetMs;
  const parts = [
    ...(preStopMs > 0 ? [`preStop sleep ${container.preStopSleepSeconds} s`] : []),
    `delayMs ${delayMs}`,
    `timeoutMs ${timeoutMs}`,
    ...(hooks.length > 0 ? [`${hooks.length} × hookTimeoutMs ${hookTimeoutMs}`] : []),
  ];
  return { neededMs, sum: `${parts.join(' + ')} = ${neededMs} ms` };
}

/** A word as a shell would need it written: `sleep`, `"sleep 5"`. */
function shellQuoted(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}

function graceAt(container: ContainerView): readonly (string | number)[] {
  return [...container.workload.podPath, 'terminationGracePeriodSeconds'];
}

function graceWords(container: ContainerView): string {
  return `terminationGracePeriodSeconds ${container.gracePeriodSeconds} s${container.gracePeriodSet ? '' : ' (the default)'}`;
}
