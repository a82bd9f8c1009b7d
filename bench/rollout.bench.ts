// Issue #6: a rollout behind a readiness-following balancer under 20 keep-alive clients
// (requests of 50–300 ms): SIGTERM to one of two instances. Target: 0 failed requests.
// Prints, per framework, the failed requests and the time from SIGTERM to the process's exit
// (delayMs 1000 + the drain; the rest of shutdown is a few milliseconds).
import { ROLLOUT_APPS, runRollout } from '../test/_helpers/rollout.js';

export default async function rollout(): Promise<void> {
  const delayMs = Number(process.env.BENCH_DELAY_MS ?? 1000);
  let failures = 0;
  for (const app of ROLLOUT_APPS) {
    const result = await runRollout(app, { delayMs, timeoutMs: 5000, warmMs: 2000, afterMs: 1000 });
    failures += result.failures;
    console.log(
      `rollout ${app}: ${result.requests} requests, ${result.failures} failed, ${result.retries} balancer retries, ` +
        `SIGTERM → exit ${Math.round(result.signalToExitMs)} ms (delayMs ${delayMs}), exit code ${result.exitCode}`,
    );
  }
  console.log(`target 0 failed requests: ${failures === 0 ? 'met' : `NOT met (${failures})`}`);
}
