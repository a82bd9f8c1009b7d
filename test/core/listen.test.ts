/**
 * probes.listen({ socket }): the probe endpoints on a real Unix socket — what it answers,
 * the file's mode, a stale file replaced, a live one or a plain file left alone, the file
 * removed on close and by probes.close(), and a process it does not keep alive.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createProbes, InvalidOptionError, NotReady, ShipshapeError, type Probes } from '../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ss-listen-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const socketFile = (): string => path.join(dir, `p${process.pid}-${(count += 1)}.sock`);

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function ask(socketPath: string, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A socket file left behind by a process killed with SIGKILL (close() never ran). */
function staleSocket(file: string): void {
  const child = spawnSync(
    process.execPath,
    ['-e', `require('net').createServer().listen(${JSON.stringify(file)}, () => process.kill(process.pid, 'SIGKILL'))`],
    { encoding: 'utf8' },
  );
  assert.equal(child.signal, 'SIGKILL');
  assert.ok(lstatSync(file).isSocket(), 'the killed process left its socket file');
}

describe('probes.listen({ socket })', () => {
  it('answers the probes on the socket as the HTTP endpoints do, failing and passing', async () => {
    let up = false;
    const probes = createProbes({
      readiness: { queue: () => { if (!up) throw new NotReady('queue: not connected'); } },
    });
    const socket = await probes.listen({ socket: socketFile() });
    try {
      assert.deepEqual(await ask(socket.path, '/livez').then((a) => [a.status, a.body]), [200, 'ok']);
      const failing = await ask(socket.path, '/readyz');
      assert.equal(failing.status, 503);
      assert.equal(failing.body, '[-]queue failed: queue: not connected\nreadyz check failed\n');
      assert.equal(failing.headers['cache-control'], 'no-store');
      up = true;
      assert.equal((await ask(socket.path, '/readyz?verbose')).body, '[+]queue ok\nreadyz check passed\n');
      assert.equal((await ask(socket.path, '/readyz/queue')).body, 'ok');
      const json = await ask(socket.path, '/readyz', { accept: 'application/health+json' });
      assert.equal(json.headers['content-type'], 'application/health+json');
      assert.equal((JSON.parse(json.body) as { status: string }).status, 'pass');
      assert.equal((await ask(socket.path, '/startupz')).status, 200);
      assert.equal((await ask(socket.path, '/healthz')).status, 200);
    } finally {
      await probes.close();
    }
  });

  it('follows markBroken() and drain(): the process’s own state, which a fresh process cannot see', async () => {
    const probes = createProbes();
    const socket = await probes.listen({ socket: socketFile() });
    try {
      probes.drain();
      assert.equal((await ask(socket.path, '/readyz')).body, '[-]shutdown failed: draining\nreadyz check failed\n');
      assert.equal((await ask(socket.path, '/livez')).status, 200);
      probes.markBroken('worker loop stalled');
      const live = await ask(socket.path, '/livez');
      assert.equal(live.status, 503);
      assert.match(live.body, /\[-\]broken failed: worker loop stalled/);
    } finally {
      await probes.close();
    }
  });

  it('serves the default paths whatever paths and basePath the HTTP endpoints use; anything else is a 404', async () => {
    const probes = createProbes({ basePath: '/_health', paths: { live: '/alive' } });
    const socket = await probes.listen({ socket: socketFile() });
    try {
      assert.equal((await ask(socket.path, '/livez')).status, 200);
      assert.equal((await ask(socket.path, '/readyz')).status, 200);
      const other = await ask(socket.path, '/_health/alive');
      assert.equal(other.status, 404);
      assert.equal(other.body, '404 page not found\n');
    } finally {
      await probes.close();
    }
  });

  it('creates the socket file with mode 0600', async () => {
    const probes = createProbes();
    const socket = await probes.listen({ socket: socketFile() });
    try {
      const stat = lstatSync(socket.path);
      assert.ok(stat.isSocket());
      assert.equal((stat.mode & 0o777).toString(8), '600');
    } finally {
      await probes.close();
    }
  });

  it('removes the file on close(), idempotently, even with a keep-alive connection open', async () => {
    const probes = createProbes();
    const socket = await probes.listen({ socket: socketFile() });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get({ socketPath: socket.path, path: '/livez', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    await socket.close();
    await socket.close();
    assert.equal(existsSync(socket.path), false);
    agent.destroy();
    await probes.close();
  });

  it('is closed, and its file removed, by probes.close(); listen() after close() is refused', async () => {
    const probes = createProbes();
    const first = await probes.listen({ socket: socketFile() });
    const second = await probes.listen({ socket: socketFile() });
    await probes.close();
    assert.equal(existsSync(first.path), false);
    assert.equal(existsSync(second.path), false);
    await assert.rejects(probes.listen({ socket: socketFile() }), (error: unknown) => error instanceof ShipshapeError && /after probes.close/.test(error.message));
  });

  it('replaces a stale socket file left by a killed process', async () => {
    const file = socketFile();
    staleSocket(file);
    const probes = createProbes();
    try {
      const socket = await probes.listen({ socket: file });
      assert.equal((await ask(socket.path, '/livez')).body, 'ok');
      assert.equal((lstatSync(file).mode & 0o777).toString(8), '600');
    } finally {
      await probes.close();
    }
  });

  it('refuses a socket another live process listens on, and leaves it working', async () => {
    const owner = createProbes();
    const file = socketFile();
    const socket = await owner.listen({ socket: file });
    const intruder = createProbes();
    try {
      await assert.rejects(intruder.listen({ socket: file }), (error: unknown) => {
        assert.ok(error instanceof ShipshapeError);
        assert.match(error.message, /another running process listens on it/);
        return true;
      });
      assert.equal((await ask(socket.path, '/livez')).body, 'ok');
    } finally {
      await intruder.close();
      await owner.close();
    }
  });

  it('refuses a path that is a plain file, and leaves the file alone', async () => {
    const file = socketFile();
    writeFileSync(file, 'precious');
    const probes = createProbes();
    try {
      await assert.rejects(probes.listen({ socket: file }), /the file exists and is not a socket/);
      assert.equal(readFileSync(file, 'utf8'), 'precious');
    } finally {
      await probes.close();
    }
  });

  it('says so when the directory does not exist', async () => {
    const probes = createProbes();
    await assert.rejects(probes.listen({ socket: path.join(dir, 'missing', 'p.sock') }), /cannot listen on .*missing\/p\.sock: the directory does not exist/);
    await probes.close();
  });

  it('throws a TypeError at the call for a bad option', () => {
    const probes: Probes = createProbes();
    const bad: [unknown, RegExp][] = [
      [undefined, /Expected `listen` options `\{ socket: "\/path\/to\/probes\.sock" \}`, got `undefined`/],
      [{}, /Expected `socket` to be a non-empty string, got `undefined`/],
      [{ socket: '' }, /Expected `socket` to be a non-empty string/],
      [{ socket: '/tmp/a.sock', mode: 0o666 }, /Unknown option `mode`: expected one of `socket`/],
      [{ socket: `/tmp/${'x'.repeat(120)}.sock` }, /Expected `socket` to be a path of at most 107 bytes/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => void probes.listen(options as never), (error: unknown) => error instanceof InvalidOptionError && error instanceof TypeError && message.test(error.message));
    }
  });

  it('does not keep the process alive, and a process that exits without close() leaves a stale file the next listen() replaces', async () => {
    const file = socketFile();
    const src = new URL('../../src/index.ts', import.meta.url).href;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { createProbes } = await import(${JSON.stringify(src)}); await createProbes().listen({ socket: ${JSON.stringify(file)} }); console.log('listening');`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
    clearTimeout(killer);
    assert.equal(out, 'listening\n');
    assert.equal(code, 0, 'the child exited by itself');
    const probes = createProbes();
    try {
      const socket = await probes.listen({ socket: file });
      assert.equal((await ask(socket.path, '/livez')).body, 'ok');
    } finally {
      await probes.close();
    }
  });
});
