/**
 * The one lifecycle of an owned connection (src/core/internal/owned-connection.ts), on real
 * TCP sockets of 127.0.0.1: a scripted line server on one side, and on the other a tiny
 * driver whose connection is ready once the server says `hello`, and whose work is a
 * `ping` answered by `pong`. The server's own counts (accepted, open, lines received) are
 * what the assertions read.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { CLOSED_MESSAGE, END_GRACE_MS, OwnedConnection, type ConnectionDriver } from '../../../src/core/internal/owned-connection.js';
import { waitUntilClosed } from '../../_helpers/sockets.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const never = (): AbortSignal => new AbortController().signal;

/** What the server does with the next connection: greet it, say nothing, or close it at once. */
type Greeting = 'hello' | 'silent' | 'close';

/** A line server that greets, answers `ping` (with `pong` or a scripted reply) and ends on `bye`. */
interface ScriptedServer {
  readonly port: number;
  greeting: Greeting;
  /** Replies for the next pings, in order (`silent`: none); then `pong`. */
  readonly replies: string[];
  /** Every line received, on every connection. */
  readonly received: string[];
  accepted(): number;
  open(): number;
  /** Destroys every connection (the server killed them; a restart). */
  killAll(): void;
  waitForAllClosed(): Promise<void>;
  close(): Promise<void>;
}

