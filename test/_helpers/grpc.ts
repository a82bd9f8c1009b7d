/**
 * Real gRPC parts for tests: a grpc-js server on 127.0.0.1, and a grpc-js client of the
 * health service built on `grpc-health-check`'s own service definition (loaded from its
 * .proto by @grpc/proto-loader), so that every call a test makes is a third-party client
 * reading shipshape's service; and a unary method of the app's own (`WORK_SERVICE`) with its
 * client, for the shutdown tests.
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

/**
 * The app's own unary method for the shutdown tests, built by hand (no .proto): `Do` takes a
 * number of milliseconds (`-1`: never answer) as text and answers `ok PID` after that long.
 */
export const WORK_SERVICE = {
  Do: {
    path: '/shipshape.test.Work/Do',
    requestStream: false,
    responseStream: false,
    // an object: grpc-js sends no message for a falsy request (0)
    requestSerialize: (request: { ms: number }) => Buffer.from(String(request.ms)),
    requestDeserialize: (bytes: Buffer) => ({ ms: Number(bytes.toString()) }),
    responseSerialize: (text: string) => Buffer.from(text),
    responseDeserialize: (bytes: Buffer) => bytes.toString(),
    originalName: 'do',
  },
} satisfies grpcjs.ServiceDefinition;

/** Adds {@link WORK_SERVICE} to `server`; `served()` counts the calls answered. */
export function addWorkService(server: grpcjs.Server): { served(): number } {
  let served = 0;
  server.addService(WORK_SERVICE, {
    Do: (call: grpcjs.ServerUnaryCall<{ ms: number }, string>, callback: grpcjs.sendUnaryData<string>) => {
      if (call.request.ms < 0) return;
      setTimeout(() => {
        served += 1;
        callback(null, `ok ${process.pid}`);
      }, call.request.ms);
    },
  });
  return { served: () => served };
}

/** What a `Do` call ended with: the answer, or the gRPC status code it failed with. */
export type WorkAnswer = { readonly answer: string } | { readonly code: number; readonly details: string };

export interface WorkClient {
  /** Calls `Do` with `ms`; every call has a 10 s deadline. */
  call(ms: number): Promise<WorkAnswer>;
  close(): void;
}

const WorkClientConstructor = grpcjs.makeGenericClientConstructor(WORK_SERVICE, 'Work');

/** A grpc-js client of {@link WORK_SERVICE} at `target` (`127.0.0.1:PORT`, or `ipv4:a,b` with channel options). */
export function workClient(target: string, options?: grpcjs.ChannelOptions): WorkClient {
  const client = new WorkClientConstructor(target, grpcjs.credentials.createInsecure(), options) as unknown as grpcjs.Client & {
    Do(request: { ms: number }, options: grpcjs.CallOptions, callback: (error: grpcjs.ServiceError | null, answer?: string) => void): void;
  };
  return {
    call: (ms) =>
      new Promise((resolve) =>
        client.Do({ ms }, { deadline: Date.now() + 10_000 }, (error, answer) => resolve(error ? { code: error.code, details: error.details } : { answer: answer! })),
      ),
    close: () => client.close(),
  };
}
