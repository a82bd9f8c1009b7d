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

  markReady(): void {
    this.#ready = true;
  }
  drain(): void {
    this.#draining = true;
  }
  markBroken(reason: unknown): void {
    this.#broken = toReason(reason);
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
