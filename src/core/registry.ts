/**
 * Turns the `liveness` / `readiness` / `startup` options into check runners, validating
 * each check at construction. A check that appears under the same name in two probes
 * (startup defaults to the readiness checks) shares one runner, so one in-flight run
 * serves both.
 */
import { CHECK_NAME, CHECK_SPEC_KEYS, type Check, type CheckSpec } from './check.js';
import { InvalidOptionError } from './errors.js';
import type { Subscribers } from './events.js';
import type { Logger } from './logger.js';
import { describe, expectBoolean, expectInterval, expectKnownKeys, expectNonNegativeNumber, expectPositiveNumber } from './options.js';
import { CheckRunner } from './runner.js';

/** Names of the built-in state lines (`[-]startup failed: not ready yet`, …); no check may take them. */
export const RESERVED_CHECK_NAMES: readonly string[] = ['startup', 'shutdown', 'broken'];

/** A check as a probe holds it. */
export interface RegisteredCheck {
  readonly name: string;
  readonly runner: CheckRunner;
}

/** The probe-wide settings a check without its own falls back to. */
export interface CheckDefaults {
  readonly timeoutMs: number;
  readonly cacheMs: number;
  readonly intervalMs: number;
  readonly critical: boolean;
}

/** What every group shares while it is built. */
export interface RegistryContext {
  readonly defaults: CheckDefaults;
  readonly logger: Logger | undefined;
  /** Who hears of every finished run (`probes.subscribe()`). */
  readonly subscribers?: Subscribers | undefined;
  /** Runners by check and name, to share them between probes. */
  readonly runners: Map<Check, Map<string, CheckRunner>>;
  /**
   * Every check spec that has a `close()`, once each: the same spec under two names (or in
   * two probes) gets two runners but is closed once.
   */
  readonly closable: Set<CheckSpec>;
}

/** Validates one group's checks and returns their runners in declaration order. */
export function registerGroup(group: string, input: unknown, context: RegistryContext): RegisteredCheck[] {
  if (input === undefined) return [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidOptionError(`Expected \`${group}\` to be an object of named checks, got ${describe(input)}`);
  }
  return Object.entries(input).map(([name, check]) => ({ name, runner: runnerFor(group, name, check, context) }));
}

// --- internal ---

function runnerFor(group: string, name: string, check: unknown, context: RegistryContext): CheckRunner {
  if (!CHECK_NAME.test(name)) {
    throw new InvalidOptionError(`Expected check names in \`${group}\` to match [A-Za-z0-9._/-]+, got ${describe(name)}`);
  }
  if (RESERVED_CHECK_NAMES.includes(name)) {
    throw new InvalidOptionError(`The check name \`${name}\` in \`${group}\` is reserved: ${RESERVED_CHECK_NAMES.join(', ')} name shipshape's own state lines`);
  }
  const spec = toSpec(`${group}.${name}`, check);
  // A name is a check's identity outside its probe: the snapshot, events, metrics labels and
  // gRPC service names key on it, so one name cannot stand for two different checks.
  for (const [other, names] of context.runners) {
    if (other !== spec && names.has(name)) {
      throw new InvalidOptionError(
        `The check name \`${name}\` in \`${group}\` names another check already: give it another name, or pass the same check (one variable) to every probe that lists it`,
      );
    }
  }
  const byName = context.runners.get(spec) ?? new Map<string, CheckRunner>();
  context.runners.set(spec, byName);
  let runner = byName.get(name);
  if (!runner) {
    const { defaults } = context;
    runner = new CheckRunner({
      name,
      run: spec.run,
      timeoutMs: spec.timeoutMs ?? defaults.timeoutMs,
      cacheMs: spec.cacheMs ?? defaults.cacheMs,
      intervalMs: spec.intervalMs ?? defaults.intervalMs,
      critical: spec.critical ?? defaults.critical,
      logger: context.logger,
      subscribers: context.subscribers,
    });
    byName.set(name, runner);
    if (spec.close) context.closable.add(spec);
  }
  return runner;
}

const specs = new WeakMap<object, CheckSpec>();

function toSpec(where: string, check: unknown): CheckSpec {
  if (typeof check === 'function') {
    // one spec object per function, so the same function shares its runner
    const known = specs.get(check);
    if (known) return known;
    const spec: CheckSpec = { run: check as CheckSpec['run'] };
    specs.set(check, spec);
    return spec;
  }
  if (typeof check !== 'object' || check === null || typeof (check as CheckSpec).run !== 'function') {
    throw new InvalidOptionError(
      `Expected \`${where}\` to be a check: an async function or { run, timeoutMs, critical, cacheMs, intervalMs }, got ${describe(check)}`,
    );
  }
  expectKnownKeys(where, check, CHECK_SPEC_KEYS);
  const spec = check as CheckSpec;
  if (spec.timeoutMs !== undefined) expectPositiveNumber(`${where}.timeoutMs`, spec.timeoutMs);
  if (spec.cacheMs !== undefined) expectNonNegativeNumber(`${where}.cacheMs`, spec.cacheMs);
  if (spec.intervalMs !== undefined) expectInterval(`${where}.intervalMs`, spec.intervalMs);
  if (spec.critical !== undefined) expectBoolean(`${where}.critical`, spec.critical);
  if (spec.close !== undefined && typeof spec.close !== 'function') {
    throw new InvalidOptionError(`Expected \`${where}.close\` to be a function, got ${describe(spec.close)}`);
  }
  return spec;
}
