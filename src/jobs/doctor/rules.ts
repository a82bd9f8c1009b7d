/**
 * The rules of `doctor` (SPEC §5), their levels, and running them over the app's
 * containers. Each rule is a function of one container and the app that returns what it
 * found: the field concerned and a one-line message that says what to change.
 */
import type { App } from './app.js';
import type { ContainerView } from './containers.js';
import type { FieldPath } from './manifests.js';
import { GRPC_RULES } from './rules-grpc.js';
import { PROBE_RULES } from './rules-probes.js';
import { SHUTDOWN_RULES } from './rules-shutdown.js';

/** Every rule and its level, in the order findings are listed. */
export const RULES = {
  'probe-timeout': 'error',
  'liveness-checks-dependencies': 'error',
  'same-probe': 'warn',
  'grace-period': 'error',
  'grace-period-setting': 'warn',
  'double-delay': 'warn',
  'no-readiness': 'warn',
  'no-startup': 'warn',
  'unknown-path': 'error',
  'unknown-port': 'error',
  'exec-probe-cost': 'warn',
  'grpc-probe-port': 'error',
  'grpc-probe-service': 'error',
  'prestop-exec-sleep': 'warn',
  'probe-grace-period': 'warn',
} as const;

export type RuleId = keyof typeof RULES;
export type Level = (typeof RULES)[RuleId];

/** What a rule reports about one container. */
export interface RuleResult {
  readonly rule: RuleId;
  /** The field the finding is about (its line goes into `--json`). */
  readonly at: FieldPath;
  readonly message: string;
}

/** A rule: one container of the app in, what is wrong with it out. */
export type Rule = (container: ContainerView, app: App) => Iterable<RuleResult>;

/** One finding, as printed and as `--json` lists it. */
export interface Finding {
  readonly level: Level;
  readonly rule: RuleId;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | null;
  readonly container: string;
  readonly message: string;
  readonly file: string;
  readonly line: number | null;
}

/** Runs every rule over one container of the app; findings in {@link RULES} order. */
export function checkContainer(container: ContainerView, app: App): Finding[] {
  const { workload } = container;
  const results = [...PROBE_RULES, ...GRPC_RULES, ...SHUTDOWN_RULES].flatMap((rule) => [...rule(container, app)]);
  const order = Object.keys(RULES);
  results.sort((a, b) => order.indexOf(a.rule) - order.indexOf(b.rule));
  return results.map(({ rule, at, message }) => ({
    level: RULES[rule],
    rule,
    kind: workload.kind,
    name: workload.name,
    namespace: workload.namespace ?? null,
    container: container.name,
    message,
    file: workload.file,
    line: workload.lineOf(at) ?? null,
  }));
}
