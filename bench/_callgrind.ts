/**
 * Counting what a request costs in instructions and in syscalls, whatever else the machine
 * runs (issue 23): wall-clock ratios swing ±20–30 % on a shared machine, counted
 * instructions about 1 % once V8 has warmed up.
 *
 * - instructions: the server runs under valgrind's callgrind with instrumentation off
 *   (`--instr-atstart=no`), is warmed up until V8 has stopped optimizing (below), then
 *   `callgrind_control -i on PID`, the counted sequential keep-alive requests,
 *   `callgrind_control -d PID`: the dump's `summary:` (every thread of the process, V8's
 *   compiler and GC threads included) divided by the requests. valgrind and
 *   callgrind_control are Debian's `valgrind` package.
 * - syscalls: the same server without valgrind, warmed up the same way, then `strace -c -f
 *   -p PID` attached over the counted requests (every thread).
 *
 * Warming up: after a fixed 2000 sequential requests (the issue's method), V8 was still
 * optimizing functions under valgrind, even after 10,000: TurboFan on a worker thread was
 * half of the counted instructions (node:http's 335k a request held 175k of compiler), and
 * which functions it was compiling then differed from process to process. So every server
 * gets requests in the shape counted (sequential keep-alive; `WARMUP_STEP` a path a round)
 * until two rounds in a row make V8 print nothing under `--trace-opt --trace-deopt`; a
 * warm-up on 8 connections left code that the sequential shape then deoptimized. A count
 * during which V8 printed anyway is marked.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { startServer, type RunningServer, type Variant } from './_lib.js';

/**
 * Requests counted a path: at least `REQUESTS` (BENCH_REQUESTS), and more for a light server
 * until about `COUNTED` instructions are counted (at most `MAX_REQUESTS`): V8 scavenges about
 * every thousand requests, and one scavenge more or less in a thousand requests of
 * node:http (60k instructions each) moved its figure by 2 %. The sequential requests
 * before them: BENCH_WARMUP.
 */
export const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const COUNTED = 300e6;
const MAX_REQUESTS = 5000;
export const SEQUENTIAL = Number(process.env.BENCH_WARMUP ?? 2000);
const WARMUP_STEP = 2000;
const WARMUP_MAX_ROUNDS = 20;

/** Whether `command` runs here; the bench says which package brings a missing one. */
export function hasCommand(command: string, args: readonly string[] = ['--version']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * `count` GET requests to `url` one after another on one kept-alive connection; throws on a
 * status other than `expect`. The client's own cost is not counted: it is another process.
 */
export async function sequential(url: string, count: number, expect = 200): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < count; i += 1) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.get(url, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.on('error', reject);
      });
      if (status !== expect) throw new Error(`${url}: status ${status}, expected ${expect}`);
    }
  } finally {
    agent.destroy();
  }
}

/** What one counted path cost. */
export interface Count {
  /** Instructions a request, every thread. */
  readonly instructions: number;
  /** How many requests were counted. */
  readonly requests: number;
  /** Whether a major GC (mark-compact) ran while counting: the figure then carries its whole cost. */
  readonly majorGc: boolean;
  /** Every event callgrind counted, a request (`Ir`, and with the cache and branch simulation `D1mr`, `Bcm`, …). */
  readonly events: Readonly<Record<string, number>>;
  /** Lines V8 printed under --trace-opt/--trace-deopt while counting: 0 when it was warm. */
  readonly tiering: number;
}

/** A server under callgrind whose paths are warmed up together, then counted one after another. */
export interface CountedServer {
  /** Requests on `paths` in the shape counted, until V8 stops optimizing; returns the requests a path. */
  warm(paths: readonly string[], connections?: number): Promise<number>;
  /** Instructions a request on `path`, over `REQUESTS` sequential requests (or on `connections` at once). */
  count(path: string, connections?: number): Promise<Count>;
  stop(): Promise<void>;
}

/**
 * Starts `variant` under callgrind, instrumentation off. `callgrindArgs` adds options
 * (`--cache-sim=yes --branch-sim=yes`: simulated cache misses and mispredicted branches,
 * in {@link Count.events}).
 */
