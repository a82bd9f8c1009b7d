/**
 * The WebSocket side of the rollout (rollout.ts, app `websockets`): `ws` clients on `/ws`
 * and socket.io clients (WebSocket transport: a balancer without sticky sessions) through
 * the balancer, each exchanging a message every 100 ms and reconnecting by itself when
 * closed. Every close is sorted: 1001 / `transport close` with 1001 is a client told to go
 * elsewhere; anything else (1006, a failed connect, `io server disconnect`) is abnormal.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

export interface SocketStats {
  readonly clients: number;
  /** Closes with 1001 (ws) or `transport close` on a 1001 (socket.io). */
  goingAway: number;
  /** Every other close, and failed connects: the figure that must be 0. */
  abnormal: number;
  readonly reasons: string[];
  /** Echoes received. */
  messages: number;
  /** Clients connected, at the end, to the process given to `stop()`. */
  onSurvivor: number;
}

/** Starts `ws` + `io` clients against the balancer at `url` (http://…); `ready` resolves once all have said hello. */
export function startSockets(url: string, counts: { ws: number; io: number } = { ws: 10, io: 10 }) {
  const stats: SocketStats = { clients: counts.ws + counts.io, goingAway: 0, abnormal: 0, reasons: [], messages: 0, onSurvivor: 0 };
  let running = true;
  const pids: (number | undefined)[] = [];
  const closers: (() => void)[] = [];
  const hellos: Promise<void>[] = [];
  const abnormal = (reason: string): void => {
    stats.abnormal += 1;
    stats.reasons.push(reason);
  };

  for (let index = 0; index < counts.ws; index += 1) {
    let ws: WebSocket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let greeted!: () => void;
    hellos.push(new Promise((resolve) => (greeted = resolve)));
    const open = (): void => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
      ws = socket;
      socket.on('error', () => {}); // its close (1006) says it
      socket.on('message', (data) => {
        const hello = /^hello (\d+)$/.exec(String(data));
        if (hello) {
          pids[index] = Number(hello[1]);
          greeted();
        } else stats.messages += 1;
      });
      socket.on('open', () => (timer = setInterval(() => socket.send('ping'), 100)));
      socket.on('close', (code) => {
        clearInterval(timer);
        pids[index] = undefined;
        if (!running) return;
        if (code === 1001) stats.goingAway += 1;
        else abnormal(`ws close ${code}`);
        open(); // reconnect at once, through the balancer
      });
    };
    open();
    closers.push(() => ws?.terminate());
  }

  for (let index = counts.ws; index < counts.ws + counts.io; index += 1) {
    const socket: Socket = ioClient(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 });
    let greeted!: () => void;
    hellos.push(new Promise((resolve) => (greeted = resolve)));
    socket.on('hello', (pid: number) => {
      pids[index] = pid;
      greeted();
    });
    const timer = setInterval(() => {
      if (socket.connected) void socket.timeout(2000).emitWithAck('echo', 'ping').then(() => (stats.messages += 1), () => {});
    }, 100);
    socket.on('disconnect', (reason, details) => {
      pids[index] = undefined;
      if (!running) return;
      const code = (details as { context?: { code?: number } } | undefined)?.context?.code;
      if (reason === 'transport close' && code === 1001 && socket.active) stats.goingAway += 1;
      else abnormal(`socket.io disconnect ${reason} ${code}`);
    });
    socket.on('connect_error', (error) => {
      if (running) abnormal(`socket.io connect_error ${error.message}`);
    });
    closers.push(() => {
      clearInterval(timer);
      socket.disconnect();
    });
  }

  return {
    stats,
    ready: Promise.all(hellos).then(() => {}),
    /** Stops every client (once); counts those connected to `survivorPid` first. */
    stop(survivorPid: number): SocketStats {
      if (running) {
        stats.onSurvivor = pids.filter((pid) => pid === survivorPid).length;
        running = false;
        for (const close of closers) close();
      }
      return { ...stats, reasons: [...stats.reasons] };
    },
  };
}
