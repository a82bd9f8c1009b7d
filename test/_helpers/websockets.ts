/**
 * WebSocket fixtures: an http server with a `ws` WebSocketServer that echoes, a `ws`
 * client that records how it closed, and a raw client that upgrades by hand and then
 * ignores whatever the server sends (the client that never answers a close frame).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface WsClient {
  readonly ws: WebSocket;
  /** Resolves with the close code and reason the client saw. */
  readonly closed: Promise<Closed>;
  /** Sends `text` and resolves with the echo. */
  echo(text: string): Promise<string>;
}

/** Connects a `ws` client and waits for it to open. */
export async function wsClient(url: string): Promise<WsClient> {
  const ws = new WebSocket(url);
  const closed = new Promise<Closed>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    closed,
    echo: (text) =>
      new Promise((resolve) => {
        ws.once('message', (data) => resolve(String(data)));
        ws.send(text);
      }),
  };
}

/**
 * An http server (`/work` answers `done`) with an echoing WebSocketServer on it, listening
 * on 127.0.0.1. With `raw`, the app routes upgrades itself (a `noServer` WebSocketServer on
 * `path`) and also answers an upgrade to `/raw` with a 101 and keeps the socket, as an app
 * with a second protocol would.
 */
export async function echoServer(options: { path?: string; raw?: boolean } = {}): Promise<{ server: http.Server; wss: WebSocketServer; base: string; wsBase: string }> {
  const server = http.createServer((req, res) => res.end('done'));
  const wss = options.raw ? new WebSocketServer({ noServer: true, path: options.path }) : new WebSocketServer({ server, path: options.path });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(String(data))));
  if (options.raw) {
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/raw') socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: raw\r\nConnection: Upgrade\r\n\r\n');
      else wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, wss, base: `http://127.0.0.1:${port}`, wsBase: `ws://127.0.0.1:${port}` };
}

/**
 * Upgrades a raw socket to WebSocket on `path`, then reads and ignores everything: it
 * never answers a close frame and never closes its side (allowHalfOpen), as a hung client.
 * Resolves once the 101 has arrived, with the socket and a promise of its close.
 */
export async function deafClient(port: number, path: string): Promise<{ socket: net.Socket; ended: Promise<void>; closed: Promise<void> }> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.removeListener('data', onData);
      socket.resume(); // from now on: read and ignore
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  return { socket, ended, closed };
}
