/**
 * Reading a running child's output as it comes: waiting until its stderr says something a
 * given number of times, so that a test acts (opens a port, freezes a proxy, sends a
 * signal) at a point of the child's own progress rather than after a guessed delay.
 */
import type { RunningCli } from './cli.js';

/** How often `pattern` occurs in `text`. */
export function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))?.length ?? 0;
}

/**
 * Resolves once the child's stderr holds `pattern` at least `times` times; rejects after
 * `timeoutMs` or when the child exits first, with what it printed.
 */
export async function waitForStderr(running: RunningCli, pattern: RegExp, times = 1, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.done.then(() => (exited = true));
  for (;;) {
    const { stdout, stderr } = running.output();
    if (count(stderr, pattern) >= times) return;
    if (exited || Date.now() > deadline) {
      throw new Error(`stderr did not show ${pattern} ${times} time(s) (${exited ? 'the child exited' : 'timed out'}):\n${stderr}\n${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
