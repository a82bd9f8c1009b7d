/**
 * Extra service instances for restart tests: a child process on a spare port of
 * 127.0.0.1 that a test can stop and start again on the same port. Always `kill()` it in
 * `after`; a process `exit` hook kills it too, so a crashed test run leaves nothing behind.
 * The servers: redis-server.ts, memcached-server.ts, nats-server.ts, mosquitto-server.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { canConnect } from './services.js';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A server binary run as a child process on a fixed port, stoppable and restartable. */
export class ChildServer {
  readonly port: number;
  readonly #command: string;
  readonly #args: readonly string[];
  #child: ChildProcess | undefined;

  constructor(command: string, args: readonly string[], port: number) {
    this.#command = command;
    this.#args = args;
    this.port = port;
  }

  /** Starts the process and resolves once its port accepts connections (within 5 s). */
  async start(): Promise<void> {
    if (this.#child) return;
    const child = spawn(this.#command, [...this.#args], { stdio: 'ignore' });
    this.#child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const deadline = Date.now() + 5000;
    while (!(await canConnect('127.0.0.1', this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${this.#command} did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Kills the process and waits for it to exit: every connection to it is then closed. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Freezes the process (SIGSTOP): its connections stay open and nothing answers, a hung
   * server for real. Resolves once every thread of it has stopped: `kill()` returns before
   * a thread running on another CPU has, and it may still answer what arrives meanwhile.
   */
  async pause(): Promise<void> {
    const child = this.#child;
    if (!child?.pid) return;
    child.kill('SIGSTOP');
    const tasks = `/proc/${child.pid}/task`;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      const states = readdirSync(tasks).map((task) => /\) (\w)/.exec(readFileSync(`${tasks}/${task}/stat`, 'utf8'))?.[1]);
      if (states.every((state) => state === 'T' || state === 't')) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${this.#command} did not stop`);
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Same as `stop()`; for `after` hooks. */
  kill(): Promise<void> {
    return this.stop();
  }
}
