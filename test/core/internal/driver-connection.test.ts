/**
 * A URL check's connection through a lazily loaded driver
 * (src/core/internal/driver-connection.ts): the load happens once, inside the first use's
 * signal, a failed load fails every use without opening anything, each use gets the loaded
 * driver, and the connection then lives the owned-connection lifecycle (tested in
 * owned-connection.test.ts), its options passed on, on real sockets.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { DriverMissingError } from '../../../src/core/errors.js';
import { DriverConnection } from '../../../src/core/internal/driver-connection.js';
import { loadDriver } from '../../../src/core/internal/load-driver.js';
import { CLOSED_MESSAGE, type ConnectionDriver } from '../../../src/core/internal/owned-connection.js';

const never = (): AbortSignal => new AbortController().signal;

const sockets = new Set<net.Socket>();
const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as net.AddressInfo;
after(() => {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(resolve));
});

/** A "driver" module whose connections are plain sockets to the server above; counts its opens. */
function socketDriver() {
  const opened: net.Socket[] = [];
  const connect = (): ConnectionDriver<net.Socket> => ({
    open(lost) {
      const socket = net.connect(port, '127.0.0.1');
      opened.push(socket);
      socket.on('close', lost);
      socket.on('error', () => {});
      return { connection: socket, ready: new Promise((resolve) => socket.once('connect', resolve)) };
    },
    destroy: (socket) => socket.destroy(),
  });
  return { opened, connect };
}

async function waitForServerSockets(count: number): Promise<void> {
  for (const deadline = Date.now() + 2000; sockets.size !== count; ) {
    if (Date.now() > deadline) throw new Error(`${sockets.size} sockets open, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('DriverConnection', () => {
  it('loads the driver once, on the first use, and keeps one connection that close() ends', async () => {
    let loads = 0;
    const { opened, connect } = socketDriver();
    const connection = new DriverConnection(async () => ((loads += 1), 'module'), (module) => (assert.equal(module, 'module'), connect()));
    assert.equal(loads, 0, 'nothing is loaded when it is built');
    const uses = await Promise.all([1, 2, 3].map((n) => connection.use(never(), (socket) => (assert.ok(socket instanceof net.Socket), n))));
    assert.deepEqual(uses, [1, 2, 3]);
    assert.equal(loads, 1);
    assert.equal(opened.length, 1);
    await waitForServerSockets(1);
    await connection.close();
    await waitForServerSockets(0);
    await assert.rejects(connection.use(never(), () => 1), { message: CLOSED_MESSAGE });
  });

  it('a driver that is not installed fails every use with DriverMissingError and opens nothing', async () => {
    const { opened, connect } = socketDriver();
    const connection = new DriverConnection(() => loadDriver('shipshape-no-such-broker-driver'), connect);
    for (let use = 0; use < 2; use += 1) {
      await assert.rejects(connection.use(never(), () => 1), (error: unknown) => {
        assert.ok(error instanceof DriverMissingError);
        assert.equal(error.packageName, 'shipshape-no-such-broker-driver');
        return true;
      });
    }
    assert.equal(opened.length, 0);
  });

  it("loading counts against the use's signal", async () => {
    const { opened, connect } = socketDriver();
    const connection = new DriverConnection(() => new Promise<never>(() => {}), connect);
    const timeout = new Error('timed out');
    await assert.rejects(connection.use(AbortSignal.abort(timeout), () => 1), timeout);
    const controller = new AbortController();
    const use = connection.use(controller.signal, () => 1);
    controller.abort(timeout);
    await assert.rejects(use, timeout);
    assert.equal(opened.length, 0);
  });

  it('hands each use the loaded driver, and passes the lifecycle options on (reopen: false, onLost)', async () => {
    const { opened, connect } = socketDriver();
    const lost: Error[] = [];
    const connection = new DriverConnection(async () => ({ name: 'module' }), connect, { reopen: false, onLost: (error) => lost.push(error) });
    assert.equal(await connection.use(never(), (_socket, driver) => driver.name), 'module');
    await waitForServerSockets(1);
    for (const socket of sockets) socket.destroy();
    for (const deadline = Date.now() + 2000; lost.length === 0; ) {
      if (Date.now() > deadline) throw new Error('onLost was not called');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await assert.rejects(connection.use(never(), () => 1));
    assert.equal(opened.length, 1, 'not reopened');
    await connection.close();
  });

  it('closed before its first use, it opens nothing afterwards', async () => {
    const { opened, connect } = socketDriver();
    const connection = new DriverConnection(async () => 'module', connect);
    await connection.close();
    await assert.rejects(connection.use(never(), () => 1), { message: CLOSED_MESSAGE });
    assert.equal(opened.length, 0);
  });
});
