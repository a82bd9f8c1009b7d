/**
 * Background checks (`intervalMs`, SPEC §2): the first run right after createProbes, runs
 * counted from the end of the previous one, requests that read the latest result and never
 * run the check (except while waiting for the first), stale results after a stuck event
 * loop, abandoned runs, close(), and timers that never keep a process alive.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProbes, postgres, type Probes } from '../../src/index.js';
import { nodeTransport } from '../_helpers/http.js';
import { nextRun, recordEvents } from '../_helpers/probe-events.js';

/** A check counting its runs, with the start and end time of each (performance.now()). */
function counted(body: () => unknown = () => {}) {
  const state = { runs: 0, starts: [] as number[], ends: [] as number[] };
  const run = async (): Promise<void> => {
    state.runs += 1;
    state.starts.push(performance.now());
    try {
      await body();
    } finally {
      state.ends.push(performance.now());
    }
  };
  return { state, run };
}

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('background checks', () => {
  it('runs the first time right after createProbes (not inside it), with no request', async () => {
    const { state, run } = counted();
    const probes = createProbes({ readiness: { db: { run, intervalMs: 60_000 } } });
    try {
      assert.equal(state.runs, 0, 'createProbes itself runs nothing');
      const event = await nextRun(probes, 'db');
      assert.equal(event.status, 'pass');
      assert.equal(state.runs, 1);
    } finally {
      await probes.close();
    }
  });

  it('makes requests before the first result wait for that one run', async () => {
    const { state, run } = counted(() => sleep(50));
    const probes = createProbes({ readiness: { db: { run, intervalMs: 60_000 } } });
    try {
      const reports = await Promise.all(Array.from({ length: 20 }, () => probes.check('readiness')));
      assert.ok(reports.every((report) => report.status === 'pass'));
      assert.equal(state.runs, 1);
    } finally {
      await probes.close();
    }
  });

  it('answers 200 concurrent /readyz and /readyz/db from the latest result without running the check', async () => {
    const { state, run } = counted(() => sleep(5));
    const probes = createProbes({ readiness: { db: { run, intervalMs: 60_000 } } });
    const transport = await nodeTransport(probes);
    try {
      await nextRun(probes, 'db');
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => transport.request(i % 2 ? '/readyz' : '/readyz/db?verbose')));
      assert.ok(answers.every((answer) => answer.status === 200 && answer.body === 'ok'));
      await probes.check('readiness');
      await probes.check('startup');
      assert.equal(state.runs, 1);
    } finally {
      await transport.close();
      await probes.close();
    }
  });

  it('writes a plain /readyz on a passing (or warning) background result before handle() returns, as /livez; a failing one as a listing', async () => {
    const probes = createProbes({
      readiness: { db: { intervalMs: 60_000, run: () => {} }, extra: { critical: false, intervalMs: 60_000, run: () => Promise.reject(new Error('slow')) } },
    });
    const endedOnReturn: Record<string, boolean> = {};
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      probes.handle(req, res);
      endedOnReturn[req.url!] = res.writableEnded;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await probes.check('readiness');
      assert.equal(await (await fetch(`${base}/readyz`)).text(), 'ok');
      assert.deepEqual(endedOnReturn, { '/readyz': true });
      assert.equal(await (await fetch(`${base}/readyz?verbose`)).text(), '[+]db ok\n[!]extra warn: slow\nreadyz check passed\n');
      const fresh = createProbes({ readiness: { db: { intervalMs: 60_000, run: () => { throw new Error('down'); } } } });
      await fresh.check('readiness');
      const response = await fresh.fetch(new Request('http://app.test/readyz'));
      assert.deepEqual([response?.status, await response?.text()], [503, '[-]db failed: down\nreadyz check failed\n']);
      await fresh.close();
    } finally {
      server.closeAllConnections();
      server.close();
      await probes.close();
    }
  });

  it('counts the interval from the end of the previous run, and keeps going on its own', async () => {
    const { state, run } = counted(() => sleep(60));
    const probes = createProbes({ readiness: { db: { run, intervalMs: 40 } } });
    try {
      while (state.ends.length < 4) await nextRun(probes, 'db');
      for (let i = 1; i < 4; i += 1) {
        const gap = state.starts[i]! - state.ends[i - 1]!;
        assert.ok(gap >= 38, `run ${i + 1} started ${gap.toFixed(1)} ms after run ${i} ended`);
      }
    } finally {
      await probes.close();
    }
  });

  it('takes a top-level intervalMs as every check’s default; a check’s own wins, 0 included', async () => {
    const a = counted();
    const b = counted();
    const probes = createProbes({ intervalMs: 30, readiness: { a: a.run, b: { run: b.run, intervalMs: 0 } } });
    try {
      await sleep(150);
      assert.ok(a.state.runs >= 2, `a ran ${a.state.runs} times`);
      assert.equal(b.state.runs, 0, 'b runs on request only');
      await probes.check('readiness');
      assert.equal(b.state.runs, 1);
    } finally {
      await probes.close();
    }
  });

  it('shows a new result at once whatever cacheMs says (a background result is never cached apart)', async () => {
    let up = true;
    const probes = createProbes({ cacheMs: 60_000, readiness: { db: { intervalMs: 20, run: () => { if (!up) throw new Error('db down'); } } } });
    try {
      assert.equal((await probes.check('readiness')).status, 'pass');
      up = false;
      while ((await nextRun(probes, 'db')).status !== 'fail');
      const report = await probes.check('readiness');
      assert.equal(report.status, 'fail');
      assert.equal(report.checks[0]?.reason, 'db down');
    } finally {
      await probes.close();
    }
  });

  it('latches startup on a background result', async () => {
    let up = true;
    const probes = createProbes({ readiness: { db: { intervalMs: 20, run: () => { if (!up) throw new Error('down'); } } } });
    try {
      assert.equal((await probes.check('startup')).status, 'pass');
      up = false;
      while ((await nextRun(probes, 'db')).status !== 'fail');
      assert.equal((await probes.check('readiness')).status, 'fail');
      assert.equal((await probes.check('startup')).status, 'pass', 'startup stays passed');
    } finally {
      await probes.close();
    }
  });

  it('does not wait for the first run of an excluded check', async () => {
    let finished = false;
    const probes = createProbes({ readiness: { db: { intervalMs: 60_000, run: () => sleep(300).then(() => void (finished = true)) }, other: () => {} } });
    try {
      const report = await probes.check('readiness', { exclude: ['db'] });
      assert.deepEqual([report.status, report.checks[0]?.excluded, finished], ['pass', true, false]);
    } finally {
      await probes.close();
    }
  });

  it('reports a result older than intervalMs + timeoutMs + 1 s as stale after a blocked event loop, until the next run', async () => {
    const probes = createProbes({ readiness: { db: { run: () => sleep(30), intervalMs: 100, timeoutMs: 100 } } });
    try {
      await nextRun(probes, 'db');
      busyWait(1500); // the loop is stuck for longer than 100 + 100 + 1000 ms
      const stuck = await probes.check('readiness');
      assert.equal(stuck.status, 'fail');
      assert.match(stuck.checks[0]?.reason ?? '', /^stale: last result 1 s ago$/);
      assert.equal(probes.snapshot().checks.db?.status, 'fail');
      assert.match(probes.snapshot().checks.db?.reason ?? '', /^stale: /);
      const next = await nextRun(probes, 'db');
      assert.equal(next.status, 'pass');
      assert.equal((await probes.check('readiness')).status, 'pass');
    } finally {
      await probes.close();
    }
  });

  it('starts no background run while one abandoned at its timeout still hangs, then goes on once it settles', async () => {
    let runs = 0;
    let release: (() => void) | undefined;
    // a check that ignores its signal, like a pool.query() to a blackholed database
    const run = (): Promise<void> => {
      runs += 1;
      return runs === 1 ? new Promise((resolve) => (release = resolve)) : Promise.resolve();
    };
    const probes = createProbes({ readiness: { db: { run, intervalMs: 20, timeoutMs: 30 } } });
    try {
      const first = await nextRun(probes, 'db');
      assert.deepEqual([first.status, first.timedOut], ['fail', true]);
      await sleep(200);
      assert.equal(runs, 1, 'no run on top of the hanging one');
      assert.match((await probes.check('readiness')).checks[0]?.reason ?? '', /still pending after its 30 ms timeout/);
      release!();
      const next = await nextRun(probes, 'db');
      assert.deepEqual([next.status, next.previous, runs], ['pass', 'fail', 2]);
    } finally {
      release?.();
      await probes.close();
    }
  });

  it('stops every background run at close(); a run in progress schedules nothing', async () => {
    const { state, run } = counted(() => sleep(20));
    const probes = createProbes({ readiness: { db: { run, intervalMs: 10 } } });
    await nextRun(probes, 'db');
    await sleep(5); // the next run may be under way
    await probes.close();
    await sleep(50);
    const runs = state.runs;
    await sleep(150);
    assert.equal(state.runs, runs);
  });

  it('never keeps a process alive: a child with background checks exits on its own', { timeout: 60_000 }, async () => {
    const index = new URL('../../src/index.ts', import.meta.url).href;
    const script = `
      import { createProbes } from ${JSON.stringify(index)};
      const probes = createProbes({ intervalMs: 50, readiness: { db: async () => {} }, liveness: { loop: { run: () => {}, intervalMs: 10 } } });
      const report = await probes.check('readiness');
      await new Promise((resolve) => setTimeout(resolve, 300));
      console.log(report.status, probes.snapshot().probes.liveness);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    try {
      const [code, signal] = await once(child, 'exit');
      assert.equal(signal, null, `killed: the background timers kept it alive (${output})`);
      assert.equal(code, 0, output);
      assert.equal(output.trim(), 'pass pass');
    } finally {
      clearTimeout(killer);
    }
  });
});

describe('intervalMs validation', () => {
  const rejects = (make: () => Probes, pattern: RegExp): void => {
    assert.throws(make, (error: unknown) => error instanceof TypeError && (error as { code?: string }).code === 'SHIPSHAPE_INVALID_OPTION' && pattern.test((error as Error).message));
  };

  it('rejects a negative, non-finite or non-numeric intervalMs, top-level, per check and in a built-in check’s options', () => {
    rejects(() => createProbes({ intervalMs: -1 }), /Expected `intervalMs` to be 0 \(run on request\) or a finite number of milliseconds up to 2147483647, got `-1`/);
    rejects(() => createProbes({ intervalMs: Infinity }), /`intervalMs`.*got `Infinity`/);
    rejects(() => createProbes({ intervalMs: '1000' as never }), /`intervalMs`.*got `"1000"`/);
    rejects(() => createProbes({ intervalMs: Number.NaN }), /got `NaN`/);
    rejects(() => createProbes({ readiness: { db: { run() {}, intervalMs: -5 } } }), /`readiness.db.intervalMs` to be 0/);
    assert.throws(() => postgres('postgres://127.0.0.1/x', { intervalMs: 2 ** 31 }), /`intervalMs` to be 0/);
    const probes = createProbes({ readiness: { db: postgres('postgres://127.0.0.1/x', { intervalMs: 5000 }) } });
    void probes.close();
  });
});
