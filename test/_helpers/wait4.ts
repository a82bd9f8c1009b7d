/**
 * Reading what `shipshape wait4db` and `shipshape wait4` print (the formats are in
 * docs/cli/wait4db.md): the progress lines on stderr and the result lines on stdout, parsed
 * strictly so that a test fails on any line of another shape.
 */
import assert from 'node:assert/strict';

/** One progress line: `wait4db: <target>: <cause> (attempt 3, 2.1 s)`. */
export interface ProgressLine {
  readonly command: string;
  readonly target: string;
  readonly text: string;
  readonly attempt: number;
  readonly elapsedS: number;
}

const PROGRESS = /^(wait4db|wait4): (\S+): (.+) \(attempt (\d+), (\d+\.\d) s\)$/;

/** Every line of `stderr` as a progress line; fails on a line that is not one. */
export function progressLines(stderr: string): ProgressLine[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = PROGRESS.exec(line);
      assert.ok(match, `not a progress line: ${JSON.stringify(line)}`);
      return { command: match[1]!, target: match[2]!, text: match[3]!, attempt: Number(match[4]), elapsedS: Number(match[5]) };
    });
}

/** The progress lines of one target, checked for numbering 1, 2, 3… and a clock that never goes back. */
export function linesOf(stderr: string, target: string): ProgressLine[] {
  const lines = progressLines(stderr).filter((line) => line.target === target);
  lines.forEach((line, index) => {
    assert.equal(line.attempt, index + 1, `attempts of ${target} are numbered in order`);
    if (index > 0) assert.ok(line.elapsedS >= lines[index - 1]!.elapsedS, `elapsed times of ${target} grow`);
  });
  return lines;
}

/** `<target> is ready (stable for S s after T s)` → T, or undefined when there is no such line. */
export function readyAfter(stdout: string, target: string, stable: string): number | undefined {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped} is ready \\(stable for ${stable.replace('.', '\\.')} s after (\\d+\\.\\d) s\\)$`, 'm').exec(stdout);
  return match ? Number(match[1]) : undefined;
}

/** The `is not ready` lines of stdout: `<target> is not ready after T s: <cause> (N attempts)` → target and cause. */
export function notReady(stdout: string): { target: string; cause: string; attempts: number }[] {
  return [...stdout.matchAll(/^(\S+) is not ready after [\d.]+ s: (.+) \((\d+) attempts?\)$/gm)].map((match) => ({
    target: match[1]!,
    cause: match[2]!,
    attempts: Number(match[3]),
  }));
}
