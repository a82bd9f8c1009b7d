/**
 * @module shipshape
 *
 * Kubernetes probes, dependency checks and graceful shutdown for any Node.js app or worker.
 */
export { createProbes } from './core/probes.js';
export { defineConfig } from './core/config.js';
export type { ShipshapeConfig, AdminHooks, AdminUser } from './core/config.js';
export type { Probes, ProbesOptions, ProbeCheckOptions } from './core/probes.js';
export type { ListenOptions, ProbeSocket } from './core/listen.js';
export type { Check, Checks, CheckFunction, CheckSpec, CheckSpecOptions, CheckStatus, Observation } from './core/check.js';
export type { CheckReport, ProbeName, ProbeReport } from './core/report.js';
export type { ProbeRequest, ProbeResponse } from './core/respond.js';
export type { ProbePaths } from './core/routes.js';
export type { Logger } from './core/logger.js';
export type { CheckEvent, StateEvent, ProbesEvent, ProbesListener } from './core/events.js';
export type { ProbesSnapshot, CheckSnapshot, SnapshotStatus } from './core/snapshot.js';
export type { NodeRequestLike, NodeResponseLike } from './core/handle.js';
export {
  ShipshapeError,
  NotReady,
  CheckTimeoutError,
  DriverMissingError,
  LockTimeoutError,
  LockLostError,
  WaitTimeoutError,
  WeakPasswordError,
  UsageError,
  ConfigError,
  InvalidOptionError,
  isShipshapeError,
} from './core/errors.js';
export type { ShipshapeErrorCode, WaitFailure } from './core/errors.js';
export { redact, registerSecret, registerUrlSecrets } from './core/redact.js';
export { gracefulShutdown } from './core/shutdown/graceful-shutdown.js';
export type { ShutdownController } from './core/shutdown/graceful-shutdown.js';
export type { ShutdownOptions, ShutdownHook, ShutdownServer, ShutdownWebSocketServer } from './core/shutdown/options.js';

export { postgres } from './checks/postgres.js';
export type { PostgresOptions, PostgresClient, PgPoolLike, PgPoolClientLike, PgClientLike, PostgresJsLike } from './checks/postgres.js';
export { mysql } from './checks/mysql.js';
export type { MysqlOptions, MysqlClient, Mysql2PromisePoolLike, Mysql2PromiseConnectionLike, Mysql2CallbackLike } from './checks/mysql.js';
export { sqlite } from './checks/sqlite.js';
export type { SqliteOptions, SqliteClient, SqliteDatabaseLike } from './checks/sqlite.js';
export { database } from './checks/database.js';
export type { DatabaseOptions, DatabaseClient } from './checks/database.js';
export { redis } from './checks/redis.js';
export type { RedisOptions, RedisTarget, IoRedisClientLike, NodeRedisClientLike } from './checks/redis.js';
export { memcached } from './checks/memcached.js';
export type { MemcachedOptions, MemcachedTarget, MemjsClientLike } from './checks/memcached.js';
export { rabbitmq } from './checks/rabbitmq.js';
export type {
  RabbitmqOptions,
  RabbitmqTarget,
  AmqpEventsLike,
  AmqpPromiseConnectionLike,
  AmqpPromiseChannelLike,
  AmqpCallbackConnectionLike,
  AmqpCallbackChannelLike,
} from './checks/rabbitmq.js';
export { nats } from './checks/nats.js';
export type { NatsOptions, NatsTarget, NatsConnectionLike } from './checks/nats.js';
export { mqtt } from './checks/mqtt.js';
export type { MqttOptions, MqttTarget, MqttClientLike } from './checks/mqtt.js';
export { http } from './checks/http.js';
export type { HttpOptions } from './checks/http.js';
export { grpc } from './checks/grpc.js';
export type { GrpcOptions } from './checks/grpc.js';
export { tcp } from './checks/tcp.js';
export type { TcpOptions } from './checks/tcp.js';
export { diskSpace } from './checks/disk-space.js';
export type { DiskSpaceOptions } from './checks/disk-space.js';
export { memoryHeap, memoryRss } from './checks/memory.js';
export type { MemoryOptions } from './checks/memory.js';
export { eventLoopDelay } from './checks/event-loop-delay.js';
export type { EventLoopDelayOptions } from './checks/event-loop-delay.js';

