// Issue 23: where the CPU time of Fastify's first onRequest hook goes under load. With
// autocannon -c 50 a hook that only calls done() measured about a quarter of Fastify's
// throughput and CPU time a request, though it adds a few percent of instructions at one
// connection. Each server (Fastify alone, + a no-op hook, + the shipshape plugin, +
// attachProbes) in its own process, run under --trace-gc; the URLs measured in turn, 3 s
// each, forwards then backwards, medians of 6 rounds (BENCH_ROUNDS, BENCH_SECONDS,
// BENCH_CONNECTIONS). For each measurement, from /proc/PID/task/*: user and system time
// (stat), voluntary and involuntary context switches (status), main thread against V8's
// worker threads; from the GC trace: scavenges, their pauses and the bytes allocated.
// `npm run bench -- fastify-hook`.
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { median, startServer, variant, type RunningServer } from './_lib.js';

const MODES = ['own', 'noop', 'adapter', 'attach'] as const;
/** Clock ticks a second of /proc/PID/stat (USER_HZ: 100 on Linux everywhere). */
const HZ = 100;

interface Sample {
  readonly rps: number;
  readonly userUs: number;
  readonly sysUs: number;
  readonly mainUs: number;
  readonly workersUs: number;
  readonly voluntary: number;
  readonly involuntary: number;
  readonly scavenges: number;
  readonly gcUs: number;
  readonly allocKb: number;
}

interface Gc {
  scavenges: number;
  pauseMs: number;
  allocMb: number;
  lastAfterMb: number | undefined;
}

export default async function fastifyHook(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const gcs = MODES.map((): Gc => ({ scavenges: 0, pauseMs: 0, allocMb: 0, lastAfterMb: undefined }));
  const servers = await Promise.all(
    MODES.map((mode, i) => startServer(variant(`Fastify 5 ${mode} (gc)`, 'fastify-app.ts', [mode]), { nodeArgs: ['--trace-gc'], onLine: (line) => readGcLine(line, gcs[i]!) })),
  );
  const samples = MODES.map((): Sample[] => []);
  try {
    for (const server of servers) await autocannon({ url: `${server.url}/app`, connections, duration: 2 }); // warm-up
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [...MODES.keys()] : [...MODES.keys()].reverse();
      for (const i of order) samples[i]!.push(await sample(servers[i]!, gcs[i]!, connections, seconds));
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  console.log(`## Fastify 5 /app, ${connections} connections, medians of ${rounds} rounds × ${seconds} s (per request)`);
  console.log('| server | req/s | CPU µs (user + system) | main thread µs | other threads µs | voluntary cs | involuntary cs | scavenges /1000 | GC pause µs | allocated KB |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [i, mode] of MODES.entries()) {
    const m = (key: keyof Sample, digits = 1): string => median(samples[i]!.map((s) => s[key])).toFixed(digits);
    console.log(`| ${mode} | ${m('rps', 0)} | ${m('userUs')} + ${m('sysUs')} | ${m('mainUs')} | ${m('workersUs')} | ${m('voluntary', 3)} | ${m('involuntary', 3)} | ${m('scavenges', 2)} | ${m('gcUs', 2)} | ${m('allocKb', 2)} |`);
  }
  const own = samples[0]!;
  for (const [i, mode] of MODES.entries()) {
    if (i === 0) continue;
    const ratio = (f: (s: Sample) => number): string => median(samples[i]!.map((s, r) => f(s) / f(own[r]!))).toFixed(3);
    console.log(`${mode} ÷ own: req/s ${ratio((s) => s.rps)}, CPU a request ${ratio((s) => s.userUs + s.sysUs)}, user ${ratio((s) => s.userUs)}, system ${ratio((s) => s.sysUs)}`);
  }
}

async function sample(server: RunningServer, gc: Gc, connections: number, seconds: number): Promise<Sample> {
  const pid = server.child.pid!;
  const before = procStats(pid);
  const gcBefore = { ...gc };
  const result = await autocannon({ url: `${server.url}/app`, connections, duration: seconds });
  const after = procStats(pid);
  const n = result.requests.total;
  const us = (ticks: number): number => (ticks * 1e6) / HZ / n;
  return {
    rps: result.requests.average,
    userUs: us(after.user - before.user),
    sysUs: us(after.sys - before.sys),
    mainUs: us(after.main - before.main),
    workersUs: us(after.workers - before.workers),
    voluntary: (after.voluntary - before.voluntary) / n,
    involuntary: (after.involuntary - before.involuntary) / n,
    scavenges: ((gc.scavenges - gcBefore.scavenges) * 1000) / n,
    gcUs: ((gc.pauseMs - gcBefore.pauseMs) * 1000) / n,
    allocKb: ((gc.allocMb - gcBefore.allocMb) * 1024) / n,
  };
}

/** CPU ticks and context switches of every thread of `pid` (Linux /proc). */
function procStats(pid: number): { user: number; sys: number; main: number; workers: number; voluntary: number; involuntary: number } {
  const total = { user: 0, sys: 0, main: 0, workers: 0, voluntary: 0, involuntary: 0 };
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // utime, stime: fields 14, 15 of proc(5)
    const user = Number(fields[11]);
    const sys = Number(fields[12]);
    total.user += user;
    total.sys += sys;
    if (Number(task) === pid) total.main += user + sys;
    else total.workers += user + sys;
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    total.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    total.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return total;
}

/** `[pid:isolate] 1234 ms: Scavenge 5.2 (7.4) -> 4.4 (7.9) MB, 0.82 / 0.00 ms ...` (--trace-gc) */
function readGcLine(line: string, gc: Gc): void {
  const match = /(Scavenge|Mark-Compact|Mark-sweep)\S*\s+([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/.exec(line);
  if (!match) return;
  if (match[1] === 'Scavenge') gc.scavenges += 1;
  if (gc.lastAfterMb !== undefined) gc.allocMb += Math.max(0, Number(match[2]) - gc.lastAfterMb);
  gc.lastAfterMb = Number(match[3]);
  gc.pauseMs += Number(match[4]);
}
