/**
 * `shipshape wait4 TARGET...`: waits, like `wait4db`, for any mix of databases, Redis,
 * memcached, message brokers, TCP ports, HTTP endpoints and gRPC health services, in parallel,
 * each with its own stability window (SPEC §5): `waitFor` of src/jobs/wait, whose `kinds.ts`
 * lists the targets.
 */
import { UsageError } from '../../core/errors.js';
import { parseTarget, TARGET_FORMS } from '../../jobs/wait/index.js';
import { parseFlags } from '../_flags.js';
import type { CliIO } from '../_io.js';
import { DEFAULTS, runWait, WAIT_FLAGS, waitSettings } from './_wait.js';

/** The options of `wait4`, as `parseArgs` takes them. */
export const FLAGS = { ...WAIT_FLAGS } as const;

export const USAGE = `Usage: shipshape wait4 TARGET... [--timeout ${DEFAULTS.timeout}] [--stable ${DEFAULTS.stable}] [--interval ${DEFAULTS.interval}] [--quiet]

For init containers: waits until every TARGET answers and keeps answering for --stable
seconds, then exits 0; exits 1 at --timeout, naming each target that is not ready.
Targets are checked in parallel, each with its own stability window.

Targets:
  postgres://… postgresql://… mysql://… mariadb://… sqlite:… file:…   SELECT 1
  redis://[user:password@]host[:port]  rediss://…                    PING answers PONG
  memcached://host[:port]                                            version (port 11211)
  amqp://[user:password@]host[:port][/vhost]  amqps://…              a channel opens and closes
  nats://[user:password@]host[:port][,nats://…]                      PING answers PONG
  mqtt://[user:password@]host[:port]  mqtts://…                      a QoS 1 publish is acknowledged
  tcp://host:port                                                    a connection opens
  http://…  https://…                                                GET answers 2xx or 3xx
  grpc://host:port[/service]                                         health Check answers SERVING
  localhost is tried as 127.0.0.1 and ::1 (except over TLS and in a list of NATS servers)

Options:
  --timeout SEC    give up after this long (default ${DEFAULTS.timeout})
  --stable SEC     how long each must keep answering; any failure starts again (default ${DEFAULTS.stable})
  --interval SEC   time between attempts; each may take as long, 1 s to 5 s (default ${DEFAULTS.interval})
  --quiet          no progress lines on stderr (the result lines stay)

Progress on stderr, one line an attempt; on stdout a line a target:
  wait4: tcp://queue:5672: ECONNREFUSED (attempt 3, 2.1 s)
  redis://***@cache:6379 is ready (stable for 5 s after 1.0 s)
  tcp://queue:5672 is not ready after 180 s: ECONNREFUSED (180 attempts)

Exit codes: 0 all ready, 1 not all ready at --timeout, 2 usage error (a malformed
target, an unknown scheme, a missing driver), 128 + the signal on SIGTERM or SIGINT.
`;

/** Runs `shipshape wait4`. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, rest } = parseFlags(argv, FLAGS, true);
  const settings = waitSettings('wait4', values);
  const texts = [...positionals, ...rest];
  if (texts.length === 0) throw new UsageError(`no target: give one or more of ${TARGET_FORMS}`);
  // checked here first, to name a bad one as the command line gave it (`target 2`)
  texts.forEach((text, index) => parseTarget(text, `target ${index + 1}`));
  return runWait(texts, settings, io);
}
