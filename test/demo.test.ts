/**
 * `npm run demo` works: it starts on PGlite, its readiness passes, the pause switch fails
 * it with a reason, and Ctrl-C (SIGINT) stops it cleanly with exit code 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { it } from 'node:test';

it('the demo serves probes on PGlite and stops cleanly on SIGINT', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('../demo/main.ts', import.meta.url).pathname], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    let base = '';
    for await (const line of readline.createInterface({ input: child.stdout })) {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) {
        base = match[1]!;
        break;
      }
    }
    assert.ok(base, `demo did not start: ${stderr}`);
    assert.equal(await (await fetch(`${base}/livez`)).text(), 'ok');
    assert.equal(await (await fetch(`${base}/readyz?verbose`)).text(), '[+]db ok\n[+]paused ok\nreadyz check passed\n');
    await (await fetch(`${base}/db/pause`, { method: 'POST' })).text();
    const paused = await fetch(`${base}/readyz`);
    assert.equal(paused.status, 503);
    assert.match(await paused.text(), /\[-\]paused failed: database paused by POST \/db\/pause/);
    assert.match(await (await fetch(`${base}/`)).text(), /^hello from shipshape-demo: \d+ visits/);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 0, stderr);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
