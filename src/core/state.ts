/**
 * The app's own state as the probes see it, beside its checks: starting (until
 * `markReady()` with `manualReady`), draining (after shutdown began), broken
 * (`markBroken(reason)`). Each shows as a failing line named after it.
 */
import type { CheckReport, ProbeName } from './report.js';
import { toReason } from './reason.js';

/** The mutable part of a probes instance. */
export class ProbeState {
  #ready: boolean;
  #draining = false;
  #broken: string | undefined;

  constructor(manualReady: boolean) {
    this.#ready = !manualReady;
  }

  get ready(): boolean {
    return this.#ready;
  }
  get draining(): boolean {
    return this.#draining;
  }
  get broken(): string | undefined {
    return this.#broken;
  }

  /** Each returns whether the state changed (a `state` event for `probes.subscribe()`). */
  markReady(): boolean {
    if (this.#ready) return false;
    this.#ready = true;
    return true;
  }
  drain(): boolean {
    if (this.#draining) return false;
    this.#draining = true;
    return true;
  }
  markBroken(reason: unknown): boolean {
    const broken = toReason(reason);
    if (this.#broken === broken) return false;
    this.#broken = broken;
    return true;
  }

  /** Whether `probe` has a failing state line, without building the lines (every probe request asks). */
  fails(probe: ProbeName): boolean {
    if (probe === 'liveness') return this.#broken !== undefined;
    if (!this.#ready) return true;
    return probe === 'readiness' && (this.#draining || this.#broken !== undefined);
  }

  /**
   * The failing state lines for a probe: liveness fails only when broken; readiness also
   * while starting or draining; startup while starting. Liveness never fails for
   * draining: the pod must not be restarted while it shuts down.
   */
  lines(probe: ProbeName): CheckReport[] {
    const lines: CheckReport[] = [];
    if (probe !== 'liveness' && !this.#ready) lines.push(failing('startup', 'not ready yet'));
    if (probe === 'readiness' && this.#draining) lines.push(failing('shutdown', 'draining'));
    if (probe !== 'startup' && this.#broken !== undefined) lines.push(failing('broken', this.#broken));
    return lines;
  }
}

// --- internal ---

function failing(name: string, reason: string): CheckReport {
  return { name, status: 'fail', excluded: false, reason, time: new Date(), durationMs: 0 };
}
