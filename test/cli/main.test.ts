import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
}

describe('shipshape binary', () => {
  it('prints its version with --version', () => {
    const run = cli('--version');
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${version}\n`);
  });

  it('prints usage with --help and exits 0', () => {
    const run = cli('--help');
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: shipshape <command>/);
  });

  it('exits 2 with a one-line message for an unknown command or flag', () => {
    for (const arg of ['frobnicate', '--frob']) {
      const run = cli(arg);
      assert.equal(run.status, 2);
      assert.equal(run.stderr.trim().split('\n').length, 1);
      assert.match(run.stderr, new RegExp(`unknown command or option "${arg}"`));
    }
  });

  it('exits 2 with the usage when called without a command', () => {
    const run = cli();
    assert.equal(run.status, 2);
    assert.match(run.stdout, /^Usage/);
  });
});
