/**
 * `shipshape doctor`'s gRPC rules, each both ways through the real binary: Kubernetes' own
 * `grpc` probes against the app's gRPC health service (the config's `grpc: true`, SPEC §8),
 * and what the other probe rules make of a `grpc` probe or `shipshape probe --grpc`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, doctorOn } from '../_helpers/doctor.js';

type Fields = Record<string, unknown>;

/** The app's config: the gRPC health service, and a readiness check that takes 2 s at most. */
const GRPC = `export default { grpc: true, probes: { readiness: { db: { run: async () => {}, timeoutMs: 2000 } } } };\n`;

/** A container of a grpc-js app that passes every rule against {@link GRPC}: grpc probes on its port 50051. */
function grpcContainer(overrides: Fields = {}): Fields {
  const probe = (service: string, extra: Fields = {}) => ({ grpc: { port: 50051, service }, ...extra });
  return {
    name: 'api',
    image: 'registry.example.com/api:1',
    ports: [{ name: 'grpc', containerPort: 50051 }],
    startupProbe: probe('startup', { periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 3 }),
    readinessProbe: probe('readiness', { periodSeconds: 5, timeoutSeconds: 3 }),
    livenessProbe: probe('liveness'),
    ...overrides,
  };
}

describe('shipshape doctor: grpc-probe-port', () => {
  it('is an error for a grpc probe whose port is a name (Kubernetes takes only a number there), not for a number', async () => {
    const ready = (port: unknown) => grpcContainer({ readinessProbe: { grpc: { port, service: 'readiness' }, timeoutSeconds: 3 } });
    const run = await doctorOn([deployment('named', ready('grpc')), deployment('unknown-name', ready('health')), deployment('quoted', ready('50051')), deployment('numeric', ready(50051))], { config: GRPC });
    assert.deepEqual(run.findings, [
      {
        level: 'error',
        rule: 'grpc-probe-port',
        target: 'Deployment/named api',
        message: `readinessProbe.grpc.port "grpc" is a name, and Kubernetes takes only a number there (unlike httpGet and tcpSocket, a grpc probe cannot name a port; the API refuses it): write 50051, the number of the container's port grpc`,
      },
      {
        level: 'error',
        rule: 'grpc-probe-port',
        target: 'Deployment/unknown-name api',
        message: `readinessProbe.grpc.port "health" is a name, and Kubernetes takes only a number there (unlike httpGet and tcpSocket, a grpc probe cannot name a port; the API refuses it): write the port number of the app's gRPC server`,
      },
      {
        level: 'error',
        rule: 'grpc-probe-port',
        target: 'Deployment/quoted api',
        message: 'readinessProbe.grpc.port "50051" is a string, and Kubernetes takes only a number there: write the number 50051 without quotes',
      },
    ]);
    assert.equal(run.status, 1);
  });
});

describe('shipshape doctor: grpc-probe-service', () => {
  it("is an error for a service the app's health service does not answer; the probe names, \"\" and a check's name are answered", async () => {
    const ready = (service: string | undefined) => grpcContainer({ readinessProbe: { grpc: { port: 50051, service }, timeoutSeconds: 3 } });
    const run = await doctorOn([deployment('typo', ready('ready')), deployment('default', ready(undefined)), deployment('check', ready('db')), deployment('healthy', grpcContainer())], { config: GRPC });
    assert.deepEqual(run.findings, [
      {
        level: 'error',
        rule: 'grpc-probe-service',
        target: 'Deployment/typo api',
        message: `readinessProbe.grpc.service "ready" is not a service the app's gRPC health service answers (it answers "", liveness, readiness, startup and its checks db): the kubelet gets NOT_FOUND and the probe always fails; set it to readiness`,
      },
    ]);
    assert.equal(run.status, 1);
  });

  it('is an error for a grpc probe when the config does not say `grpc: true`', async () => {
    const run = await doctorOn([deployment('no-grpc', grpcContainer())], { config: `export default { probes: { readiness: { db: { run: async () => {}, timeoutMs: 2000 } } } };\n` });
    const message =
      'is a grpc probe, and the config does not say the app serves the gRPC health service (no `grpc: true`): the probe fails unless something answers grpc.health.v1.Health/Check; ' +
      'add it with addHealthService(server, probes) from shipshape/grpc and set grpc: true, or probe over httpGet';
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target, f.message]), [
      ['error', 'grpc-probe-service', 'Deployment/no-grpc api', `livenessProbe ${message}`],
      ['error', 'grpc-probe-service', 'Deployment/no-grpc api', `readinessProbe ${message}`],
      ['error', 'grpc-probe-service', 'Deployment/no-grpc api', `startupProbe ${message}`],
    ]);
    assert.equal(run.status, 1);
  });

  it("checks a container with grpc probes as the app's when the config says `grpc: true` or a probe asks one of shipshape's names", async () => {
    const anonymous = grpcContainer({ startupProbe: undefined, livenessProbe: undefined, readinessProbe: { grpc: { port: 50051 }, timeoutSeconds: 3 } });
    const skipped = await doctorOn([deployment('other', anonymous)]);
    assert.equal(skipped.stdout, '0 errors, 0 warnings in 1 manifest\n');
    assert.match(skipped.stderr, /no container probes shipshape's paths .* nothing to check/);
    const checked = await doctorOn([deployment('other', { ...anonymous, readinessProbe: { grpc: { port: 50051 } } })], { config: GRPC });
    assert.deepEqual(checked.findings.map((f) => f.rule), ['probe-timeout']);
    assert.equal(checked.stderr, '');
  });
});

