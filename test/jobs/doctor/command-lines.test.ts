/**
 * Reading exec probe and preStop command lines: `shipshape probe …` in its every spelling,
 * and how long a preStop command sleeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandWords, shipshapeProbe, sleepSeconds } from '../../../src/jobs/doctor/command-lines.js';

describe('doctor command lines', () => {
  it('splits `sh -c SCRIPT` into words, quotes honoured, operators apart', () => {
    assert.deepEqual(commandWords(['/bin/sh', '-ec', `sleep 5 && kill -TERM 1; echo "a b" 'c d'|cat`]), ['sleep', '5', '&&', 'kill', '-TERM', '1', ';', 'echo', 'a b', 'c d', '|', 'cat']);
    assert.deepEqual(commandWords(['shipshape', 'probe', '--live']), ['shipshape', 'probe', '--live']);
    assert.deepEqual(commandWords(['bash']), ['bash']);
  });

  it('finds `shipshape probe` however it is started, with its probe, --socket, --url and --timeout', () => {
    const cases: [unknown[], ReturnType<typeof shipshapeProbe>][] = [
      [['shipshape', 'probe', '--ready'], { probe: 'readiness', flag: '--ready', socket: false, url: false, timeoutMs: undefined }],
      [['npx', 'shipshape', 'probe', '--health', '--socket=/run/s.sock'], { probe: 'liveness', flag: '--health', socket: true, url: false, timeoutMs: undefined }],
      [['/app/node_modules/.bin/shipshape', 'probe', '--startup', '--url', 'http://127.0.0.1:3000', '--timeout', '2.5'], { probe: 'startup', flag: '--startup', socket: false, url: true, timeoutMs: 2500 }],
      [['/nodejs/bin/node', '/app/node_modules/shipshape/dist/cli/main.js', 'probe', '--live', '--timeout=1'], { probe: 'liveness', flag: '--live', socket: false, url: false, timeoutMs: 1000 }],
      [['sh', '-c', 'cd /app && exec shipshape probe --live --quiet; echo --socket'], { probe: 'liveness', flag: '--live', socket: false, url: false, timeoutMs: undefined }],
      [['shipshape', 'probe'], { probe: undefined, flag: undefined, socket: false, url: false, timeoutMs: undefined }],
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
    for (const other of [['nginx', '-s', 'quit'], ['sh', '-c', 'nginx -s quit; sleep 5'], ['sleep'], ['sleep', '$DELAY']]) {
      assert.equal(sleepSeconds(other), undefined, other.join(' '));
    }
  });
});
