/**
 * Reading exec probe and preStop command lines: `shipshape probe …` in its every spelling,
 * and how long a preStop command sleeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandWords, isSleepOnly, shipshapeProbe, sleepSeconds } from '../../../src/jobs/doctor/command-lines.js';

describe('doctor command lines', () => {
  it('splits `sh -c SCRIPT` into words, quotes honoured, operators apart', () => {
    assert.deepEqual(commandWords(['/bin/sh', '-ec', `sleep 5 && kill -TERM 1; echo "a b" 'c d'|cat`]), ['sleep', '5', '&&', 'kill', '-TERM', '1', ';', 'echo', 'a b', 'c d', '|', 'cat']);
    assert.deepEqual(commandWords(['shipshape', 'probe', '--live']), ['shipshape', 'probe', '--live']);
    assert.deepEqual(commandWords(['bash']), ['bash']);
  });

  it('finds `shipshape probe` however it is started, with its probe, --socket, --url, --grpc, --service and --timeout', () => {
    const cases: [unknown[], ReturnType<typeof shipshapeProbe>][] = [
      [['shipshape', 'probe', '--ready'], { probe: 'readiness', flag: '--ready', socket: false, url: false, grpc: false, service: undefined, timeoutMs: undefined }],
      [['npx', 'shipshape', 'probe', '--health', '--socket=/run/s.sock'], { probe: 'liveness', flag: '--health', socket: true, url: false, grpc: false, service: undefined, timeoutMs: undefined }],
      [['/app/node_modules/.bin/shipshape', 'probe', '--startup', '--url', 'http://127.0.0.1:3000', '--timeout', '2.5'], { probe: 'startup', flag: '--startup', socket: false, url: true, grpc: false, service: undefined, timeoutMs: 2500 }],
      [['/nodejs/bin/node', '/app/node_modules/shipshape/dist/cli/main.js', 'probe', '--live', '--timeout=1'], { probe: 'liveness', flag: '--live', socket: false, url: false, grpc: false, service: undefined, timeoutMs: 1000 }],
      [['sh', '-c', 'cd /app && exec shipshape probe --live --quiet; echo --socket'], { probe: 'liveness', flag: '--live', socket: false, url: false, grpc: false, service: undefined, timeoutMs: undefined }],
      [['shipshape', 'probe', '--ready', '--grpc', '127.0.0.1:50051', '--timeout', '2'], { probe: 'readiness', flag: '--ready', socket: false, url: false, grpc: true, service: undefined, timeoutMs: 2000 }],
      [['sh', '-c', 'shipshape probe --live --grpc=127.0.0.1:50051 --service=loop'], { probe: 'liveness', flag: '--live', socket: false, url: false, grpc: true, service: 'loop', timeoutMs: undefined }],
      [['shipshape', 'probe', '--startup', '--grpc', 'localhost:50051', '--service', ''], { probe: 'startup', flag: '--startup', socket: false, url: false, grpc: true, service: '', timeoutMs: undefined }],
      [['shipshape', 'probe'], { probe: undefined, flag: undefined, socket: false, url: false, grpc: false, service: undefined, timeoutMs: undefined }],
    ];
    for (const [command, expected] of cases) assert.deepEqual(shipshapeProbe(command), expected, command.join(' '));
    for (const other of [['shipshape', 'wait4db'], ['curl', '-f', 'http://127.0.0.1/readyz'], ['node', 'probe.js', 'probe'], []]) {
      assert.equal(shipshapeProbe(other), undefined, other.join(' '));
    }
  });

  it('reads how long a command sleeps before anything else, as GNU and busybox sleep count', () => {
    assert.equal(sleepSeconds(['sleep', '5']), 5);
    assert.equal(sleepSeconds(['/bin/sleep', '1m', '30s']), 90);
    assert.equal(sleepSeconds(['sh', '-c', 'sleep 2.5 && nginx -s quit']), 2.5);
    assert.equal(sleepSeconds(['sleep', 'infinity']), Infinity);
    assert.equal(sleepSeconds(['sh', '-c', 'exec sleep 7']), 7);
    for (const other of [['nginx', '-s', 'quit'], ['sh', '-c', 'nginx -s quit; sleep 5'], ['sleep'], ['sleep', '$DELAY']]) {
      assert.equal(sleepSeconds(other), undefined, other.join(' '));
    }
  });

  it('tells a command that only sleeps (which the sleep action can replace) from one that does more after it', () => {
    for (const only of [['sleep', '5'], ['/bin/sleep', '5s'], ['/bin/sh', '-c', 'sleep 5'], ['sh', '-c', 'exec sleep 5;'], ['bash', '-c', 'sleep 1m 30s\n']]) {
      assert.equal(isSleepOnly(only), true, only.join(' '));
    }
    for (const more of [['sh', '-c', 'sleep 5 && nginx -s quit'], ['sh', '-c', 'sleep 5; kill -TERM 1'], ['nginx', '-s', 'quit'], ['sleep', '$DELAY'], ['sleep'], []]) {
      assert.equal(isSleepOnly(more), false, more.join(' '));
    }
  });
});