export async function startCounted(variant: Variant, callgrindArgs: readonly string[] = []): Promise<CountedServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-icount-'));
  let traced = 0;
  const server = await startServer(variant, {
    // stdbuf: V8 prints its traces through C stdio, which a pipe would hold back in 4 KiB blocks
    prefix: ['stdbuf', '-oL', 'valgrind', '--tool=callgrind', '--instr-atstart=no', '-q', `--callgrind-out-file=${path.join(dir, 'callgrind.out')}`, ...callgrindArgs],
    // --perf-basic-prof: V8 writes /tmp/perf-PID.map (address, size, name of every function it
    // compiles), which names the JIT code callgrind only knows by address (callgrind-diff.ts),
    // and a log of its own, kept out of the working directory
    nodeArgs: [
      '--trace-opt',
      '--trace-deopt',
      ...(process.env.BENCH_CALLGRIND_DIR ? ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${path.join(dir, 'v8.log')}`] : []),
    ],
    onLine: (line) => {
      if (line.startsWith('[')) traced += 1;
    },
  });
  const pid = String(server.child.pid);
  let instrumented = false;
  return {
    async warm(paths, connections = 1) {
      // at least SEQUENTIAL requests, then rounds until two in a row leave V8 quiet
      let quiet = 0;
      let rounds = 0;
      while ((quiet < 2 || rounds * WARMUP_STEP < SEQUENTIAL) && rounds < WARMUP_MAX_ROUNDS) {
        const before = traced;
        for (const urlPath of paths) {
          if (connections === 1) await sequential(server.url + urlPath, WARMUP_STEP);
          else await drive(server.url + urlPath, WARMUP_STEP, connections);
        }
        await sleep(300); // a compile job finishing after the round prints then
        quiet = traced === before ? quiet + 1 : 0;
        rounds += 1;
      }
      if (quiet < 2) console.log(`${variant.name}: V8 still optimizing after ${rounds * WARMUP_STEP} requests a path`);
      return rounds * WARMUP_STEP;
    },
    async count(urlPath, connections = 1) {
      // on once, then a dump (which zeroes the counters) after each path: turning the
      // instrumentation off and on again between dumps gave garbage (negative totals)
      if (!instrumented) control(pid, '-i', 'on');
      instrumented = true;
      const before = traced;
      const events: Record<string, number> = {};
      let majorGc = false;
      const batch = async (requests: number): Promise<number> => {
        if (connections === 1) await sequential(server.url + urlPath, requests);
        else await drive(server.url + urlPath, requests, connections);
        control(pid, '-d');
        const dumps = readdirSync(dir).filter((name) => /^callgrind\.out\.\d+$/.test(name)).sort((a, b) => dumpNumber(a) - dumpNumber(b));
        const dump = path.join(dir, dumps.at(-1)!);
        const text = readFileSync(dump, 'utf8');
        const summary = /^summary:\s*(\d+)/m.exec(text);
        if (!summary) throw new Error(`${variant.name}: no summary in ${dump}`);
        const names = /^events:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
        const values = /^summary:\s*(.+)$/m.exec(text)![1]!.trim().split(/\s+/).map(Number);
        for (const [i, name] of names.entries()) events[name] = (events[name] ?? 0) + (values[i] ?? 0);
        // a function is in a dump only if it ran: one major GC (marking, sweeping: ~100M
        // instructions on a heap of Express's size) falls in some windows and not in others
        if (/ConcurrentMarking::JobTaskMajor::Run|MarkCompactCollector::CollectGarbage\(\)/.test(text)) majorGc = true;
        // BENCH_CALLGRIND_DIR keeps each dump, for `callgrind_annotate` (where the instructions go)
        // (named with the requests it holds, beside the process's perf map: bench/callgrind-diff.ts)
        const keep = process.env.BENCH_CALLGRIND_DIR;
        if (keep) {
          const name = `${variant.name} ${urlPath} ${pid}.${dumpNumber(dump)}.n${requests}`.replace(/[^\w.+-]+/g, '_');
          copyFileSync(dump, path.join(keep, `${name}.callgrind`));
          copyFileSync(`/tmp/perf-${pid}.map`, path.join(keep, `${name}.perf.map`));
        }
        return Number(summary[1]);
      };
      // a dump zeroes the counters: a second batch for a light server, without switching off
      let total = await batch(REQUESTS);
      let requests = REQUESTS;
      const more = Math.min(Math.ceil((COUNTED * REQUESTS) / total), MAX_REQUESTS) - REQUESTS;
      if (more > 0) {
        total += await batch(more);
        requests += more;
      }
      await sleep(100);
      for (const name of Object.keys(events)) events[name]! /= requests;
      return { instructions: total / requests, requests, tiering: traced - before, majorGc, events };
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(`/tmp/perf-${pid}.map`, { force: true });
    },
  };
}

/** Syscalls a request on `path` of a running server (not under valgrind), by `strace -c -f`. */
export async function countSyscalls(server: RunningServer, urlPath: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-strace-'));
  const out = path.join(dir, 'strace.txt');
  const strace = spawn('strace', ['-c', '-f', '-o', out, '-p', String(server.child.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    // strace says "Process N attached" once per thread it took; the first line is enough to go on
    await once(strace.stderr!, 'data');
    await sleep(200);
    await sequential(server.url + urlPath, REQUESTS);
    strace.kill('SIGINT');
    await once(strace, 'exit');
    // `% time  seconds  usecs/call  calls  [errors]  total`
    const total = readFileSync(out, 'utf8').split('\n').find((line) => line.trim().endsWith(' total'));
    const calls = Number(total?.trim().split(/\s+/)[3]);
    if (!Number.isFinite(calls)) throw new Error('strace: no total line in its summary');
    return calls / REQUESTS;
  } finally {
    if (strace.exitCode === null) strace.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `amount` requests on `connections` at once (8: a warm-up, faster than one connection under valgrind). */
export async function drive(url: string, amount: number, connections = 8): Promise<void> {
  const result = await autocannon({ url, connections, amount, pipelining: 1, timeout: 120 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
}

// --- internal ---

function control(pid: string, ...args: string[]): void {
  execFileSync('callgrind_control', [...args, pid], { stdio: 'ignore' });
}

function dumpNumber(name: string): number {
  return Number(name.slice(name.lastIndexOf('.') + 1));
}
