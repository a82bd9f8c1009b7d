/**
 * `shipshape probe --socket` against a real worker process serving its probes with
 * `probes.listen({ socket })` (test/_helpers/probe-worker.ts): live and ready, passing and
 * failing, --verbose and --json passed through, the socket from $SHIPSHAPE_SOCKET or the
 * config; then the worker killed with SIGKILL, a socket that never answers, one that is
 * not there, and one the prober may not open (mode 0600) — each exit 1 with the reason.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { shipshape } from '../_helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), `ss-sock-${process.pid}-`));
const WORKER = path.join(ROOT, 'test/_helpers/probe-worker.ts');
const TSX = import.meta.resolve('tsx');

interface Worker {
  readonly child: ChildProcess;
  readonly socket: string;
}

/** Starts the worker on `socket` and resolves once it listens. */
async function startWorker(socket: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', TSX, WORKER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  for await (const line of lines) if (line === 'listening') break;
  assert.ok(existsSync(socket), 'the worker listens');
  return { child, socket };
}

function kill(worker: Worker, signal: NodeJS.Signals): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.child.once('exit', () => resolve());
    worker.child.kill(signal);
  });
}

describe('shipshape probe --socket: a worker probed over its Unix socket', () => {
  let worker: Worker;
  before(async () => {
    worker = await startWorker(path.join(dir, 'worker.sock'));
  });
  after(async () => {
    await kill(worker, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers liveness and readiness: ok, exit 0', async () => {
    for (const flag of ['--live', '--health', '--ready', '--startup']) {
      const run = await shipshape(['probe', flag, '--socket', worker.socket]);
      assert.deepEqual([run.status, run.stdout, run.stderr], [0, 'ok\n', ''], flag);
    }
  });

  it('passes --verbose through (?verbose): the worker’s listing with the word of the probe', async () => {
    assert.equal((await shipshape(['probe', '--ready', '--verbose', '--socket', worker.socket])).stdout, '[+]queue ok\nreadyz check passed\n');
    assert.equal((await shipshape(['probe', '--health', '--verbose', '--socket', worker.socket])).stdout, 'healthz check passed\n');
  });

  it('fails readiness with the worker’s own listing (exit 1), credentials redacted; liveness stays ok', async () => {
    writeFileSync(`${worker.socket}.down`, '');
    try {
      const run = await shipshape(['probe', '--ready', '--socket', worker.socket]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '[-]queue failed: queue: not connected to amqp://***@mq:5672\nreadyz check failed\n');
      assert.ok(!run.stdout.includes('s3cret-pw'));
      const json = await shipshape(['probe', '--ready', '--json', '--socket', worker.socket]);
      assert.equal(json.status, 1);
      const body = JSON.parse(json.stdout) as { status: string; checks: { queue: { status: string; output: string }[] } };
      assert.equal(body.status, 'fail');
      assert.deepEqual([body.checks.queue[0]!.status, body.checks.queue[0]!.output], ['fail', 'queue: not connected to amqp://***@mq:5672']);
      const quiet = await shipshape(['probe', '--ready', '--quiet', '--socket', worker.socket]);
      assert.deepEqual([quiet.status, quiet.stdout, quiet.stderr], [1, '', '']);
      assert.equal((await shipshape(['probe', '--live', '--socket', worker.socket])).status, 0);
    } finally {
      rmSync(`${worker.socket}.down`);
    }
    assert.equal((await shipshape(['probe', '--ready', '--socket', worker.socket])).status, 0);
  });

  it('--json passes application/health+json through', async () => {
    const run = await shipshape(['probe', '--ready', '--json', '--socket', worker.socket]);
    assert.equal(run.status, 0);
    const body = JSON.parse(run.stdout) as { status: string; checks: { queue: { status: string }[] } };
    assert.deepEqual([body.status, body.checks.queue[0]!.status], ['pass', 'pass']);
  });

  it('takes the socket from $SHIPSHAPE_SOCKET, or from the config’s `socket`, which wins over it; a relative path is taken from the working directory', async () => {
    const fromEnv = await shipshape(['probe', '--ready', '--verbose'], { env: { SHIPSHAPE_SOCKET: worker.socket } });
    assert.equal(fromEnv.stdout, '[+]queue ok\nreadyz check passed\n');
    const cwd = mkdtempSync(path.join(dir, 'cfg-'));
    writeFileSync(path.join(cwd, 'shipshape.config.mjs'), `export default { socket: ${JSON.stringify(path.relative(cwd, worker.socket))} };\n`);
    const fromConfig = await shipshape(['probe', '--ready', '--verbose'], { cwd, env: { SHIPSHAPE_SOCKET: path.join(dir, 'nothing-here.sock') } });
    assert.equal(fromConfig.stdout, '[+]queue ok\nreadyz check passed\n', fromConfig.stderr);
    const relative = await shipshape(['probe', '--live', '--socket', 'worker.sock'], { cwd: dir });
    assert.equal(relative.stdout, 'ok\n');
  });

  it('fails liveness when the worker is broken: what a fresh process could never see', async () => {
    const other = await startWorker(path.join(dir, 'broken.sock'));
    try {
      other.child.kill('SIGUSR2');
      let run = await shipshape(['probe', '--live', '--socket', other.socket]);
      for (let i = 0; i < 20 && run.status === 0; i += 1) run = await shipshape(['probe', '--live', '--socket', other.socket]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '[-]broken failed: worker loop stalled\nlivez check failed\n');
    } finally {
      await kill(other, 'SIGKILL');
    }
  });

  it('exits 1 with the reason once the worker is killed with SIGKILL (its stale socket file stays)', async () => {
    const doomed = await startWorker(path.join(dir, 'doomed.sock'));
    assert.equal((await shipshape(['probe', '--live', '--socket', doomed.socket])).status, 0);
    await kill(doomed, 'SIGKILL');
    assert.ok(lstatSync(doomed.socket).isSocket(), 'SIGKILL left the socket file behind');
    const run = await shipshape(['probe', '--live', '--socket', doomed.socket]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `shipshape probe: ${doomed.socket}: nothing listens on the socket (the process is gone?)\n`);
    // the next worker on that path replaces the stale file
    const next = await startWorker(doomed.socket);
    try {
      assert.equal((await shipshape(['probe', '--live', '--socket', doomed.socket])).status, 0);
    } finally {
      await kill(next, 'SIGTERM');
    }
    assert.equal(existsSync(doomed.socket), false, 'probes.close() removed the socket file');
  });

  it('exits 1 when there is no socket', async () => {
    const missing = path.join(dir, 'missing.sock');
    const run = await shipshape(['probe', '--live', '--socket', missing]);
    assert.deepEqual([run.status, run.stdout], [1, '']);
    assert.equal(run.stderr, `shipshape probe: ${missing}: no such socket (is the app running, and does it call probes.listen()?)\n`);
    assert.deepEqual(await shipshape(['probe', '--live', '--quiet', '--socket', missing]).then((r) => [r.status, r.stdout, r.stderr]), [1, '', '']);
  });

  it('exits 1 within --timeout when the socket accepts and never answers', async () => {
    const silent = path.join(dir, 'silent.sock');
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(silent, resolve));
    try {
      const run = await shipshape(['probe', '--ready', '--timeout', '0.5', '--socket', silent]);
      assert.equal(run.status, 1);
      assert.equal(run.stderr, `shipshape probe: ${silent}: no answer within 0.5 s\n`);
      assert.ok(run.elapsedMs < 15_000, `${run.elapsedMs} ms`);
      const byDefault = await shipshape(['probe', '--ready', '--socket', silent]);
      assert.equal(byDefault.stderr, `shipshape probe: ${silent}: no answer within 1 s\n`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('exits 1 with "permission denied" for a prober that is not the socket’s owner (mode 0600)', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root, to run the prober as another user');
    buildPackage(['cli/main.js']);
    // nobody must be able to reach the built binary and the socket's directory
    chmodSync(dir, 0o755);
    const probe = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'probe', '--live', '--socket', worker.socket], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
    if (probe.error || probe.status === 2 || /EACCES.*main\.js|Cannot find module/.test(probe.stderr)) {
      return t.skip(`user nobody cannot run ${probe.error ? process.execPath : 'the binary'} here: ${probe.error?.message ?? probe.stderr.trim()}`);
    }
    assert.equal(probe.status, 1, probe.stderr);
    assert.equal(probe.stderr, `shipshape probe: ${worker.socket}: permission denied (the socket is mode 0600: probe as the app's user)\n`);
  });
});
