/** RouteTable (src/core/routes.ts): the probe paths, their validation, and matching a request path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import { pathAndQuery } from '../../src/core/internal/url.js';
import { DEFAULT_PATHS, RouteTable, type ProbePaths } from '../../src/core/routes.js';

const table = (paths?: ProbePaths, basePath = ''): RouteTable => new RouteTable(paths, basePath);

/** Asserts that building the table throws an InvalidOptionError whose message is exactly `message`. */
function assertRejects(paths: unknown, basePath: string, message: string): void {
  assert.throws(
    () => new RouteTable(paths as ProbePaths, basePath),
    (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError && error instanceof TypeError, String(error));
      assert.equal(error.code, 'SHIPSHAPE_INVALID_OPTION');
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('RouteTable: paths', () => {
  it('serves the Kubernetes API server’s endpoints by default', () => {
    assert.deepEqual(table().paths(), ['/livez', '/healthz', '/readyz', '/startupz']);
    assert.deepEqual(table().paths(), [...DEFAULT_PATHS.live, ...DEFAULT_PATHS.ready, ...DEFAULT_PATHS.startup]);
    assert.deepEqual(table().match('/livez'), { probe: 'liveness', word: 'livez' });
    assert.deepEqual(table().match('/healthz'), { probe: 'liveness', word: 'healthz' });
    assert.deepEqual(table().match('/readyz'), { probe: 'readiness', word: 'readyz' });
    assert.deepEqual(table().match('/startupz'), { probe: 'startup', word: 'startupz' });
  });

  it('puts basePath before every path, and then matches only the prefixed ones', () => {
    const routes = table(undefined, '/ops');
    assert.deepEqual(routes.paths(), ['/ops/livez', '/ops/healthz', '/ops/readyz', '/ops/startupz']);
    assert.deepEqual(routes.match('/ops/readyz'), { probe: 'readiness', word: 'readyz' });
    assert.equal(routes.match('/readyz'), undefined);
    assert.equal(routes.match('/ops'), undefined);
  });

  it('takes a path or a list of paths per probe; the others keep their defaults; the word is the last segment', () => {
    const routes = table({ live: ['/alive', '/k8s/live'], ready: '/ready' });
    assert.deepEqual(routes.paths(), ['/alive', '/k8s/live', '/ready', '/startupz']);
    assert.deepEqual(routes.match('/k8s/live'), { probe: 'liveness', word: 'live' });
    assert.deepEqual(routes.match('/ready'), { probe: 'readiness', word: 'ready' });
    assert.equal(routes.match('/livez'), undefined, 'a given list replaces the defaults');
    assert.equal(routes.match('/readyz'), undefined);
  });

  it('turns a probe off with []', () => {
    const routes = table({ startup: [], live: [] });
    assert.deepEqual(routes.paths(), ['/readyz']);
    assert.equal(routes.match('/startupz'), undefined);
    assert.equal(routes.match('/livez'), undefined);
    assert.equal(routes.match('/startupz/x'), undefined);
  });
});

describe('RouteTable: match', () => {
  it('matches /PROBE/NAME to the probe with the check NAME', () => {
    assert.deepEqual(table().match('/readyz/db'), { probe: 'readiness', word: 'readyz', check: 'db' });
    assert.deepEqual(table().match('/livez/event-loop'), { probe: 'liveness', word: 'livez', check: 'event-loop' });
    assert.deepEqual(table().match('/readyz/cache/primary'), { probe: 'readiness', word: 'readyz', check: 'cache/primary' });
    assert.deepEqual(table(undefined, '/ops').match('/ops/startupz/migrations'), { probe: 'startup', word: 'startupz', check: 'migrations' });
  });

  it('percent-decodes the check name, and takes a malformed escape as written', () => {
    assert.equal(table().match('/readyz/my%20db')?.check, 'my db');
    assert.equal(table().match('/readyz/a%2Fb')?.check, 'a/b');
    assert.equal(table().match('/readyz/%zz')?.check, '%zz');
    assert.equal(table().match('/readyz/100%')?.check, '100%');
  });

  it('treats /PROBE/ with an empty name as the probe itself', () => {
    assert.deepEqual(table().match('/readyz/'), { probe: 'readiness', word: 'readyz' });
  });

  it('matches nothing else: the app’s own paths, near misses, another case', () => {
    for (const path of ['/', '', '/app', '/readyzz', '/readyz-x', '/x/readyz', '/READYZ', '/livez.json', '//readyz']) {
      assert.equal(table().match(path), undefined, path);
    }
  });

  it('matches the path only: a query must be split off before', () => {
    assert.equal(table().match('/readyz?verbose'), undefined);
  });
});

describe('RouteTable: mayMatch', () => {
  const tables = [table(), table(undefined, '/ops'), table({ live: '/health/live', ready: ['/r', '/ready'], startup: [] })];
  const paths = ['/livez', '/healthz', '/readyz', '/startupz', '/ops/livez', '/ops/readyz/db', '/health/live', '/r', '/ready/x', '/app', '/', '/readyzz', '/x/readyz', '/READYZ', '/s', '/h'];
  const targets = paths.flatMap((path) => [path, `${path}?verbose`, `http://app.test${path}`, `https://u:p@app.test:8443${path}?format=json#f`]);

  it('never says no to a target that match() takes (origin or absolute form, query and fragment)', () => {
    for (const routes of tables) {
      for (const target of targets) {
        const path = pathAndQuery(target).split('?')[0]!;
        if (routes.match(path)) assert.equal(routes.mayMatch(target), true, target);
      }
    }
  });

  it('says no to the app’s own paths without reading further than their first characters', () => {
    for (const target of ['/app', '/', '/x/readyz', '/READYZ', 'http://app.test/app', 'http://app.test', 'http://app.test?readyz', '*', '']) {
      assert.equal(table().mayMatch(target), false, target);
    }
    assert.equal(table(undefined, '/ops').mayMatch('/livez'), false);
  });

  it('says yes to a path that only begins like a probe path, and leaves it to match()', () => {
    assert.equal(table().mayMatch('/readyzz'), true);
    assert.equal(table().match('/readyzz'), undefined);
  });
});

describe('RouteTable: validation', () => {
  it('rejects a path given twice, across probes, in one list, or after basePath', () => {
    assertRejects({ live: '/x', ready: '/x' }, '', 'The probe path `"/x"` is given twice in `paths`');
    assertRejects({ live: ['/a', '/a'] }, '', 'The probe path `"/a"` is given twice in `paths`');
    assertRejects({ ready: '/livez' }, '/ops', 'The probe path `"/ops/livez"` is given twice in `paths`');
  });

  it('rejects a basePath that does not start with "/" or ends with "/"', () => {
    const message = (got: string) => `Expected \`basePath\` to be "" or a path starting with "/" and not ending with "/", got ${got}`;
    assertRejects(undefined, 'ops', message('`"ops"`'));
    assertRejects(undefined, '/ops/', message('`"/ops/"`'));
    assertRejects(undefined, '/', message('`"/"`'));
  });

  it('rejects paths that are not an object of known probes', () => {
    assertRejects('/livez', '', 'Expected `paths` to be an object, got `"/livez"`');
    assertRejects([], '', 'Expected `paths` to be an object, got an array');
    assertRejects({ health: '/h' }, '', 'Unknown option `paths.health`: expected one of `live`, `ready`, `startup`');
  });

  it('rejects a probe’s paths that are not a path or a list of paths', () => {
    assertRejects({ live: 5 }, '', 'Expected `paths.live` to be a path or an array of paths, got `5`');
    assertRejects({ ready: { path: '/r' } }, '', 'Expected `paths.ready` to be a path or an array of paths, got an object');
  });

  it('rejects a path without a leading "/", with a trailing "/", a query, a fragment or a space', () => {
    for (const path of ['livez', '/livez/', '/', '/a?b', '/a#b', '/a b', '']) {
      assertRejects({ live: [path] }, '', `Expected \`paths.live\` paths to start with "/" (no query, no trailing "/"), got \`${JSON.stringify(path)}\``);
    }
    assertRejects({ startup: [7] }, '', 'Expected `paths.startup` paths to start with "/" (no query, no trailing "/"), got `7`');
  });
});
