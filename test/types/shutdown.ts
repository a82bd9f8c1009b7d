/**
 * Type tests for gracefulShutdown's servers and the `websockets` option, checked by
 * `npm run typecheck` (never run): what must compile, and misuse that must not.
 */
import http from 'node:http';
import http2 from 'node:http2';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { createProbes, gracefulShutdown, type ShutdownController } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';

const probes = createProbes();
const api = http.createServer(withProbes(probes, (req, res) => res.end('api')));
const h2 = http2.createServer(withProbes(probes, (req, res) => res.end(`h2 ${req.url}`)));
const h2s = http2.createSecureServer({ allowHTTP1: true }, withProbes<http2.Http2ServerRequest>(probes)); // no handler: nothing to infer from
const wss = new WebSocketServer({ server: api });
const io = new SocketIoServer(api);

// one server, several, a worker; a ws server, a socket.io server, or both
const one: ShutdownController = gracefulShutdown(h2, { probes });
gracefulShutdown([api, h2, h2s], { probes, websockets: wss });
gracefulShutdown(null, { websockets: [wss, io] });
const signal: AbortSignal = one.signal;
void signal;

// @ts-expect-error a server is not a WebSocket server
gracefulShutdown(api, { websockets: api });
// @ts-expect-error the signal is the shutdown's, not to be replaced
one.signal = new AbortController().signal;
