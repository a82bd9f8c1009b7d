/**
 * The `grpc()` check against real gRPC servers: grpc-js with the `grpc-health-check`
 * package's service (a third-party implementation), shipshape's own `addHealthService`, TLS
 * with a certificate made here by openssl, and the failures a probe meets (refused, blackholed,
 * a server that never answers, a restart).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpcjs from '@grpc/grpc-js';
import { HealthImplementation, service as healthDefinition } from 'grpc-health-check';
import { grpc } from '../../src/checks/grpc.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { createProbes } from '../../src/core/probes.js';
import { addHealthService } from '../../src/grpc/health-service.js';
import { TSX } from '../_helpers/cli.js';
import { startGrpcServer, type GrpcServer } from '../_helpers/grpc.js';
import { assertTimedOut, runCheck, runCheckUntil } from '../_helpers/run-check.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';
import { startSqlProxy } from '../_helpers/sql-proxy.js';
import { tempDirs } from '../_helpers/temp.js';

const tempDir = tempDirs('shipshape-grpc-');

/** A grpc-js server whose health is kept by `grpc-health-check`'s `HealthImplementation`. */
function thirdPartyServer(statuses: Record<string, 'SERVING' | 'NOT_SERVING'>, credentials?: grpcjs.ServerCredentials, port?: number): Promise<GrpcServer> {
  return startGrpcServer((server) => new HealthImplementation(statuses).addToServer(server), credentials, port);
}

let thirdParty: GrpcServer;
before(async () => {
  thirdParty = await thirdPartyServer({ '': 'SERVING', 'payments.v1.Payments': 'SERVING', 'search.v1.Search': 'NOT_SERVING' });
});
after(() => thirdParty.close());

describe('grpc() against grpc-health-check', () => {
  it('passes on SERVING, for "" by default and for a named service, and reports the round trip in ms', async () => {
    for (const check of [grpc(`127.0.0.1:${thirdParty.port}`), grpc(`localhost:${thirdParty.port}`, { service: 'payments.v1.Payments' })]) {
      const outcome = await runCheck(check);
      await check.close?.();
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
    }
  });

  it('fails on another status, naming it', async () => {
    const check = grpc(`127.0.0.1:${thirdParty.port}`, { service: 'search.v1.Search' });
    const outcome = await runCheck(check);
    await check.close?.();
    assert.equal(outcome.ok, false);
    assert.equal(outcome.reason, 'service "search.v1.Search" is NOT_SERVING');
  });

  it('fails on an unknown service with the server NOT_FOUND, its message redacted', async () => {
    const check = grpc(`127.0.0.1:${thirdParty.port}`, { service: 'token=s3cr3t' });
    const outcome = await runCheck(check);
    await check.close?.();
    assert.equal(outcome.reason, 'Health/Check failed: NOT_FOUND: Health status unknown for service token=***');
  });

  it('keeps one connection for every run, and probes.close() closes it', async () => {
    const proxy = await startSqlProxy(thirdParty.port);
    const probes = createProbes({ readiness: { api: grpc(`127.0.0.1:${proxy.port}`) } });
    try {
      for (let i = 0; i < 3; i += 1) assert.equal((await probes.check('readiness')).status, 'pass');
      assert.equal(proxy.acceptedConnections(), 1);
      assert.equal(proxy.openConnections(), 1);
      await probes.close();
      await proxy.waitForAllClosed(1000);
    } finally {
      await probes.close();
      await proxy.close();
    }
  });

  it('opens a new connection after the old one was reset', async () => {
    const proxy = await startSqlProxy(thirdParty.port);
    const check = grpc(`127.0.0.1:${proxy.port}`);
    try {
      assert.equal((await runCheck(check)).ok, true);
      proxy.reset();
      const outcome = await runCheckUntil(check, true, 900);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal(proxy.acceptedConnections(), 2);
      assert.equal(proxy.openConnections(), 1);
    } finally {
      await check.close?.();
      await proxy.close();
    }
  });

  it('follows a server restarted on the same port (GOAWAY, then a refused port, then a new server)', async () => {
    const first = await thirdPartyServer({ '': 'SERVING' });
    const check = grpc(`127.0.0.1:${first.port}`);
    let second: GrpcServer | undefined;
    try {
      assert.equal((await runCheck(check)).ok, true);
      await new Promise<void>((resolve) => first.server.tryShutdown(() => resolve()));
      assert.equal((await runCheck(check)).ok, false);
      second = await thirdPartyServer({ '': 'SERVING' }, undefined, first.port);
      const outcome = await runCheckUntil(check, true, 900);
      assert.equal(outcome.ok, true, outcome.reason);
    } finally {
      await check.close?.();
      first.close();
      second?.close();
    }
  });
});

describe('grpc() against addHealthService', () => {
  it('reads readiness, liveness and a check of a shipshape app, and readiness NOT_SERVING once it drains', async () => {
    const app = createProbes({ readiness: { db: async () => {} } });
    const server = await startGrpcServer((grpcServer) => void addHealthService(grpcServer, app));
    const readiness = grpc(`127.0.0.1:${server.port}`, { service: 'readiness' });
    const db = grpc(`127.0.0.1:${server.port}`, { service: 'db' });
    try {
      assert.equal((await runCheck(readiness)).ok, true);
      assert.equal((await runCheck(db)).ok, true);
      app.drain();
      assert.equal((await runCheck(readiness)).reason, 'service "readiness" is NOT_SERVING');
      assert.equal((await runCheck(db)).ok, true);
    } finally {
      await readiness.close?.();
      await db.close?.();
      server.close();
      await app.close();
    }
  });
});

