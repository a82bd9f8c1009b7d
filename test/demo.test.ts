/**
 * `npm run demo` works: it starts on PGlite, its readiness passes, the pause switch fails
 * it with a reason, the command lines it prints work against it as printed, and Ctrl-C
 * (SIGINT) stops it cleanly with exit code 0, removing its probe socket.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { it } from 'node:test';
import { shipshape } from './_helpers/cli.js';

it('the demo serves probes on PGlite, answers the command lines it prints, and stops cleanly on SIGINT', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('../demo/main.ts', import.meta.url).pathname], {
    env: { ...process.env, PORT: '0', PG_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    let base = '';
    const commands: string[][] = [];
    for await (const line of readline.createInterface({ input: child.stdout })) {
      base ||= /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] ?? '';
      const printed = /^\s+npm run -s shipshape -- (.+)$/.exec(line)?.[1];
      if (printed) commands.push(printed.split(' '));
      if (line.startsWith('Ctrl-C')) break;
    }
    assert.ok(base, `demo did not start: ${stderr}`);
    assert.equal(await (await fetch(`${base}/livez`)).text(), 'ok');
    assert.equal(await (await fetch(`${base}/readyz?verbose`)).text(), '[+]db ok\n[+]paused ok\nreadyz check passed\n');

    assert.deepEqual(commands.map((args) => args[0]), ['probe', 'probe', 'wait4db'], 'a probe --url, a probe --socket and a wait4db line');
    const [url, socket, wait] = await Promise.all(commands.map((args) => shipshape(args)));
    assert.deepEqual([url?.status, url?.stdout], [0, 'ok\n'], url?.stderr);
    assert.deepEqual([socket?.status, socket?.stdout], [0, '[+]worker ok\nlivez check passed\n'], socket?.stderr);
    assert.equal(wait?.status, 0, wait?.stderr);
    assert.match(wait?.stdout ?? '', /^postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/postgres is ready \(stable for 2 s after [\d.]+ s\)\n$/);

    await (await fetch(`${base}/db/pause`, { method: 'POST' })).text();
    const paused = await fetch(`${base}/readyz`);
    assert.equal(paused.status, 503);
    assert.match(await paused.text(), /\[-\]paused failed: database paused by POST \/db\/pause/);
    const probeWhilePaused = await shipshape(commands[0]!);
    assert.equal(probeWhilePaused.status, 1);
    assert.match(await (await fetch(`${base}/`)).text(), /^hello from shipshape-demo: \d+ visits/);

    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 0, stderr);
    assert.equal(existsSync(commands[1]![commands[1]!.indexOf('--socket') + 1]!), false, 'the probe socket is removed');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
