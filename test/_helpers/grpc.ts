/**
 * Real gRPC parts for tests: a grpc-js server on 127.0.0.1, and a grpc-js client of the
 * health service built on `grpc-health-check`'s own service definition (loaded from its
 * .proto by @grpc/proto-loader), so that every call a test makes is a third-party client
 * reading shipshape's service.
 */
import * as grpcjs from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';

export interface GrpcServer {
  readonly server: grpcjs.Server;
  readonly port: number;
  /** `forceShutdown()`: every call and connection ends at once. */
  close(): void;
}

/** A grpc-js server on a free port of 127.0.0.1, set up by `setup` before it binds; `credentials` default to plaintext. */
export async function startGrpcServer(setup: (server: grpcjs.Server) => void, credentials = grpcjs.ServerCredentials.createInsecure(), port = 0): Promise<GrpcServer> {
  const server = new grpcjs.Server();
  setup(server);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, credentials, (error, actual) => (error ? reject(error) : resolve(actual))),
  );
  return { server, port: bound, close: () => server.forceShutdown() };
}

/** What a health call ended with: a response, or a gRPC error status. */
export interface HealthAnswer<T> {
  readonly response?: T;
  readonly code?: number;
  readonly details?: string;
}

/** A `Watch` call in progress: the statuses received so far, and how it ended (if it did). */
export interface WatchCall {
  readonly statuses: string[];
  /** The call's final status code (0 when the server ended it with OK), once it has one. */
  readonly ended: () => number | undefined;
  /** Resolves once `count` statuses have arrived, or rejects after `timeoutMs`. */
  next(count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves with the final status code once the call ends, or rejects after `timeoutMs`. */
  end(timeoutMs?: number): Promise<number>;
  cancel(): void;
}

export interface HealthClient {
  check(service: string): Promise<HealthAnswer<{ status: string }>>;
  list(): Promise<HealthAnswer<{ statuses: Record<string, { status: string }> }>>;
  watch(service: string): WatchCall;
  close(): void;
}

const HealthClientConstructor = grpcjs.makeGenericClientConstructor(healthDefinition as unknown as grpcjs.ServiceDefinition, 'Health');

type Callback<T> = (error: grpcjs.ServiceError | null, response?: T) => void;
interface RawHealthClient extends grpcjs.Client {
  check(request: { service: string }, options: grpcjs.CallOptions, callback: Callback<{ status: string }>): void;
  list(request: object, options: grpcjs.CallOptions, callback: Callback<{ statuses: Record<string, { status: string }> }>): void;
  watch(request: { service: string }): grpcjs.ClientReadableStream<{ status: string }>;
}

/** A grpc-js client of `grpc.health.v1.Health` at 127.0.0.1:`port`; every unary call has a 5 s deadline. */
export function healthClient(port: number, credentials = grpcjs.credentials.createInsecure(), options?: grpcjs.ChannelOptions): HealthClient {
  const client = new HealthClientConstructor(`127.0.0.1:${port}`, credentials, options) as unknown as RawHealthClient;
  const deadline = (): grpcjs.CallOptions => ({ deadline: Date.now() + 5000 });
  const answer = <T>(resolve: (answer: HealthAnswer<T>) => void): Callback<T> => (error, response) =>
    resolve(error ? { code: error.code, details: error.details } : { response: response as T });
  return {
    check: (service) => new Promise((resolve) => client.check({ service }, deadline(), answer(resolve))),
    list: () => new Promise((resolve) => client.list({}, deadline(), answer(resolve))),
    watch: (service) => watchCall(client.watch({ service })),
    close: () => client.close(),
  };
}

function watchCall(call: grpcjs.ClientReadableStream<{ status: string }>): WatchCall {
  const statuses: string[] = [];
  let code: number | undefined;
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  call.on('data', (message: { status: string }) => {
    statuses.push(message.status);
    notify();
  });
  call.on('status', (status: grpcjs.StatusObject) => {
    code = status.code;
    notify();
  });
  call.on('error', () => {}); // the status says it
  const until = <T>(done: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const value = done();
        if (value === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what} within ${timeoutMs} ms; got ${JSON.stringify(statuses)}, status ${code}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    statuses,
    ended: () => code,
    next: (count, timeoutMs = 5000) => until(() => (statuses.length >= count ? statuses.slice(0, count) : undefined), timeoutMs, `no ${count} statuses`),
    end: (timeoutMs = 5000) => until(() => code, timeoutMs, 'no end'),
    cancel: () => call.cancel(),
  };
}