describe('grpc() with TLS', () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;
  before(() => {
    dir = tempDir();
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(path.join(dir, 'cert.pem'));
    key = readFileSync(path.join(dir, 'key.pem'));
  });

  it('passes with the server certificate trusted as CA, and fails naming the certificate problem without it', async () => {
    const server = await thirdPartyServer({ '': 'SERVING' }, grpcjs.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }]));
    const trusted = grpc(`localhost:${server.port}`, { tls: { ca: cert } });
    const byAddress = grpc(`127.0.0.1:${server.port}`, { tls: { ca: cert } });
    const untrusted = grpc(`localhost:${server.port}`, { tls: true });
    const plaintext = grpc(`localhost:${server.port}`);
    try {
      assert.equal((await runCheck(trusted)).ok, true, (await runCheck(trusted)).reason);
      assert.equal((await runCheck(byAddress)).ok, true, (await runCheck(byAddress)).reason);
      assert.match((await runCheck(untrusted)).reason ?? '', /self-signed certificate/);
      assert.equal((await runCheck(plaintext)).ok, false);
    } finally {
      for (const check of [trusted, byAddress, untrusted, plaintext]) await check.close?.();
      server.close();
    }
  });
});

describe('grpc() failures', () => {
  it('fails fast on a refused port', async () => {
    const port = await refusedPort();
    const check = grpc(`127.0.0.1:${port}`);
    const outcome = await runCheck(check, 2000);
    await check.close?.();
    assert.equal(outcome.reason, `connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.ok(outcome.elapsedMs < 1000, `took ${outcome.elapsedMs} ms`);
  });

  it('times out on a blackhole, plaintext or TLS, and closes its connection', async () => {
    const blackhole = await startBlackhole();
    try {
      for (const tls of [false, true]) {
        const check = grpc(`127.0.0.1:${blackhole.port}`, { tls });
        assertTimedOut(await runCheck(check, 300), 300, `tls: ${tls}`);
        await blackhole.waitForAllClosed(500);
        await check.close?.();
      }
      assert.equal(blackhole.acceptedConnections(), 2);
    } finally {
      await blackhole.close();
    }
  });

  it('never keeps the process alive with its idle connection, and close() settles in a process with nothing else alive', async () => {
    const check = `await grpc('127.0.0.1:${thirdParty.port}').run(AbortSignal.timeout(5000))`;
    for (const [body, expected] of [
      [`${check}; console.log('checked');`, 'checked\n'], // no close(): the process must still end
      [`const c = grpc('127.0.0.1:${thirdParty.port}'); await c.run(AbortSignal.timeout(5000)); await c.close(); console.log('closed');`, 'closed\n'],
    ] as const) {
      const script = `import { grpc } from ${JSON.stringify(new URL('../../src/checks/grpc.ts', import.meta.url).href)};\n${body}`;
      const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      clearTimeout(killer);
      assert.equal(stdout, expected);
      // 13: a top-level await that never settled (the process ran out of work under it)
      assert.deepEqual([code, signal], [0, null], 'ended by itself, not killed');
    }
  });

  it('times out on a server that takes the call and never answers, and frees the connection', async () => {
    const hanging = await startGrpcServer((server) => server.addService(healthDefinition as unknown as grpcjs.ServiceDefinition, { check: () => {} }));
    const proxy = await startSqlProxy(hanging.port);
    const check = grpc(`127.0.0.1:${proxy.port}`);
    try {
      assertTimedOut(await runCheck(check, 300), 300);
      await proxy.waitForAllClosed(500);
    } finally {
      await check.close?.();
      await proxy.close();
      hanging.close();
    }
  });

  it('fails on a server that speaks no gRPC', async () => {
    const http2 = await import('node:http2');
    const server = http2.createServer((_req, res) => {
      res.statusCode = 404;
      res.end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const check = grpc(`127.0.0.1:${(server.address() as { port: number }).port}`);
    try {
      assert.equal((await runCheck(check)).reason, 'HTTP 404: not a gRPC answer');
    } finally {
      await check.close?.();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('grpc() options', () => {
  it('refuses a target without a port, a bad service, a bad tls and unknown options', () => {
    for (const target of ['payments', 'payments:', '::1', 'http://payments:50051', '', 42]) {
      assert.throws(() => grpc(target as string), InvalidOptionError, String(target));
    }
    assert.throws(() => grpc('payments:70000'), /port from 1 to 65535/);
    assert.throws(() => grpc('payments:50051', { service: 1 as unknown as string }), /Expected `service` to be a string/);
    assert.throws(() => grpc('payments:50051', { tls: 'yes' as unknown as boolean }), /Expected `tls`/);
    assert.throws(() => grpc('payments:50051', { servce: 'x' } as object), /Unknown option `servce`/);
    assert.doesNotThrow(() => grpc('[::1]:50051', { timeoutMs: 500, critical: false }));
  });
});