async function startScriptedServer(): Promise<ScriptedServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const state = {
    greeting: 'hello' as Greeting,
    replies: [] as string[],
    received: [] as string[],
  };
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (state.greeting === 'close') return void socket.destroy();
    if (state.greeting === 'hello') socket.write('hello\n');
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        state.received.push(line);
        if (line === 'bye') socket.end();
        else if (line === 'ping') {
          const reply = state.replies.shift() ?? 'pong';
          if (reply !== 'silent') socket.write(`${reply}\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    open: () => sockets.size,
    killAll: () => {
      for (const socket of sockets) socket.destroy();
    },
    waitForAllClosed: () => waitUntilClosed(sockets, 'the scripted server', 2000),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** The client side of one connection: ready on `hello`, then one reply line per request. */
class LineClient {
  readonly socket: net.Socket;
  readonly ready: Promise<void>;
  #waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  #buffer = '';

  constructor(port: number, lost: () => void) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.setEncoding('utf8');
    this.socket.on('error', () => {});
    this.ready = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve: (line) => (line === 'hello' ? resolve() : reject(new Error(`greeted with ${line}`))), reject });
    });
    this.socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end: number;
      while ((end = this.#buffer.indexOf('\n')) !== -1) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        this.#waiting.shift()?.resolve(line);
      }
    });
    this.socket.on('close', () => {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('connection closed by the server'));
      lost();
    });
  }

  request(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('connection closed by the server'));
      this.#waiting.push({ resolve, reject });
      this.socket.write(`${line}\n`);
    });
  }
}

/** A reply the driver calls stale: worth one retry on a fresh connection. */
class StaleError extends Error {}

async function ping(client: LineClient): Promise<string> {
  const reply = await client.request('ping');
  if (reply === 'stale') throw new StaleError('stale connection');
  if (reply !== 'pong') throw new Error(`unexpected reply ${reply}`);
  return reply;
}

/** The tiny driver, with counts of its own calls. */
function lineDriver(port: number, extra: Partial<ConnectionDriver<LineClient>> = {}) {
  const calls = { open: 0, destroy: 0, end: 0 };
  const driver: ConnectionDriver<LineClient> = {
    open(lost) {
      calls.open += 1;
      const client = new LineClient(port, lost);
      return { connection: client, ready: client.ready };
    },
    destroy(client) {
      calls.destroy += 1;
      client.socket.destroy();
    },
    ...extra,
  };
  return { driver, calls };
}

const servers: ScriptedServer[] = [];
const owned: OwnedConnection<unknown>[] = [];
async function setup(extra: Partial<ConnectionDriver<LineClient>> = {}, reopen?: boolean) {
  const server = await startScriptedServer();
  servers.push(server);
  const { driver, calls } = lineDriver(server.port, extra);
  const connection = new OwnedConnection(driver, reopen === undefined ? {} : { reopen });
  owned.push(connection as OwnedConnection<unknown>);
  return { server, connection, calls };
}
afterEach(async () => {
  await Promise.all(owned.splice(0).map((connection) => connection.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
after(() => assert.equal(servers.length + owned.length, 0));

describe('OwnedConnection: opening and reuse', () => {
  it('opens nothing until the first use, then one connection that later uses reuse', async () => {
    const { server, connection, calls } = await setup();
    await sleep(30);
    assert.equal(server.accepted(), 0, 'lazy');
    assert.equal(await connection.use(never(), ping), 'pong');
    for (let i = 0; i < 3; i += 1) assert.equal(await connection.use(never(), ping), 'pong');
    assert.equal(server.accepted(), 1, 'reused');
    assert.equal(calls.open, 1);
    assert.deepEqual(server.received, ['ping', 'ping', 'ping', 'ping']);
  });

  it('gives concurrent first uses the one connection being opened', async () => {
    const { server, connection } = await setup();
    assert.deepEqual(await Promise.all([connection.use(never(), ping), connection.use(never(), ping)]), ['pong', 'pong']);
    assert.equal(server.accepted(), 1);
  });

  it('returns what the work returns, and passes it the connection', async () => {
    const { connection } = await setup();
    const seen = await connection.use(never(), (client) => client instanceof LineClient);
    assert.equal(seen, true);
  });

  it('fails a use whose signal is already aborted without opening anything', async () => {
    const { server, connection, calls } = await setup();
    const reason = new Error('already gone');
    await assert.rejects(connection.use(AbortSignal.abort(reason), ping), (error) => error === reason);
    await sleep(30);
    assert.deepEqual([server.accepted(), calls.open], [0, 0]);
  });

  it('fails a use when open() throws, and tries again on the next use', async () => {
    let fail = true;
    const server = await startScriptedServer();
    servers.push(server);
    const { driver } = lineDriver(server.port);
    const connection = new OwnedConnection<LineClient>({
      ...driver,
      open(lost) {
        if (fail) throw new Error('cannot open the file');
        return driver.open(lost);
      },
    });
    owned.push(connection as OwnedConnection<unknown>);
    await assert.rejects(connection.use(never(), ping), /cannot open the file/);
    fail = false;
    assert.equal(await connection.use(never(), ping), 'pong');
  });
});

describe('OwnedConnection: failures and reopening', () => {
  it('discards the connection after a failed use: the socket is destroyed and the next use opens a fresh one', async () => {
    const { server, connection, calls } = await setup();
    await connection.use(never(), ping);
    server.replies.push('nonsense');
    await assert.rejects(connection.use(never(), ping), /unexpected reply nonsense/);
    await server.waitForAllClosed();
    assert.ok(calls.destroy >= 1, 'destroyed (again when its close event calls lost(): destroy is idempotent)');
    assert.equal(await connection.use(never(), ping), 'pong');
    assert.equal(server.accepted(), 2);
  });

  it('notices a connection the server killed while it sat idle, and reopens on the next use', async () => {
    const { server, connection } = await setup();
    await connection.use(never(), ping);
    server.killAll();
    await sleep(50); // let 'close' arrive: the driver calls lost()
    assert.equal(await connection.use(never(), ping), 'pong');
    assert.equal(server.accepted(), 2);
  });

  it('retries a connection that never came up on the next use', async () => {
    const { server, connection } = await setup();
    server.greeting = 'close';
    await assert.rejects(connection.use(never(), ping), /closed/);
    server.greeting = 'hello';
    assert.equal(await connection.use(never(), ping), 'pong');
    assert.equal(server.accepted(), 2);
  });

  it('never lets destroy() throwing fail a use a second time', async () => {
    const { server, connection } = await setup({
      destroy(client) {
        client.socket.destroy();
        throw new Error('already destroyed');
      },
    });
    await connection.use(never(), ping);
    server.replies.push('nonsense');
    await assert.rejects(connection.use(never(), ping), /unexpected reply nonsense/);
    assert.equal(await connection.use(never(), ping), 'pong');
  });
});

describe('OwnedConnection: abort', () => {
  it('destroys the connection when the signal aborts mid-use and rejects with the signal’s reason', async () => {
    const { server, connection, calls } = await setup();
    await connection.use(never(), ping);
    server.replies.push('silent');
    const controller = new AbortController();
    const reason = new Error('timed out after 50 ms');
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(connection.use(controller.signal, ping), (error) => error === reason);
    await server.waitForAllClosed();
    assert.ok(calls.destroy >= 1);
    assert.equal(await connection.use(never(), ping), 'pong', 'the next use reconnects');
    assert.equal(server.accepted(), 2);
  });

  it('destroys a connection still opening when the signal aborts', async () => {
    const { server, connection } = await setup();
    server.greeting = 'silent';
    const reason = new Error('timed out while connecting');
    const controller = new AbortController();
    const pending = connection.use(controller.signal, ping);
    while (server.open() === 0) await sleep(5);
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    await server.waitForAllClosed();
    assert.deepEqual(server.received, [], 'no work was sent on a connection that never came up');
  });
});

describe('OwnedConnection: retryStale', () => {
  const retryStale = (error: unknown) => error instanceof StaleError;

  it('retries once on a fresh connection when a kept connection fails with an error the driver calls stale', async () => {
    const { server, connection } = await setup({ retryStale });
    await connection.use(never(), ping);
    server.replies.push('stale');
    assert.equal(await connection.use(never(), ping), 'pong');
    assert.equal(server.accepted(), 2);
  });

  it('retries only once', async () => {
    const { server, connection } = await setup({ retryStale });
    await connection.use(never(), ping);
    server.replies.push('stale', 'stale');
    await assert.rejects(connection.use(never(), ping), StaleError);
    assert.equal(server.accepted(), 2);
  });

  it('does not retry on a connection opened for this use', async () => {
    const { server, connection } = await setup({ retryStale });
    server.replies.push('stale');
    await assert.rejects(connection.use(never(), ping), StaleError);
    assert.equal(server.accepted(), 1);
  });

  it('does not retry an error the driver does not call stale, nor without retryStale', async () => {
    for (const extra of [{ retryStale }, {}]) {
      const { server, connection } = await setup(extra);
      await connection.use(never(), ping);
      server.replies.push(extra.retryStale ? 'nonsense' : 'stale');
      await assert.rejects(connection.use(never(), ping));
      assert.equal(server.accepted(), 1);
    }
  });
});

describe('OwnedConnection: reopen: false', () => {
  it('fails every use after a connection that was up is lost, and opens nothing', async () => {
    const { server, connection } = await setup({}, false);
    await connection.use(never(), ping);
    server.killAll();
    await sleep(50);
    for (let i = 0; i < 2; i += 1) await assert.rejects(connection.use(never(), ping), { message: 'connection lost (it is not reopened)' });
    assert.equal(server.accepted(), 1);
  });

  it('takes a failed use of a connection that was up as lost too (its session is gone)', async () => {
    const { server, connection } = await setup({}, false);
    await connection.use(never(), ping);
    server.replies.push('nonsense');
    await assert.rejects(connection.use(never(), ping), /unexpected reply/);
    await assert.rejects(connection.use(never(), ping), /not reopened/);
    assert.equal(server.accepted(), 1);
  });

  it('still retries a connection that never came up', async () => {
    const { server, connection } = await setup({}, false);
    server.greeting = 'close';
    await assert.rejects(connection.use(never(), ping), /closed/);
    server.greeting = 'hello';
    assert.equal(await connection.use(never(), ping), 'pong');
  });

  it('does not retry a stale kept connection either', async () => {
    const { server, connection } = await setup({ retryStale: (error) => error instanceof StaleError }, false);
    await connection.use(never(), ping);
    server.replies.push('stale');
    await assert.rejects(connection.use(never(), ping), StaleError);
    assert.equal(server.accepted(), 1);
  });
});

describe('OwnedConnection: close()', () => {
  it('is idempotent: every call returns the same closing', async () => {
    const { server, connection } = await setup();
    await connection.use(never(), ping);
    const first = connection.close();
    assert.equal(connection.close(), first);
    await first;
    await server.waitForAllClosed();
  });

  it('opens nothing when nothing was ever used', async () => {
    const { server, connection, calls } = await setup();
    await connection.close();
    assert.deepEqual([server.accepted(), calls.destroy], [0, 0]);
  });

  it('fails every later use with CLOSED_MESSAGE and opens nothing', async () => {
    const { server, connection } = await setup();
    await connection.use(never(), ping);
    await connection.close();
    for (let i = 0; i < 2; i += 1) await assert.rejects(connection.use(never(), ping), { message: CLOSED_MESSAGE });
    assert.equal(server.accepted(), 1);
    assert.equal(CLOSED_MESSAGE, 'connection closed (close() was called)');
  });

  it('says goodbye with end() on a connection that is up, then destroys it', async () => {
    const { server, connection, calls } = await setup({
      end(client) {
        calls.end += 1;
        client.socket.write('bye\n');
        return new Promise((resolve) => client.socket.once('end', resolve));
      },
    });
    await connection.use(never(), ping);
    await connection.close();
    assert.deepEqual(server.received, ['ping', 'bye']);
    assert.deepEqual([calls.end, calls.destroy], [1, 1]);
    await server.waitForAllClosed();
  });

  it('gives a goodbye that never finishes END_GRACE_MS, then destroys the socket', async () => {
    let ended = 0;
    const { server, connection } = await setup({
      end() {
        ended += 1;
        return new Promise(() => {}); // a server that never answers the goodbye
      },
    });
    await connection.use(never(), ping);
    const started = performance.now();
    let closed = false;
    const closing = connection.close().then(() => (closed = true));
    await sleep(100);
    assert.equal(closed, false, 'waits for the goodbye');
    assert.equal(server.open(), 1);
    await closing;
    assert.ok(performance.now() - started < END_GRACE_MS + 1000, `took ${performance.now() - started} ms`);
    assert.equal(ended, 1);
    await server.waitForAllClosed();
    assert.equal(END_GRACE_MS, 500);
  });

  it('destroys at once, without a goodbye, a connection still opening', async () => {
    const { server, connection, calls } = await setup({
      end() {
        calls.end += 1;
        return Promise.resolve();
      },
    });
    server.greeting = 'silent';
    const failed = assert.rejects(connection.use(never(), ping), /closed/);
    while (server.open() === 0) await sleep(5);
    await connection.close();
    await server.waitForAllClosed();
    assert.equal(calls.end, 0);
    await failed;
  });

  it('swallows a goodbye that fails', async () => {
    const { server, connection } = await setup({ end: () => Promise.reject(new Error('broken pipe')) });
    await connection.use(never(), ping);
    await connection.close();
    await server.waitForAllClosed();
  });
});
