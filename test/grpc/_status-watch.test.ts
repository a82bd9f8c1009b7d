/**
 * The shared watch of one service: who hears what and when, with an evaluation the test
 * controls and a poll interval long enough (60 s) that only `poke()` can explain a new status.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusWatch } from '../../src/grpc/_status-watch.js';
import type { ServingStatus } from '../../src/grpc/types.js';

const LONG_MS = 60_000;
const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An evaluation that answers `current`, counting its runs; `gate` holds it until released. */
function evaluation(initial: ServingStatus) {
  const state = { current: initial, runs: 0, gate: undefined as Promise<void> | undefined };
  return {
    state,
    evaluate: async (): Promise<ServingStatus> => {
      state.runs += 1;
      await state.gate;
      return state.current;
    },
  };
}

describe('StatusWatch', () => {
  it('sends the first result to the first watcher, the last one at once to a later watcher, and only changes after', async () => {
    const { state, evaluate } = evaluation('SERVING');
    const watch = new StatusWatch(evaluate, () => {}, LONG_MS);
    const first: ServingStatus[] = [];
    const second: ServingStatus[] = [];
    const leaveFirst = watch.add((status) => first.push(status));
    await tick();
    assert.deepEqual(first, ['SERVING']);
    const leaveSecond = watch.add((status) => second.push(status));
    assert.deepEqual(second, ['SERVING'], 'at once, without a new evaluation');
    assert.equal(state.runs, 1);
    watch.poke();
    await tick();
    assert.deepEqual(first, ['SERVING'], 'an unchanged status is not sent again');
    state.current = 'NOT_SERVING';
    watch.poke();
    await tick();
    assert.deepEqual(first, ['SERVING', 'NOT_SERVING']);
    assert.deepEqual(second, ['SERVING', 'NOT_SERVING']);
    leaveFirst();
    leaveSecond();
  });

  it('evaluates again after the evaluation in progress when poked during it, not twice at once', async () => {
    const { state, evaluate } = evaluation('SERVING');
    let release = (): void => {};
    state.gate = new Promise((resolve) => (release = resolve));
    const watch = new StatusWatch(evaluate, () => {}, LONG_MS);
    const heard: ServingStatus[] = [];
    const leave = watch.add((status) => heard.push(status));
    watch.poke();
    watch.poke();
    assert.equal(state.runs, 1);
    state.current = 'NOT_SERVING';
    state.gate = undefined;
    release();
    await tick();
    assert.equal(state.runs, 2);
    assert.deepEqual(heard, ['NOT_SERVING']);
    leave();
  });

  it('polls at its interval while watched, and stops and says so when the last watcher leaves', async () => {
    const { state, evaluate } = evaluation('SERVING');
    let idle = 0;
    const watch = new StatusWatch(evaluate, () => (idle += 1), 50);
    const leave = watch.add(() => {});
    await tick(400);
    assert.ok(state.runs >= 3, `${state.runs} runs in 400 ms at 50 ms`);
    leave();
    assert.equal(idle, 1);
    const runs = state.runs;
    await tick(200);
    assert.equal(state.runs, runs);
    watch.poke();
    await tick();
    assert.equal(state.runs, runs, 'a poke without watchers evaluates nothing');
  });
});
