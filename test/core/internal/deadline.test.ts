/** runWithDeadline, within and sleep (src/core/internal/deadline.ts): the one way work meets a deadline. */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { MAX_TIMER_MS, runWithDeadline, sleep, within } from '../../../src/core/internal/deadline.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether `promise` has settled by the time the event loop has turned once. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/** Collects 'unhandledRejection' and 'warning' events while `body` runs (and a little after). */
async function watchProcess(body: () => Promise<void>): Promise<{ rejections: unknown[]; warnings: Error[] }> {
  const rejections: unknown[] = [];
  const warnings: Error[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('unhandledRejection', onRejection);
  process.on('warning', onWarning);
  try {
    await body();
    await wait(20);
  } finally {
    process.removeListener('unhandledRejection', onRejection);
    process.removeListener('warning', onWarning);
  }
  return { rejections, warnings };
}

describe('runWithDeadline', () => {
  it('settles "done" with the value of work that finishes in time', async () => {
    const { settled, finished } = runWithDeadline(async () => 42, 1000);
    assert.deepEqual(await settled, { outcome: 'done', value: 42 });
    await finished;
  });

  it('settles "failed" with the error of work that rejects, or throws synchronously', async () => {
    const error = new Error('refused');
    assert.deepEqual(await runWithDeadline(() => Promise.reject(error), 1000).settled, { outcome: 'failed', error });
    const thrown = new Error('sync');
    assert.deepEqual(
      await runWithDeadline(() => {
        throw thrown;
      }, 1000).settled,
      { outcome: 'failed', error: thrown },
    );
  });

  it('takes a promise already under way as the work', async () => {
    assert.deepEqual(await runWithDeadline(Promise.resolve('x'), 1000).settled, { outcome: 'done', value: 'x' });
    assert.deepEqual(await runWithDeadline(new Promise(() => {}), 20).settled, { outcome: 'timeout' });
  });

  it('settles "timeout" at the deadline and aborts the work’s signal with the given error', async () => {
    const timeoutError = new Error('check timed out');
    let signal: AbortSignal | undefined;
    const started = performance.now();
    const { settled } = runWithDeadline((given) => {
      signal = given;
      return new Promise(() => {});
    }, 50, timeoutError);
    assert.equal(signal?.aborted, false);
    assert.deepEqual(await settled, { outcome: 'timeout' });
    assert.ok(performance.now() - started < 50 + 1000, 'answered at the deadline, not later');
    assert.equal(signal?.aborted, true);
    assert.equal(signal?.reason, timeoutError);
  });

  it('aborts with "timed out after MS ms" by default', async () => {
    let signal: AbortSignal | undefined;
    await runWithDeadline((given) => {
      signal = given;
      return new Promise(() => {});
    }, 30).settled;
    assert.equal((signal?.reason as Error).message, 'timed out after 30 ms');
  });

  it('never aborts the signal of work that finished in time', async () => {
    let signal: AbortSignal | undefined;
    await runWithDeadline((given) => ((signal = given), 'ok'), 30).settled;
    await wait(60);
    assert.equal(signal?.aborted, false);
  });

  it('resolves finished only once abandoned work has really settled, after the deadline', async () => {
    let release: () => void = () => {};
    const { settled, finished } = runWithDeadline(() => new Promise<void>((resolve) => (release = resolve)), 20);
    assert.deepEqual(await settled, { outcome: 'timeout' });
    assert.equal(await hasSettled(finished), false, 'the work still hangs');
    release();
    await finished;
  });

  it('resolves finished (never rejects) when abandoned work rejects late, with no unhandled rejection', async () => {
    const { rejections } = await watchProcess(async () => {
      let fail: (error: Error) => void = () => {};
      const { settled, finished } = runWithDeadline(() => new Promise<void>((_, reject) => (fail = reject)), 20);
      assert.deepEqual(await settled, { outcome: 'timeout' });
      fail(new Error('late failure'));
      await finished;
    });
    assert.deepEqual(rejections, []);
  });

  it('treats Infinity as never: no timeout, the signal never aborts', async () => {
    let signal: AbortSignal | undefined;
    const { settled } = runWithDeadline(async (given) => {
      signal = given;
      await wait(60);
      return 'late but fine';
    }, Infinity);
    assert.deepEqual(await settled, { outcome: 'done', value: 'late but fine' });
    assert.equal(signal?.aborted, false);
  });

  it('caps a deadline above 2^31−1 ms instead of firing at once (setTimeout’s overflow), without a warning', async () => {
    assert.equal(MAX_TIMER_MS, 2 ** 31 - 1);
    const { warnings } = await watchProcess(async () => {
      for (const ms of [2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
        const { settled } = runWithDeadline(() => wait(30).then(() => 'done'), ms);
        assert.deepEqual(await settled, { outcome: 'done', value: 'done' }, `${ms} ms`);
      }
    });
    assert.deepEqual(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning'), []);
  });

  it('times out at once for 0 or a negative deadline', async () => {
    for (const ms of [0, -5]) assert.deepEqual(await runWithDeadline(new Promise(() => {}), ms).settled, { outcome: 'timeout' });
  });

  it('leaves no timer behind once the work is done (the process could exit)', async () => {
    const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    await runWithDeadline(async () => 'quick', 60_000).settled;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length, before);
  });
});

describe('within', () => {
  it('is runWithDeadline’s outcome alone', async () => {
    assert.deepEqual(await within(async () => 'v', 1000), { outcome: 'done', value: 'v' });
    assert.deepEqual(await within(new Promise(() => {}), 20), { outcome: 'timeout' });
    const error = new Error('no');
    assert.deepEqual(await within(Promise.reject(error), 1000), { outcome: 'failed', error });
  });
});

describe('sleep', () => {
  it('resolves after ms, not at once', async () => {
    const sleeping = sleep(40);
    assert.equal(await hasSettled(sleeping), false);
    await sleeping;
  });

  it('resolves at once for 0 or less, and for a signal already aborted', async () => {
    assert.equal(await hasSettled(sleep(0)), true);
    assert.equal(await hasSettled(sleep(-1)), true);
    assert.equal(await hasSettled(sleep(60_000, AbortSignal.abort())), true);
  });

  it('resolves as soon as the signal aborts, even for Infinity or a capped delay, and removes its listener', async () => {
    for (const ms of [Infinity, 2 ** 31, 60_000]) {
      const controller = new AbortController();
      const sleeping = sleep(ms, controller.signal);
      await wait(20);
      assert.equal(await hasSettled(sleeping), false, `${ms} ms is not over after 20 ms`);
      assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
      controller.abort();
      await sleeping;
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    }
  });

  it('removes its abort listener when the time is up', async () => {
    const controller = new AbortController();
    await sleep(10, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});
