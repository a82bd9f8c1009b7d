/**
 * The public surface: the export names of every entry point (a new or lost export must be
 * a deliberate change to this list), the `exports` map matching `src/`, and packaging rules.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines: { node: string };
  files: string[];
  sideEffects: boolean;
  type: string;
};

const ENTRIES: Record<string, string[]> = {
  '.': [
    'CheckTimeoutError', 'ConfigError', 'DriverMissingError', 'InvalidOptionError', 'LockLostError', 'LockTimeoutError', 'NotReady', 'ShipshapeError',
    'UsageError', 'WaitTimeoutError', 'WeakPasswordError', 'createProbes', 'database', 'defineConfig', 'diskSpace', 'eventLoopDelay', 'gracefulShutdown', 'grpc', 'http',
    'isShipshapeError', 'memcached', 'memoryHeap', 'memoryRss', 'mqtt', 'mysql', 'nats', 'postgres', 'rabbitmq', 'redact', 'redis',
    'registerSecret', 'registerUrlSecrets', 'sqlite', 'tcp',
  ],
  './node': ['attachProbes', 'withProbes'],
  './express': ['expressProbes'],
  './fastify': ['fastifyProbes'],
  './koa': ['koaProbes'],
  './hono': ['honoProbes'],
  './nest': ['SHIPSHAPE_PROBES', 'ShipshapeModule'],
  './fetch': ['withProbes'],
  './prometheus': ['prometheusMetrics'],
  './otel': ['otelMetrics'],
  './grpc': ['addHealthService'],
  './jobs': ['LockLostError', 'LockTimeoutError', 'WaitTimeoutError', 'WeakPasswordError', 'checkManifests', 'ensureAdmin', 'waitFor', 'withMigrationLock'],
};

/** Where an entry's code is built from: `./dist/X.js` of its `exports` row ← `src/X.ts`. */
function sourceOf(entry: string): URL {
  const target = pkg.exports[entry] as { default: string };
  return new URL(`../src/${target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '')}.ts`, import.meta.url);
}

describe('package', () => {
  for (const [entry, names] of Object.entries(ENTRIES)) {
    it(`exports exactly the listed names from ${entry === '.' ? 'shipshape' : `shipshape/${entry.slice(2)}`}`, async () => {
      const module = (await import(sourceOf(entry).href)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(module).sort(), [...names].sort());
    });
  }

  it('maps every entry point to dist with types first, and nothing else', () => {
    assert.deepEqual(Object.keys(pkg.exports).sort(), [...Object.keys(ENTRIES), './package.json'].sort());
    for (const entry of Object.keys(ENTRIES)) {
      const target = pkg.exports[entry] as { types: string; default: string };
      assert.deepEqual(Object.keys(target), ['types', 'default'], entry);
      assert.match(target.default, /^\.\/dist\/[a-z/-]+\.js$/, entry);
      assert.equal(target.types, target.default.replace(/\.js$/, '.d.ts'), entry);
      assert.ok(existsSync(sourceOf(entry)), `src for ${entry}`);
    }
  });

  it('has no runtime dependencies and only optional peers', () => {
    assert.deepEqual(pkg.dependencies ?? {}, {});
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) {
      assert.equal(pkg.peerDependenciesMeta?.[peer]?.optional, true, `${peer} is optional`);
    }
  });

  it('is ESM, side-effect free, ships dist only, and needs Node >= 20.19', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.sideEffects, false);
    assert.deepEqual(pkg.files, ['dist']);
    assert.equal(pkg.engines.node, '>=20.19');
  });

  it('keeps driver imports out of the core: no runtime import of a driver or framework in src/', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(new URL('../src', import.meta.url), { recursive: true })).filter((f) => f.endsWith('.ts'));
    const allowed = new Set(['node:', '.', '@nestjs/common', '@nestjs/core']);
    for (const file of files) {
      const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
      for (const match of text.matchAll(/^import (?!type )[^'"]*from '([^']+)'/gm)) {
        const spec = match[1]!;
        const ok = [...allowed].some((prefix) => spec.startsWith(prefix)) && (!spec.startsWith('@nestjs') || file.includes('nest'));
        assert.ok(ok, `${file} imports ${spec} at run time`);
      }
    }
  });
});