describe('shipshape doctor: the probe rules on gRPC probes', () => {
  it('reads a grpc service as the health service does: "" is readiness, so a liveness probe without a service asks the dependencies', async () => {
    const run = await doctorOn(
      [
        deployment('default-service', grpcContainer({ livenessProbe: { grpc: { port: 50051 } } })),
        deployment('check-service', grpcContainer({ livenessProbe: { grpc: { port: 50051, service: 'db' }, timeoutSeconds: 3 } })),
        deployment('healthy', grpcContainer()),
      ],
      { config: GRPC },
    );
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target, f.message]), [
      ['error', 'probe-timeout', 'Deployment/default-service api', "livenessProbe.timeoutSeconds 1 s (the default) is not above the slowest readiness check timeout 2000 ms (db): set it to 3 or lower the check's timeoutMs"],
      ['error', 'liveness-checks-dependencies', 'Deployment/default-service api', 'livenessProbe asks grpc service "", which runs the readiness checks (db): a failing dependency would restart every pod instead of taking it out of traffic; set livenessProbe.grpc.service to liveness'],
      ['error', 'liveness-checks-dependencies', 'Deployment/check-service api', 'livenessProbe asks grpc service "db", which runs the readiness checks (db): a failing dependency would restart every pod instead of taking it out of traffic; set livenessProbe.grpc.service to liveness'],
    ]);
    assert.equal(run.status, 1);
  });

  it('suggests a grpc readiness probe for a gRPC app without one', async () => {
    const run = await doctorOn([deployment('no-readiness', grpcContainer({ readinessProbe: undefined }))], { config: GRPC });
    assert.deepEqual(run.findings, [
      {
        level: 'warn',
        rule: 'no-readiness',
        target: 'Deployment/no-readiness api',
        message: 'it has ports (grpc 50051) and no readinessProbe: it gets traffic before the app is ready and while it drains; add a readinessProbe with grpc port 50051 service readiness',
      },
    ]);
    assert.equal(run.status, 0);
  });

  it('reads `shipshape probe --grpc` with its --service as an exec probe that asks the running server', async () => {
    const exec = (args: string[], extra: Fields = {}) => ({ exec: { command: ['shipshape', 'probe', ...args, '--grpc', '127.0.0.1:50051'] }, periodSeconds: 5, timeoutSeconds: 3, ...extra });
    const worker = (name: string, live: Fields) => deployment(name, { name: 'worker', image: 'w', livenessProbe: live });
    const run = await doctorOn([worker('live', exec(['--live'])), worker('service', exec(['--live', '--service', 'readiness']))], { config: GRPC });
    assert.deepEqual(run.findings.map((f) => [f.rule, f.target, f.message]), [
      [
        'liveness-checks-dependencies',
        'Deployment/service worker',
        'livenessProbe asks `shipshape probe --live --service readiness`, which runs the readiness checks (db): a failing dependency would restart every pod instead of taking it out of traffic; run `shipshape probe --live` with --service liveness, or without --service',
      ],
    ]);
  });
});
