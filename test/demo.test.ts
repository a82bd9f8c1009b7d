/**
 * `npm run demo` works: it starts on PGlite, its readiness (a background check over the
 * wire) passes, `POST /db/pause` stops the wire server so that readiness fails with a refused
 * connection and `POST /db/resume` brings it back, `/metrics` says so in Prometheus' format,
 * the command lines it prints work against it as printed, and Ctrl-C (SIGINT) stops it
 * cleanly with exit code 0, removing its probe socket.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { shipshape } from './_helpers/cli.js';
import { parseExposition, valueOf } from './_helpers/prometheus-text.js';

/** GETs `url` until its body matches `pattern` (the background check runs every second), at most `ms`. */
async function until(url: string, pattern: RegExp, ms = 30_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await fetch(url);
    const answer = { status: response.status, body: await response.text() };
    if (pattern.test(answer.body) || Date.now() > deadline) return answer;
    await sleep(200);
  }
}

async function metrics(base: string) {
  return parseExposition(await (await fetch(`${base}/metrics`)).text());
}

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
    // the first run may time out while `pg` loads on a busy machine; the next one passes
    assert.deepEqual(await until(`${base}/readyz?verbose`, /^\[\+\]db ok\n/), { status: 200, body: '[+]db ok\nreadyz check passed\n' });
    let scraped = await metrics(base);
    assert.equal(valueOf(scraped, 'shipshape_check_up', { check: 'db' }), 1);
    assert.equal(valueOf(scraped, 'shipshape_probe_up', { probe: 'readiness' }), 1);
    assert.equal(valueOf(scraped, 'shipshape_draining'), 0);

    assert.deepEqual(commands.map((args) => args[0]), ['probe', 'probe', 'wait4db'], 'a probe --url, a probe --socket and a wait4db line');
    const [url, socket, wait] = await Promise.all(commands.map((args) => shipshape(args)));
    assert.deepEqual([url?.status, url?.stdout], [0, 'ok\n'], url?.stderr);
    assert.deepEqual([socket?.status, socket?.stdout], [0, '[+]worker ok\nlivez check passed\n'], socket?.stderr);
    assert.equal(wait?.status, 0, wait?.stderr);
    assert.match(wait?.stdout ?? '', /^postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/postgres is ready \(stable for 2 s after [\d.]+ s\)\n$/);

    // a real outage: the wire server is stopped, the check's connection refused
    await (await fetch(`${base}/db/pause`, { method: 'POST' })).text();
    // (a busy machine may first report a timeout; the refused connection follows)
    const paused = await until(`${base}/readyz`, /^\[-\]db failed: connect ECONNREFUSED/, 10_000);
    assert.equal(paused.status, 503);
    assert.match(paused.body, /^\[-\]db failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\nreadyz check failed\n$/);
    scraped = await metrics(base);
    assert.equal(valueOf(scraped, 'shipshape_check_up', { check: 'db' }), 0);
    assert.equal(valueOf(scraped, 'shipshape_probe_up', { probe: 'readiness' }), 0);
    assert.ok(valueOf(scraped, 'shipshape_check_runs_total', { check: 'db', result: 'fail' })! >= 1);
    const probeWhilePaused = await shipshape(commands[0]!);
    assert.equal(probeWhilePaused.status, 1);
    assert.match(await (await fetch(`${base}/`)).text(), /^hello from shipshape-demo: \d+ visits .*\(database paused\)/);

    await (await fetch(`${base}/db/resume`, { method: 'POST' })).text();
    assert.deepEqual(await until(`${base}/readyz`, /^ok$/, 10_000), { status: 200, body: 'ok' });

    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 0, stderr);
    assert.equal(existsSync(commands[1]![commands[1]!.indexOf('--socket') + 1]!), false, 'the probe socket is removed');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
