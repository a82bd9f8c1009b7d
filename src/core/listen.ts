/**
 * `probes.listen({ socket })`: the probe endpoints on a Unix socket, for
 * `shipshape probe --socket` in an exec probe. A worker has no HTTP server; an exec probe
 * that runs the checks in a fresh process says nothing about the worker itself (a hung
 * event loop, a `markBroken()` call, a drain). Asking the worker over its own socket does.
 *
 * node:http and node:net are loaded only here, when a socket is opened, with
 * `process.getBuiltinModule` (an app that never listens never pays for them).
 */
import type { Server } from 'node:http';
import { InvalidOptionError, ShipshapeError } from './errors.js';
import { handleNode } from './handle.js';
import { describe, expectKnownKeys, expectString } from './options.js';
import type { ProbeEngine } from './respond.js';
import { RouteTable } from './routes.js';

/** Options of `probes.listen()`. */
export interface ListenOptions {
  /**
   * The socket file's path, e.g. `/run/app/probes.sock` (an `emptyDir` shared by nobody
   * else). A relative path is taken from `process.cwd()`. At most 107 bytes (Linux's
   * `sun_path`).
   */
  readonly socket: string;
}

/** An open probe socket; see `probes.listen()`. */
export interface ProbeSocket {
  /** The socket file's absolute path. */
  readonly path: string;
  /** Stops serving and removes the socket file. Idempotent; `probes.close()` calls it too. */
  close(): Promise<void>;
}

/** The socket file's mode: only the app's own user (and root) may ask it. */
export const SOCKET_MODE = 0o600;

/** Linux's `sun_path` holds 108 bytes, the terminating NUL included (unix(7)). */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Serves `engine`'s probes on the Unix socket `options.socket` and resolves once it
 * listens. The socket answers the default paths (`/livez`, `/healthz`, `/readyz`,
 * `/startupz`, `/readyz/NAME`), whatever `paths` and `basePath` the HTTP endpoints use: it
 * is shipshape's own channel, and `shipshape probe --socket` needs to know nothing of the
 * app's routes. Every other request is a 404.
 */
export function listenOnSocket(engine: ProbeEngine, options: ListenOptions): Promise<ProbeSocket> {
  // options are checked at once (a TypeError thrown by the call), the rest is asynchronous
  return serve(engine, socketPath(options));
}

// --- internal ---

async function serve(engine: ProbeEngine, path: string): Promise<ProbeSocket> {
  const defaults: ProbeEngine = {
    routes: new RouteTable(undefined, ''),
    details: engine.details,
    identity: engine.identity,
    check: (probe, checkOptions) => engine.check(probe, checkOptions),
    checkOne: (probe, name) => engine.checkOne(probe, name),
    passesAtOnce: (probe) => engine.passesAtOnce(probe),
  };
  const { createServer } = process.getBuiltinModule('node:http');
  const server = createServer(function probeSocket(req, res) {
    if (handleNode(defaults, req, res)) return;
    const body = '404 page not found\n';
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store' });
    res.end(body);
  });
  await listenReplacingStale(server, path);
  const { chmodSync } = process.getBuiltinModule('node:fs');
  try {
    // bind(2) creates the file with the process's umask; chmod right after, before any
    // probe answers (a connection in between would only get a probe answer)
    chmodSync(path, SOCKET_MODE);
  } catch (error) {
    await closeServer(server);
    throw new ShipshapeError(`cannot set the mode of the probe socket ${path}: ${(error as Error).message}`, { cause: error });
  }
  // The socket must not keep a process alive that would otherwise exit (a worker that is
  // done): it answers while the process runs, and is no reason for it to run.
  server.unref();
  let closing: Promise<void> | undefined;
  return {
    path,
    close() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}

function socketPath(options: ListenOptions): string {
  if (options === undefined) throw new InvalidOptionError('Expected `listen` options `{ socket: "/path/to/probes.sock" }`, got `undefined`');
  expectKnownKeys('options', options, ['socket']);
  expectString('socket', options.socket);
  const path = process.getBuiltinModule('node:path').resolve(options.socket);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new InvalidOptionError(`Expected \`socket\` to be a path of at most ${MAX_SOCKET_PATH_BYTES} bytes (a Unix socket's limit), got ${describe(path)}`);
  }
  return path;
}

/**
 * `listen(path)`; on `EADDRINUSE` a socket file nobody accepts on (left by a process that
 * was killed: `close()` never ran) is removed and listened on again, while a socket a live
 * process accepts on, or a file that is no socket, is an error: neither is ours to take.
 */
async function listenReplacingStale(server: Server, path: string): Promise<void> {
  try {
    await listen(server, path);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw listenError(path, error);
  }
  const fs = process.getBuiltinModule('node:fs');
  let isSocket = false;
  try {
    isSocket = fs.lstatSync(path).isSocket();
  } catch {
    // gone in the meantime: listen again
    isSocket = true;
  }
  if (!isSocket) throw new ShipshapeError(`cannot listen on ${path}: the file exists and is not a socket (shipshape removes only stale sockets)`);
  if (await acceptsConnections(path)) {
    throw new ShipshapeError(`cannot listen on ${path}: another running process listens on it (two apps on one socket?)`);
  }
  fs.rmSync(path, { force: true });
  try {
    await listen(server, path);
  } catch (error) {
    throw listenError(path, error);
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => {
      server.off('listening', listening);
      reject(error);
    };
    const listening = (): void => {
      server.off('error', failed);
      resolve();
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(path);
  });
}

/** Whether a process accepts connections on the socket at `path` (a refused connect means stale). */
function acceptsConnections(path: string): Promise<boolean> {
  const { connect } = process.getBuiltinModule('node:net');
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (accepts: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(accepts);
    };
    // a live process that is too busy to accept within a second still owns the socket
    const timer = setTimeout(() => done(true), 1000);
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'));
  });
}

function listenError(path: string, error: unknown): ShipshapeError {
  const code = (error as NodeJS.ErrnoException).code;
  // Node reports a bind(2) below a missing directory as EACCES too
  const { existsSync } = process.getBuiltinModule('node:fs');
  const directory = process.getBuiltinModule('node:path').dirname(path);
  const hint = !existsSync(directory) ? 'the directory does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new ShipshapeError(`cannot listen on ${path}: ${hint}`, { cause: error });
}

/** Closes the server, dropping idle and active probe connections; libuv removes the socket file on close. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
