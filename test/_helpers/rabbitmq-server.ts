/**
 * `rabbitmqctl` for the tests: the connections of the shared broker that a test named,
 * closed by force as an operator (or a broker shutting down) closes them; and a private
 * RabbitMQ node for the tests that would disturb the shared broker: a memory alarm (every
 * publishing connection of the node is blocked) and a broker killed under its clients. It is Debian's `rabbitmq-server` on spare ports of 127.0.0.1, with its own node
 * name and data directory, run as the `rabbitmq` user (whose Erlang cookie `rabbitmqctl`
 * uses) in a process group of its own, so that `stop()` takes the Erlang VM down with its
 * shell wrapper. Starting one takes 5–15 s on a loaded machine. Always `kill()` it in
 * `after` (it also deletes the node's files); a process `exit` hook kills it too.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { canConnect } from './services.js';
import { refusedPort } from './sockets.js';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const START_WITHIN_MS = 60_000;

const running = new Set<ChildProcess>();
const dirs = new Set<string>();
process.once('exit', () => {
  for (const child of running) killGroup(child);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * The connections of a node (the shared broker by default) whose `connection_name` client
 * property starts with `prefix`: the names of parallel sessions' tests never collide.
 */
export async function connectionsNamed(prefix: string, node?: string): Promise<{ readonly pid: string; readonly name: string }[]> {
  const output = await rabbitmqctl(node, 'list_connections', 'pid', 'client_properties');
  const found: { pid: string; name: string }[] = [];
  for (const line of output.split('\n')) {
    const [pid, properties] = line.split('\t');
    const name = /\{"connection_name","([^"]*)"\}/.exec(properties ?? '')?.[1];
    if (pid && name?.startsWith(prefix)) found.push({ pid, name });
  }
  return found;
}

/** Closes every connection named `prefix…` from the broker's side (`rabbitmqctl close_connection`); resolves with their names. */
export async function closeConnectionsNamed(prefix: string, reason: string, node?: string): Promise<string[]> {
  const connections = await connectionsNamed(prefix, node);
  await Promise.all(connections.map(({ pid }) => rabbitmqctl(node, 'close_connection', pid, reason)));
  return connections.map(({ name }) => name);
}

/** Why a private node cannot run here (not root, RabbitMQ not installed), or undefined. */
export function privateRabbitUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'a private RabbitMQ node needs root (to run it as the rabbitmq user)';
  try {
    execFileSync('id', ['-u', 'rabbitmq'], { stdio: 'ignore' });
    accessSync(SERVER, constants.X_OK);
  } catch {
    return `RabbitMQ is not installed (${SERVER} and the rabbitmq user)`;
  }
  return undefined;
}

/** A private RabbitMQ node on a spare port, stoppable and restartable on the same port. */
export class RabbitNode {
  readonly port: number;
  readonly name: string;
  readonly url: string;
  readonly #dir: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #user: { uid: number; gid: number };
  #child: ChildProcess | undefined;

  static async start(): Promise<RabbitNode> {
    const node = new RabbitNode(await refusedPort(), await refusedPort());
    await node.start();
    return node;
  }

  private constructor(port: number, distPort: number) {
    this.port = port;
    this.name = `shipshape-test-${process.pid}-${port}@localhost`;
    this.url = `amqp://guest:guest@127.0.0.1:${port}`;
    this.#dir = mkdtempSync(path.join(tmpdir(), 'shipshape-rabbit-'));
    dirs.add(this.#dir);
    // guest may log in from anywhere (loopback_users): the node listens on 127.0.0.1 only
    writeFileSync(path.join(this.#dir, 'rabbitmq.conf'), `listeners.tcp.1 = 127.0.0.1:${port}\nloopback_users = none\n`);
    writeFileSync(path.join(this.#dir, 'enabled_plugins'), '[].\n');
    execFileSync('chown', ['-R', 'rabbitmq:rabbitmq', this.#dir]);
    const id = (flag: string): number => Number(execFileSync('id', [flag, 'rabbitmq'], { encoding: 'utf8' }));
    this.#user = { uid: id('-u'), gid: id('-g') };
    const at = (name: string): string => path.join(this.#dir, name);
    this.#env = {
      PATH: process.env.PATH,
      HOME: '/var/lib/rabbitmq',
      RABBITMQ_NODENAME: this.name,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_CONFIG_FILE: at('rabbitmq'),
      RABBITMQ_ENABLED_PLUGINS_FILE: at('enabled_plugins'),
      RABBITMQ_MNESIA_BASE: at('mnesia'),
      RABBITMQ_LOG_BASE: at('log'),
      RABBITMQ_FEATURE_FLAGS_FILE: at('feature_flags'),
      RABBITMQ_PID_FILE: at('pid'),
    };
  }

  /** Starts the node and resolves once its AMQP port accepts connections. */
  async start(): Promise<void> {
    if (this.#child) return;
    const child = spawn(SERVER, [], { env: this.#env, cwd: '/var/lib/rabbitmq', ...this.#user, stdio: 'ignore', detached: true });
    this.#child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const deadline = Date.now() + START_WITHIN_MS;
    while (!(await canConnect('127.0.0.1', this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`rabbitmq-server did not start on ${this.port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills the node (SIGKILL, no goodbye to its clients) and waits until its port refuses. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child) return;
    killGroup(child);
    while (await canConnect('127.0.0.1', this.port)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Runs `rabbitmqctl` against this node and resolves with its output. */
  ctl(...args: string[]): Promise<string> {
    return rabbitmqctl(this.name, ...args);
  }

  /** Stops the node for good and deletes its data directory. */
  async kill(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
    dirs.delete(this.#dir);
  }
}

// --- internal ---

async function rabbitmqctl(node: string | undefined, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('rabbitmqctl', ['-q', ...(node ? ['-n', node] : []), ...args], { encoding: 'utf8' });
  return stdout;
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
