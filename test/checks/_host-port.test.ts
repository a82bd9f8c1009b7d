/** host:port parsing (src/checks/_host-port.ts), as memcached lists and tcp() take addresses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectPort, formatHostPort, isIPv6, parseHostPort } from '../../src/checks/_host-port.js';
import { InvalidOptionError } from '../../src/core/errors.js';

function assertRejects(input: string, message: string, option = 'memcached', defaultPort = 11211): void {
  assert.throws(
    () => parseHostPort(option, input, defaultPort),
    (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError && error instanceof TypeError, String(error));
      assert.equal(error.message, message);
      return true;
    },
    input,
  );
}

describe('parseHostPort', () => {
  it('reads host:port, a host name or an IPv4 address', () => {
    assert.deepEqual(parseHostPort('memcached', 'cache-1:11212', 11211), { host: 'cache-1', port: 11212, label: 'cache-1:11212' });
    assert.deepEqual(parseHostPort('tcp', '10.0.0.2:5432', 80), { host: '10.0.0.2', port: 5432, label: '10.0.0.2:5432' });
    assert.deepEqual(parseHostPort('tcp', 'db.internal.example:1', 80), { host: 'db.internal.example', port: 1, label: 'db.internal.example:1' });
  });

  it('uses the default port for a host without one', () => {
    assert.deepEqual(parseHostPort('memcached', 'cache', 11211), { host: 'cache', port: 11211, label: 'cache:11211' });
    assert.deepEqual(parseHostPort('memcached', '10.0.0.2', 11211), { host: '10.0.0.2', port: 11211, label: '10.0.0.2:11211' });
  });

  it('reads IPv6 in brackets with or without a port, and a bare IPv6 address (no room for a port)', () => {
    assert.deepEqual(parseHostPort('memcached', '[::1]:11212', 11211), { host: '::1', port: 11212, label: '[::1]:11212' });
    assert.deepEqual(parseHostPort('memcached', '[::1]', 11211), { host: '::1', port: 11211, label: '[::1]:11211' });
    assert.deepEqual(parseHostPort('memcached', '::1', 11211), { host: '::1', port: 11211, label: '[::1]:11211' });
    assert.deepEqual(parseHostPort('memcached', '2001:db8::7', 11211), { host: '2001:db8::7', port: 11211, label: '[2001:db8::7]:11211' });
    assert.deepEqual(parseHostPort('tcp', '[fe80::1]:8080', 80), { host: 'fe80::1', port: 8080, label: '[fe80::1]:8080' });
  });

  it('trims white space around the address', () => {
    assert.deepEqual(parseHostPort('memcached', '  cache:11212 \n', 11211), { host: 'cache', port: 11212, label: 'cache:11212' });
  });

  it('rejects a port outside 1–65535 or not a whole number, showing what it got', () => {
    const message = (got: string) => `Expected \`memcached\` to have a port from 1 to 65535, got ${got}`;
    assertRejects('cache:0', message('`"0"`'));
    assertRejects('cache:65536', message('`"65536"`'));
    assertRejects('cache:abc', message('`"abc"`'));
    assertRejects('cache:1.5', message('`"1.5"`'));
    assertRejects('cache:', message('`""`'));
    assertRejects('cache:-1', message('`"-1"`'));
    assertRejects('[::1]:99999', message('`"99999"`'));
  });

  it('rejects an empty host, white space, slashes, brackets or a colon that is not IPv6, naming the option and its default port', () => {
    const message = (got: string, option = 'memcached', port = 11211) => `Expected \`${option}\` to be "host:port" (IPv6 as "[::1]:${port}"), got ${got}`;
    for (const input of ['', '   ', ':11211', 'a b:1', 'host/x:1', 'a:b:c', '[::1', '[]:1', '[zz::g]:1']) {
      assertRejects(input, message(`\`${JSON.stringify(input)}\``));
    }
    assertRejects('http://db:5432', message('`"http://db:5432"`', 'tcp', 80), 'tcp', 80);
  });
});

describe('isIPv6', () => {
  it('is true for IPv6 addresses only', () => {
    for (const host of ['::1', '::', 'fe80::1', '2001:db8::1', '::ffff:127.0.0.1']) assert.equal(isIPv6(host), true, host);
    for (const host of ['127.0.0.1', 'localhost', 'cache-1', '::zz', ':', 'a:b', '', 'fe80::1%eth0']) assert.equal(isIPv6(host), false, host);
  });
});

describe('formatHostPort', () => {
  it('writes host:port, with brackets around IPv6', () => {
    assert.equal(formatHostPort('cache', 11211), 'cache:11211');
    assert.equal(formatHostPort('10.0.0.2', 80), '10.0.0.2:80');
    assert.equal(formatHostPort('::1', 11211), '[::1]:11211');
    assert.equal(formatHostPort('2001:db8::1', 443), '[2001:db8::1]:443');
  });
});

describe('expectPort', () => {
  it('accepts a whole number from 1 to 65535 and rejects anything else, showing the received value', () => {
    for (const port of [1, 80, 65535]) assert.doesNotThrow(() => expectPort('port', port));
    for (const [port, got] of [[0, '`0`'], [65536, '`65536`'], [1.5, '`1.5`'], ['80', '`"80"`'], [Number.NaN, '`NaN`'], [undefined, '`undefined`']] as const) {
      assert.throws(() => expectPort('port', port), { name: 'InvalidOptionError', message: `Expected \`port\` to have a port from 1 to 65535, got ${got}` });
    }
    assert.throws(() => expectPort('port', 0, 'zero'), { message: 'Expected `port` to have a port from 1 to 65535, got `"zero"`' });
  });
});
