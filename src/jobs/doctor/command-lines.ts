/**
 * Reading the command lines of a manifest: an exec probe that runs `shipshape probe`, and
 * a preStop hook that sleeps. Commands come as Kubernetes gives them to the runtime (an
 * argv list, no shell), or through `sh -c "…"`, whose script is split into words here the
 * simple way (quotes honoured, no expansion): enough to find `shipshape probe --ready` or
 * `sleep 5` in it.
 */
import type { ProbeName } from '../../core/report.js';

/** What an exec probe's `shipshape probe …` asks for. */
export interface ShipshapeProbeCommand {
  /** The probe flag's meaning; `undefined` when it has none (a usage error at run time). */
  readonly probe: ProbeName | undefined;
  /** The probe flag as written (`--ready`), for messages. */
  readonly flag: string | undefined;
  /** `--socket PATH`: asks the running process. */
  readonly socket: boolean;
  /** `--url BASE`: asks the running server over HTTP. */
  readonly url: boolean;
  /** `--grpc HOST:PORT`: asks the running server's gRPC health service. */
  readonly grpc: boolean;
  /** `--service NAME` (with `--grpc`), when given; without it the service is the probe's own name. */
  readonly service: string | undefined;
  /** `--timeout SEC` in milliseconds, when given. */
  readonly timeoutMs: number | undefined;
}

/** The words a command runs: the argv itself, or the script of `sh -c SCRIPT` split into words. */
export function commandWords(command: readonly unknown[]): string[] {
  const argv = command.filter((word): word is string => typeof word === 'string');
  const [first, ...rest] = argv;
  if (first !== undefined && SHELLS.has(basename(first))) {
    // sh -c SCRIPT, also with combined flags (-ec, -lc)
    const flag = rest.findIndex((word) => /^-[a-z]*c[a-z]*$/.test(word));
    const script = flag === -1 ? undefined : rest[flag + 1];
    if (script !== undefined) return shellWords(script);
  }
  return argv;
}

/**
 * The `shipshape probe …` an exec command runs (`shipshape`, `npx shipshape`,
 * `node_modules/.bin/shipshape`, `node …/shipshape/dist/cli/main.js`, or any of them in
 * `sh -c`), or `undefined` when it runs something else.
 */
export function shipshapeProbe(command: readonly unknown[]): ShipshapeProbeCommand | undefined {
  const words = commandWords(command);
  const binary = words.findIndex((word, index) => isShipshape(word) && words[index + 1] === 'probe');
  if (binary === -1) return undefined;
  const args = untilOperator(words.slice(binary + 2));
  let probe: ProbeName | undefined;
  let flag: string | undefined;
  let timeoutMs: number | undefined;
  let service: string | undefined;
  for (const [index, arg] of args.entries()) {
    const name = arg.split('=')[0]!;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
    if (Object.hasOwn(PROBE_FLAGS, name)) {
      probe = PROBE_FLAGS[name as keyof typeof PROBE_FLAGS];
      flag = name;
    }
    if (name === '--timeout' && Number(value) > 0) timeoutMs = Math.round(Number(value) * 1000);
    if (name === '--service' && value !== undefined) service = value;
  }
  const has = (option: string): boolean => args.some((arg) => arg === option || arg.startsWith(`${option}=`));
  return { probe, flag, socket: has('--socket'), url: has('--url'), grpc: has('--grpc'), service, timeoutMs };
}

/**
 * How long a preStop `exec` command sleeps before anything else, in seconds: `sleep 5`,
 * `/bin/sleep 5s`, `sh -c "sleep 5 && …"` (GNU and busybox `sleep` add up their
 * arguments, each with an optional s/m/h/d suffix); `undefined` when it does not start
 * with a sleep or the duration cannot be read.
 */
export function sleepSeconds(command: readonly unknown[]): number | undefined {
  const words = sleepWords(command);
  if (words === undefined) return undefined;
  const args = untilOperator(words.slice(1));
  let total = 0;
  for (const arg of args) {
    if (arg === 'infinity') return Infinity;
    const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS];
  }
  return args.length === 0 ? undefined : total;
}

/**
 * Whether a command does nothing but sleep (`sleep 5`, `sh -c "exec sleep 5"`), so that
 * Kubernetes' `sleep` action could replace it; `false` when it runs anything after the sleep
 * (`sleep 5 && nginx -s quit`) or does not sleep first.
 */
export function isSleepOnly(command: readonly unknown[]): boolean {
  const words = sleepWords(command);
  if (words === undefined || sleepSeconds(command) === undefined) return false;
  return words.slice(1 + untilOperator(words.slice(1)).length).every((word) => OPERATORS.has(word));
}

// --- internal ---

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

const PROBE_FLAGS = { '--live': 'liveness', '--health': 'liveness', '--ready': 'readiness', '--startup': 'startup' } as const satisfies Record<string, ProbeName>;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Shell operators that end a simple command. */
const OPERATORS = new Set([';', '&&', '||', '|', '&']);

function isShipshape(word: string): boolean {
  return basename(word) === 'shipshape' || /(^|\/)shipshape\/dist\/cli\/main\.js$/.test(word);
}

/** The words of a command that starts with `sleep` (`exec sleep` in a script too), from `sleep` on; `undefined` for any other command. */
function sleepWords(command: readonly unknown[]): string[] | undefined {
  const words = commandWords(command);
  const start = words[0] === 'exec' ? 1 : 0;
  return words[start] !== undefined && basename(words[start]) === 'sleep' ? words.slice(start) : undefined;
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

function untilOperator(words: readonly string[]): string[] {
  const end = words.findIndex((word) => OPERATORS.has(word));
  return end === -1 ? [...words] : words.slice(0, end);
}

/** Splits a shell script into words: whitespace separates, quotes group, `;` `&&` `||` `|` `&` and newlines stand alone. */
function shellWords(script: string): string[] {
  const words: string[] = [];
  for (const match of script.matchAll(/&&|\|\||[;|&\n]|(?:[^\s'";|&]|'[^']*'|"(?:[^"\\]|\\.)*")+/g)) {
    const word = match[0];
    if (word === '\n') words.push(';');
    else words.push(word.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_, single: string | undefined, double: string | undefined) => single ?? double!.replace(/\\(.)/g, '$1')));
  }
  return words;
}
