/**
 * SPEC §9 on real Bun and Deno: an app importing the built package serves the probes on
 * Bun.serve() / Deno.serve() with shipshape/fetch's withProbes (a plain handler, and Hono's
 * app.fetch), with shipshape/hono's middleware and with the core's probes.fetch(), passes
 * its own requests through untouched, and shuts down on SIGTERM and SIGINT with the
 * timeline of SPEC §4, several servers and streams included (test/_fixtures/runtimes/server.mjs).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { buildPackage } from '../_helpers/build.js';
import { FIXTURES, findRuntime, outputMatches, requireRuntime, runToEnd, RUNTIME_NAMES, startRuntimeApp, type RuntimeApp } from '../_helpers/runtimes.js';
import { get } from '../_helpers/shutdown.js';

const RUNTIMES = RUNTIME_NAMES.map((name) => [name, findRuntime(name)] as const);

before(() => {
  if (RUNTIMES.some(([, runtime]) => runtime)) buildPackage(['index.js', 'adapters/fetch.js', 'adapters/hono.js']);
});

for (const [name, runtime] of RUNTIMES) {
  describe(`${runtime?.label ?? name}: withProbes on the runtime's own server`, () => {

    const KINDS = {
      native: `${name === 'bun' ? 'Bun' : 'Deno'}.serve(withProbes(probes, handler))`,
      hono: 'withProbes(probes, app.fetch) of Hono',
      'hono-middleware': 'app.use(honoProbes(probes)) of shipshape/hono',
      'probes-fetch': '(await probes.fetch(request)) ?? app(request) of the core',
    } as const;
    for (const [kind, title] of Object.entries(KINDS)) {
      describe(title, () => {
        let app: RuntimeApp | undefined;
        const start = async (t: TestContext): Promise<RuntimeApp | undefined> => {
          if (!requireRuntime(t, name, runtime)) return undefined;
          app ??= await startRuntimeApp(runtime, 'server.mjs', [kind]);
          return app;
        };
        after(() => app?.kill());

        it('answers the probes: a plain ok, a probe with checks, HEAD without a body', async (t) => {
          const running = await start(t);
          if (!running) return;
          const live = await fetch(`${running.base}/livez`);
          assert.deepEqual([live.status, await live.text()], [200, 'ok']);
          assert.equal(live.headers.get('content-type'), 'text/plain; charset=utf-8');
          assert.equal(live.headers.get('cache-control'), 'no-store');
          const ready = await fetch(`${running.base}/readyz?verbose`);
          assert.deepEqual([ready.status, await ready.text()], [200, '[+]db ok\nreadyz check passed\n']);
          const json = await fetch(`${running.base}/readyz`, { headers: { accept: 'application/health+json' } });
          assert.equal(json.headers.get('content-type'), 'application/health+json');
          assert.equal(((await json.json()) as { status: string }).status, 'pass');
          const head = await fetch(`${running.base}/readyz`, { method: 'HEAD' });
          assert.deepEqual([head.status, await head.text()], [200, '']);
          assert.equal((await fetch(`${running.base}/readyz/nope`)).status, 404);
        });

        it("passes the app's requests through, with the runtime's own arguments", async (t) => {
          const running = await start(t);
          if (!running) return;
          const appAnswer = await fetch(`${running.base}/app`);
          assert.deepEqual([appAnswer.status, await appAnswer.text()], [200, 'app']);
          const post = await fetch(`${running.base}/readyz`, { method: 'POST', body: 'x' });
          assert.deepEqual([post.status, await post.text()], [201, 'app readyz']);
          // Bun passes its server (also as `this`), Deno a ServeHandlerInfo; Hono hands it on as c.env
          const args = (await (await fetch(`${running.base}/args`)).json()) as { count: number; thisIsServer: boolean; second: string };
          assert.equal(args.second, name === 'bun' ? 'server' : 'info');
          assert.equal(args.count, 2);
          if (kind === 'native') assert.equal(args.thisIsServer, name === 'bun', 'Bun calls fetch with this = server, and it arrives');
        });
      });
    }

    describe('gracefulShutdown of the runtime server', () => {
      const apps: RuntimeApp[] = [];
      const start = async (t: TestContext, env: Record<string, string>): Promise<RuntimeApp | undefined> => {
        if (!requireRuntime(t, name, runtime)) return undefined;
        const app = await startRuntimeApp(runtime, 'server.mjs', ['native'], env);
        apps.push(app);
        return app;
      };
      after(async () => {
        for (const app of apps) await app.kill();
      });

      it('SIGTERM: readiness fails, every response says Connection: close, the request in flight finishes, exit 0', async (t) => {
        const app = await start(t, { DELAY_MS: '1500', TIMEOUT_MS: '10000' });
        if (!app) return;
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const before = await get(app.base, '/app', agent);
          assert.equal(before.status, 200);
          assert.notEqual(before.connection, 'close', 'no Connection: close before the signal');
          const inFlight = get(app.base, '/slow?ms=3500');
          await outputMatches(app, /request \/slow/);
          app.child.kill('SIGTERM');
          await outputMatches(app, /readiness fails/);
          // during delayMs: still serving, readiness failing, liveness passing, all with Connection: close
          // (to a keep-alive client: one that asks for close itself gets it from Deno's hyper anyway)
          const ready = await get(app.base, '/readyz', agent);
          assert.deepEqual(ready, { status: 503, connection: 'close', body: '[+]db ok\n[-]shutdown failed: draining\nreadyz check failed\n' });
          assert.deepEqual(await get(app.base, '/livez', agent), { status: 200, connection: 'close', body: 'ok' });
          assert.deepEqual(await get(app.base, '/app', agent), { status: 200, connection: 'close', body: 'app' });
          // after delayMs: no new connection is accepted while the request in flight goes on
          await outputMatches(app, /stopped accepting/);
          await assert.rejects(get(app.base, '/app'), { code: 'ECONNREFUSED' });
          assert.deepEqual(pick(await inFlight), [200, 'slow']);
          assert.equal(await app.exited, 0, app.output());
          assert.match(app.output(), new RegExp(`log info shutdown: SIGTERM: readiness fails; ${name === 'bun' ? 'Bun' : 'Deno'} server keeps serving for 1500 ms`));
          assert.match(app.output(), /exit code 0/);
        } finally {
          agent.destroy();
        }
      });

      it('two servers on one timeline: controller.signal aborts when both stop accepting, an SSE stream ends itself on it and is waited for, exit 0', async (t) => {
        const app = await start(t, { SERVERS: '2', DELAY_MS: '1500', TIMEOUT_MS: '20000' });
        if (!app) return;
        const [first, second] = app.bases as [string, string];
        const agents = [first, second].map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
        try {
          // the stream says its last word 300 ms after the signal: the shutdown must wait for it
          const events = await fetch(`${first}/events?linger=300`);
          assert.equal(events.headers.get('content-type'), 'text/event-stream');
          const inFlight = get(second, '/slow?ms=3000');
          for (const [index, base] of [first, second].entries()) assert.equal((await get(base, '/app', agents[index])).status, 200);
          await outputMatches(app, /request \/slow/);
          const signalled = performance.now();
          app.child.kill('SIGTERM');
          await outputMatches(app, /readiness fails/);
          // during delayMs both servers serve, readiness failing, with Connection: close
          for (const [index, base] of [first, second].entries()) {
            assert.deepEqual(await get(base, '/readyz', agents[index]), { status: 503, connection: 'close', body: '[+]db ok\n[-]shutdown failed: draining\nreadyz check failed\n' }, base);
          }
          assert.doesNotMatch(app.output(), /controller\.signal aborted/, 'the signal aborted during the delay');
          let text = '';
          const decoder = new TextDecoder();
          for await (const chunk of events.body!) text += decoder.decode(chunk, { stream: true }); // throws if the stream is cut
          const ended = performance.now() - signalled;
          assert.ok(ended >= 1500 + 300, `the stream ended ${Math.round(ended)} ms after SIGTERM, before delayMs and its last word`);
          assert.ok(ended < 20_000, `the stream ended ${Math.round(ended)} ms after SIGTERM: at timeoutMs, not by itself`);
          assert.match(text, /^(data: tick\n\n)+event: bye\ndata: shutting down\n\n$/);
          // both stopped accepting together, and the request in flight on the second one finished
          for (const base of [first, second]) await assert.rejects(get(base, '/app'), { code: 'ECONNREFUSED' }, base);
          assert.deepEqual(pick(await inFlight), [200, 'slow']);
          assert.equal(await app.exited, 0, app.output());
          const label = name === 'bun' ? 'Bun server' : 'Deno server';
          assert.match(app.output(), new RegExp(`shutdown: SIGTERM: readiness fails; ${label} and ${label} keep serving for 1500 ms\n.*controller\\.signal aborted\n.*stopped accepting`));
          assert.match(app.output(), /exit code 0/);
        } finally {
          for (const agent of agents) agent.destroy();
        }
      });

      for (const [kind, what] of [['hono-middleware', "shipshape/hono's middleware"], ['probes-fetch', 'probes.fetch(request)']] as const) {
        it(`${what} adds no Connection: close while draining (only withProbes does): keep-alive clients stay until the stop`, async (t) => {
          if (!requireRuntime(t, name, runtime)) return;
          const app = await startRuntimeApp(runtime, 'server.mjs', [kind], { DELAY_MS: '1000' });
          apps.push(app);
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          try {
            assert.equal((await get(app.base, '/app', agent)).status, 200);
            app.child.kill('SIGTERM');
            await outputMatches(app, /readiness fails/);
            const ready = await get(app.base, '/readyz', agent);
            assert.deepEqual([ready.status, ready.body], [503, '[+]db ok\n[-]shutdown failed: draining\nreadyz check failed\n']);
            assert.notEqual(ready.connection, 'close');
            assert.notEqual((await get(app.base, '/app', agent)).connection, 'close');
            assert.equal(await app.exited, 0, app.output());
          } finally {
            agent.destroy();
          }
        });
      }

      it('WebSocket upgrades reach the handler, also while draining (a 101 is left alone)', async (t) => {
        const app = await start(t, { DELAY_MS: '3000' });
        if (!app) return;
        const url = `${app.base.replace('http:', 'ws:')}/ws`;
        const echo = (): ReturnType<typeof runToEnd> => runToEnd(runtime!, path.join(FIXTURES, 'ws-client.mjs'), [url], {}, { timeoutMs: 10_000 });
        assert.deepEqual(pick2(await echo()), [0, 'echo ping\n']);
        app.child.kill('SIGTERM');
        await outputMatches(app, /readiness fails/);
        assert.deepEqual(pick2(await echo()), [0, 'echo ping\n']);
        assert.equal(await app.exited, 0, app.output());
      });

      it('SIGINT starts it too', async (t) => {
        const app = await start(t, { DELAY_MS: '0' });
        if (!app) return;
        app.child.kill('SIGINT');
        assert.equal(await app.exited, 0, app.output());
        assert.match(app.output(), /shutdown: SIGINT: readiness fails/);
      });

      it('a second SIGTERM exits at once with 143', async (t) => {
        const app = await start(t, { DELAY_MS: '10000' });
        if (!app) return;
        app.child.kill('SIGTERM');
        await outputMatches(app, /readiness fails/);
        app.child.kill('SIGTERM');
        assert.equal(await app.exited, 143, app.output());
        assert.match(app.output(), /second signal SIGTERM: exiting now with 143/);
      });

      // Bun ends them with stop(true); Deno's server handle cannot (only the signal given to
      // Deno.serve() can, and that is the app's), so there the exit of the process ends them
      it(`a request and a stream that outlast timeoutMs are ended${name === 'deno' ? ' by the exit of the process' : ''}, exit 1`, async (t) => {
        const app = await start(t, { DELAY_MS: '0', TIMEOUT_MS: '500' });
        if (!app) return;
        const hanging = get(app.base, '/hang').then(() => 'answered', (error: NodeJS.ErrnoException) => error.code ?? error.message);
        // a stream that says its last word a minute after the signal: far beyond timeoutMs
        const events = await fetch(`${app.base}/events?linger=60000`);
        const streamed = events.text().then(() => 'ended', () => 'cut');
        await outputMatches(app, /request \/hang/);
        app.child.kill('SIGTERM');
        assert.equal(await app.exited, 1, app.output());
        assert.match(app.output(), new RegExp(`${name === 'bun' ? 'Bun' : 'Deno'} server still open after 500 ms: destroyed ${name === 'bun' ? 2 : 0} connection`));
        assert.equal(await hanging, 'ECONNRESET', 'the hanging request was cut, not answered');
        assert.equal(await streamed, 'cut', 'the stream was cut, not ended');
      });
    });
  });
}

function pick2(run: { status: number | null; stdout: string; stderr: string }): [number | null, string] {
  return [run.status, run.stdout || run.stderr];
}

function pick(answer: { status: number; body: string }): [number, string] {
  return [answer.status, answer.body];
}
