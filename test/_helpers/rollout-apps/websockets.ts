// node:http with withProbes, a `ws` WebSocketServer on /ws and a socket.io Server on the
// same server, all shut down by one gracefulShutdown. Each says which process it is: a ws
// client gets `hello PID` on connect, a socket.io client the event `hello` with the pid.
// WEBSOCKETS=off leaves the `websockets` option out (the control: clients are cut, not told).
import http from 'node:http';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { withProbes } from '../../../src/adapters/node.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const server = http.createServer(
  withProbes(probes, async (req, res) => {
    await sleep(workMs(req.url));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body);
  }),
);
// noServer: a WebSocketServer given `server` answers 400 to every other upgrade, socket.io's included
const wss = new WebSocketServer({ noServer: true, path: '/ws' });
server.on('upgrade', (req, socket, head) => {
  if (wss.shouldHandle(req)) wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
wss.on('connection', (ws) => {
  ws.send(`hello ${process.pid}`);
  ws.on('message', (data) => ws.send(String(data)));
});
const io = new Server(server);
io.on('connection', (socket) => {
  socket.emit('hello', process.pid);
  socket.on('echo', (text: string, answer: (text: string) => void) => answer(text));
});
gracefulShutdown(server, { ...shutdownOptions, ...(process.env.WEBSOCKETS !== 'off' && { websockets: [wss, io] }) });
server.listen(0, '127.0.0.1', () => announce(server.address()));
