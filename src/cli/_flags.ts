/**
 * Flag parsing for every command: `node:util` `parseArgs` in strict mode, its errors turned
 * into one short line (a `UsageError`, exit 2), and durations read once, here, from seconds
 * into milliseconds.
 */
import type { ParseArgsConfig, parseArgs as ParseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';

/** The option table of a command, as `parseArgs` takes it. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseFlags} returns: typed values, positionals, and what came after `--`. */
export interface ParsedFlags<T extends FlagOptions> {
  readonly values: ReturnType<typeof ParseArgs<{ options: T; strict: true; allowPositionals: true }>>['values'];
  readonly positionals: readonly string[];
  /** The arguments after `--`. */
  readonly rest: readonly string[];
  /** Whether `--` was given. */
  readonly hasRest: boolean;
}

/**
 * Parses `argv` strictly against `options`. Positionals are refused unless
 * `allowPositionals`; everything after `--` is returned apart, as `rest` (`lockedmigrate`'s
 * COMMAND).
 *
 * @throws UsageError naming the flag that is unknown, lacks its value or takes none. A
 *   stray argument is not echoed: it may be a password typed in the wrong place.
 */
export function parseFlags<const T extends FlagOptions>(argv: readonly string[], options: T, allowPositionals = false): ParsedFlags<T> {
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? [...argv] : argv.slice(0, dashes);
  const rest = dashes === -1 ? [] : argv.slice(dashes + 1);
  try {
    const { parseArgs } = process.getBuiltinModule('node:util');
    const parsed = parseArgs({ args: own, options, strict: true, allowPositionals });
    return { values: parsed.values as ParsedFlags<T>['values'], positionals: parsed.positionals, rest, hasRest: dashes !== -1 };
  } catch (error) {
    throw new UsageError(flagProblem(error), { cause: error });
  }
}

/**
 * A duration flag in seconds (`--timeout 2.5`) as milliseconds. Decimals are allowed; the
 * value must be above 0.
 *
 * @throws UsageError naming the flag and what it got.
 */
export function seconds(flag: string, value: string | undefined, fallbackSeconds: number): number;
export function seconds(flag: string, value: string | undefined): number | undefined;
export function seconds(flag: string, value: string | undefined, fallbackSeconds?: number): number | undefined {
  if (value === undefined) return fallbackSeconds === undefined ? undefined : fallbackSeconds * 1000;
  const number = /^(\d+(\.\d*)?|\.\d+)$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(number > 0) || !Number.isFinite(number)) {
    throw new UsageError(`--${flag} must be a number of seconds above 0 (decimals allowed), got ${JSON.stringify(value)}`);
  }
  return Math.round(number * 1000);
}

// --- internal ---

function flagProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  // "Option '-d, --database <value>' argument missing": name the long form
  const flag = /'(?:-[^-' ], )?(-[^' ,]+)/.exec(message)?.[1] ?? 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'unexpected argument: this command takes options only';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) return `option ${flag} takes no value`;
      // `--stable -1`: parseArgs will not take a value that starts with a dash (it might be a flag)
      if (message.includes('ambiguous')) return `option ${flag} needs a value (one that starts with "-" is written ${flag}=-…)`;
      return `option ${flag} needs a value`;
    default:
      return 'cannot read the options';
  }
}
