/**
 * The amqplib connections apps hold, one row each: the promise and callback APIs of
 * amqplib 0.10 (what most apps run) and 2.x (the current major), and 2.x's recovering
 * connection. Each is named (`connection_name`), so that `rabbitmqctl` finds it among the
 * connections of parallel sessions.
 */
import amqp from 'amqplib';
import amqpCallback from 'amqplib/callback_api.js';
import amqp2 from 'amqplib2';
import amqp2Callback from 'amqplib2/callback_api';
import type { AmqpCallbackConnectionLike, AmqpPromiseConnectionLike } from '../../src/checks/rabbitmq.js';

/** An app's connection, as much of it as the tests touch. */
export interface AmqpApp {
  readonly connection: AmqpPromiseConnectionLike | AmqpCallbackConnectionLike;
  /** Publishes a message to an exclusive queue `queue` of this connection (what gets a connection blocked in an alarm). */
  publish(queue: string): Promise<void>;
  /** Resolves at the connection's next `event` (`blocked`, `unblocked`, `connect`). */
  next(event: string): Promise<unknown>;
  /** Closes the connection, or destroys its socket when the broker does not answer within 1 s. Never rejects. */
  close(): Promise<void>;
}

export interface AmqpClientRow {
  readonly name: string;
  /** Connects to `url` as `connectionName` (a recovering connection: its first connection is made). */
  readonly connect: (url: string, connectionName: string) => Promise<AmqpApp>;
  /** Whether it reconnects by itself after the broker closed it. */
  readonly recovers: boolean;
}

export const AMQP_CLIENTS: readonly AmqpClientRow[] = [
  { name: 'amqplib 0.10, promise API', recovers: false, connect: async (url, name) => promiseApp(await amqp.connect(url, options(name))) },
  { name: 'amqplib 0.10, callback API', recovers: false, connect: (url, name) => callbackApp(amqpCallback.connect, url, name) },
  { name: 'amqplib 2.x, promise API', recovers: false, connect: async (url, name) => promiseApp(await amqp2.connect(url, options(name))) },
  { name: 'amqplib 2.x, callback API', recovers: false, connect: (url, name) => callbackApp(amqp2Callback.connect, url, name) },
  {
    name: 'amqplib 2.x, recovering connection',
    recovers: true,
    // about a second between a loss and the next attempt: long enough for a test to see it down
    connect: async (url, name) => promiseApp(await amqp2.connect(url, { ...options(name), recovery: { initialDelay: 1000, jitter: 0 } })),
  },
];

// --- internal ---

function options(connectionName: string) {
  return { clientProperties: { connection_name: connectionName } };
}

interface PromiseModel extends AmqpPromiseConnectionLike {
  createChannel(): Promise<PromiseChannel & { close(): Promise<unknown> }>;
  close(): Promise<unknown>;
  once(event: string, listener: (...args: any[]) => void): unknown;
}

interface PromiseChannel {
  assertQueue(queue: string, options: object): Promise<unknown>;
  sendToQueue(queue: string, content: Buffer): boolean;
}

function promiseApp(model: PromiseModel): AmqpApp {
  model.on('error', () => {}); // as apps do: a broker closing the connection emits it
  let channel: Promise<PromiseChannel> | undefined;
  return {
    connection: model,
    async publish(queue) {
      channel ??= model.createChannel();
      const open = await channel;
      await open.assertQueue(queue, { exclusive: true });
      open.sendToQueue(queue, Buffer.from('shipshape'));
    },
    next: (event) => new Promise((resolve) => model.once(event, resolve)),
    close: () => closeWithin(model.close(), model),
  };
}

interface CallbackModel extends AmqpCallbackConnectionLike {
  createChannel(callback: (error: unknown, channel: CallbackChannel) => void): unknown;
  close(callback: (error?: unknown) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
}

interface CallbackChannel {
  close(callback: (error: unknown) => void): unknown;
  assertQueue(queue: string, options: object, callback: (error: unknown) => void): unknown;
  sendToQueue(queue: string, content: Buffer): boolean;
}

type CallbackConnect = (url: string, socketOptions: object, callback: (error: unknown, connection: any) => void) => unknown;

async function callbackApp(connect: CallbackConnect, url: string, name: string): Promise<AmqpApp> {
  const model = await new Promise<CallbackModel>((resolve, reject) =>
    connect(url, options(name), (error, connection: CallbackModel) => (error ? reject(error) : resolve(connection))),
  );
  model.on('error', () => {});
  let channel: Promise<CallbackChannel> | undefined;
  return {
    connection: model,
    async publish(queue) {
      channel ??= new Promise((resolve, reject) => model.createChannel((error, opened) => (error ? reject(error) : resolve(opened))));
      const open = await channel;
      await new Promise<void>((resolve, reject) => open.assertQueue(queue, { exclusive: true }, (error) => (error ? reject(error) : resolve())));
      open.sendToQueue(queue, Buffer.from('shipshape'));
    },
    next: (event) => new Promise((resolve) => model.once(event, resolve)),
    close: () => closeWithin(new Promise<void>((resolve) => model.close(() => resolve())), model),
  };
}

/** A blocked connection never gets the broker's close-ok (amqplib 0.10 waits for it): its socket is destroyed. */
async function closeWithin(closing: Promise<unknown>, model: object): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 1000)));
  const outcome = await Promise.race([closing.catch(() => 'closed'), late]);
  clearTimeout(timer);
  if (outcome === 'late') (model as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
