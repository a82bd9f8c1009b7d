// Issue 23: what a request costs in instructions (callgrind, _callgrind.ts), for every way
// shipshape answers, beside each framework alone, with its own no-op middleware (the floor
// of any middleware there), with its own /livez route, and beside terminus and lightship:
// `npm run bench -- icount`. valgrind and callgrind_control come with Debian's `valgrind`
// package; strace (syscalls a request, BENCH_STRACE=0 to skip) with `strace`.
// BENCH_ICOUNT='koa|hono' runs the rows whose figure matches it (a regular expression);
// BENCH_JOBS servers are counted at once (default 2; the machine's load moves a count by
// 1–3 %, so a row's servers are counted close together); BENCH_PROCESSES, BENCH_BEFORE and
// BENCH_CALLGRIND_DIR: see BENCHMARKS.md. 25–50 minutes on 2 vCPUs.
import { countSyscalls, drive, hasCommand, REQUESTS, sequential, SEQUENTIAL, startCounted, type Count } from './_callgrind.js';
import { startServer, variant, type Variant } from './_lib.js';

interface Point {
  readonly variant: Variant;
  readonly path: string;
}

/** One row of the table: shipshape (or a peer) against the framework alone, and the floor. */
interface Row {
  readonly figure: string;
  readonly alone: Point;
  /** The framework's own no-op middleware: the floor of any middleware there. */
  readonly noop?: Point;
  readonly candidate: Point;
  /** The candidate compiled from another checkout (BENCH_BEFORE), counted in the same run. */
  readonly before?: Point;
  /** Met when candidate ≤ factor × (noop ?? alone). */
  readonly goal?: { readonly factor: number; readonly text: string };
  /** `pct`: +x % over `alone` (pass-through); `ratio`: ×`alone` (a probe against the app's own route). */
  readonly show: 'pct' | 'ratio';
}

const PLUS_2 = { factor: 1.02, text: '≤ +2 %' };
const NOOP_PLUS_2 = { factor: 1.02, text: '≤ no-op + 2 %' };
const TIMES_1_02 = { factor: 1.02, text: '≤ 1.02×' };

const at = (name: string, script: string, args: readonly string[], path: string): Point => ({ variant: variant(name, script, args), path });

// attachProbes is the same code on every server: node:http, Express and Fastify show it
const FRAMEWORKS = [
  { name: 'Nest 11 (Express)', script: 'nest-app.ts', args: ['express'], attach: false },
  { name: 'Nest 11 (Fastify)', script: 'nest-app.ts', args: ['fastify'], attach: false },
  { name: 'Express 5', script: 'express-app.ts', args: [], attach: true },
  { name: 'Fastify 5', script: 'fastify-app.ts', args: [], attach: true },
  { name: 'Koa 3', script: 'koa-app.ts', args: [], attach: false },
  { name: 'Hono 4', script: 'hono-app.ts', args: [], attach: false, fetch: true },
] as const;

function rows(): Row[] {
  const node = (mode: string, path: string): Point => at(`node:http ${mode}`, 'node-app.ts', mode.split('+'), path);
  const lightship = at("lightship's own server", 'lightship.ts', [], '/live');
  const list: Row[] = [
    { figure: 'node:http `/app`: `withProbes`', alone: node('own', '/app'), candidate: node('adapter', '/app'), goal: PLUS_2, show: 'pct' },
    { figure: 'node:http `/app`: `attachProbes`', alone: node('own', '/app'), candidate: node('attach', '/app'), goal: PLUS_2, show: 'pct' },
    { figure: 'node:http `/app`: terminus', alone: node('own', '/app'), candidate: node('terminus', '/app'), show: 'pct' },
    { figure: 'node:http `/livez`: `withProbes` vs the bare handler', alone: node('own', '/livez'), candidate: node('adapter', '/livez'), goal: TIMES_1_02, show: 'ratio' },
    { figure: 'node:http `/livez`: `attachProbes` vs the bare handler', alone: node('own', '/livez'), candidate: node('attach', '/livez'), goal: TIMES_1_02, show: 'ratio' },
    { figure: 'node:http `/livez`: terminus vs the bare handler', alone: node('own', '/livez'), candidate: node('terminus', '/livez'), show: 'ratio' },
    { figure: "lightship's own server `/live` vs the bare handler", alone: node('own', '/livez'), candidate: lightship, show: 'ratio' },
  ];
  for (const f of FRAMEWORKS) {
    const mode = (m: string, path: string): Point => at(`${f.name} ${m}`, f.script, [...f.args, m], path);
    list.push(
      { figure: `${f.name} \`/app\`: the adapter`, alone: mode('own', '/app'), noop: mode('noop', '/app'), candidate: mode('adapter', '/app'), goal: NOOP_PLUS_2, show: 'pct' },
      { figure: `${f.name} \`/livez\`: the adapter vs its own route`, alone: mode('own', '/livez'), candidate: mode('adapter', '/livez'), goal: TIMES_1_02, show: 'ratio' },
    );
    if ('fetch' in f && f.fetch) {
      list.push({ figure: `${f.name} \`/app\`: through \`shipshape/fetch\``, alone: mode('own', '/app'), candidate: mode('fetch', '/app'), goal: PLUS_2, show: 'pct' });
    }
    if (f.attach) {
      list.push(
        { figure: `${f.name} \`/app\`: \`attachProbes\``, alone: mode('own', '/app'), candidate: mode('attach', '/app'), goal: PLUS_2, show: 'pct' },
        { figure: `${f.name} \`/livez\`: \`attachProbes\` vs its own route`, alone: mode('own', '/livez'), candidate: mode('attach', '/livez'), goal: TIMES_1_02, show: 'ratio' },
      );
    }
  }
  list.push({
    figure: '`/readyz` with 2 trivial checks: `withProbes` vs terminus',
    alone: node('terminus+checks', '/readyz'),
    candidate: node('adapter+checks', '/readyz'),
    goal: { factor: 1, text: '≤ terminus' },
    show: 'ratio',
  });
  // both paths on one server: the checks' latest results against a probe without checks
  const background = (path: string): Point => node('adapter+checks+background', path);
  list.push({
    figure: '`/readyz` with 2 background checks (`intervalMs`) vs `/livez`: `withProbes`',
    alone: background('/livez'),
    candidate: background('/readyz'),
    goal: { factor: 1.02, text: '≤ `/livez` (+2 %)' },
    show: 'ratio',
  });
  return list;
}

export default async function icount(): Promise<void> {
  for (const [command, pkg] of [['valgrind', 'valgrind'], ['callgrind_control', 'valgrind']] as const) {
    if (!hasCommand(command)) {
      console.log(`icount: \`${command}\` is missing: it comes with Debian's \`${pkg}\` package (apt-get install ${pkg})`);
      return;
    }
  }
  const strace = process.env.BENCH_STRACE !== '0' && hasCommand('strace', ['-V']);
  const filter = process.env.BENCH_ICOUNT ? new RegExp(process.env.BENCH_ICOUNT, 'i') : undefined;
  const selected = rows()
    .filter((row) => !filter || filter.test(row.figure))
    .map((row) => (BEFORE && row.goal && /adapter|attach|fetch/.test(row.candidate.variant.name) ? { ...row, before: beforeOf(row.candidate) } : row));
  const servers = new Map<Variant, Set<string>>();
  for (const row of selected) for (const p of [row.alone, row.noop, row.candidate, row.before]) if (p) servers.set(p.variant, (servers.get(p.variant) ?? new Set()).add(p.path));
  const instructions = new Map<string, Count[]>();
  const syscalls = new Map<string, number>();
  // BENCH_PROCESSES: each server counted in that many processes of its own (the table shows their mean)
  const processes = Number(process.env.BENCH_PROCESSES ?? 1);
  // the slowest servers first, so that the jobs end together
  const weight = (v: Variant): number => (v.script.startsWith('nest') ? 0 : v.script.startsWith('express') ? 1 : 2);
  const queue = [...servers].sort(([a], [b]) => weight(a) - weight(b)).flatMap((entry) => Array.from({ length: processes }, (_, i) => ({ entry, first: i === 0 })));
  const jobs = Number(process.env.BENCH_JOBS ?? 2);
  console.log(`${servers.size} servers × ${processes} processes; a path: warm-up until V8 stops optimizing, ${SEQUENTIAL} sequential, then ${REQUESTS}–5000 counted sequential keep-alive requests`);
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [v, paths] = next.entry;
        await countServer(v, [...paths], instructions);
        if (strace && next.first) await straceServer(v, [...paths], syscalls);
      }
    }),
  );
  printTable(selected, instructions, strace ? syscalls : undefined);
}

const keyOf = (p: Point): string => `${p.variant.name} ${p.path}`;

/**
 * BENCH_BEFORE=DIR: each goal's adapter or attachProbes server is counted twice in the same
 * run, the second time as compiled in the checkout DIR (`npx tsc -p bench/tsconfig.json`
 * there first): a change's before and after under the same load.
 */
const BEFORE = process.env.BENCH_BEFORE;

function beforeOf(p: Point): Point {
  const { name, script, args } = p.variant;
  return { variant: variant(`${name} (before)`, script, args, `${BEFORE}/.tmp/bench/bench/servers`), path: p.path };
}

async function countServer(v: Variant, paths: readonly string[], into: Map<string, Count[]>): Promise<void> {
  const started = Date.now();
  const server = await startCounted(v);
  try {
    const warmed = await server.warm(paths);
    for (const path of paths) {
      const count = await server.count(path);
      const key = keyOf({ variant: v, path });
      into.set(key, [...(into.get(key) ?? []), count]);
      const tiering = `${count.tiering ? ` (V8 optimized meanwhile: ${count.tiering} trace lines)` : ''}${count.majorGc ? ' (a major GC ran meanwhile)' : ''}`;
      console.log(`${v.name} ${path}: ${format(count.instructions)} instructions a request over ${count.requests}, after ${warmed} warm-up${tiering} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  } finally {
    await server.stop();
  }
}

async function straceServer(v: Variant, paths: readonly string[], into: Map<string, number>): Promise<void> {
  const server = await startServer(v);
  try {
    for (const path of paths) await drive(server.url + path, 10_000);
    for (const path of paths) await sequential(server.url + path, SEQUENTIAL);
    for (const path of paths) into.set(keyOf({ variant: v, path }), await countSyscalls(server, path));
  } finally {
    await server.stop();
  }
}

function printTable(list: readonly Row[], instructions: ReadonlyMap<string, readonly Count[]>, syscalls: ReadonlyMap<string, number> | undefined): void {
  // a window a major GC fell in carries ~100k a request of 1000 that the others do not:
  // left out of the mean when another process's window held none (‡ then only if every one did)
  const counts = (p: Point | undefined): readonly Count[] => {
    const all = p ? (instructions.get(keyOf(p)) ?? []) : [];
    const clean = all.filter((c) => !c.majorGc);
    return clean.length > 0 ? clean : all;
  };
  const get = (p: Point | undefined): number | undefined => {
    const all = counts(p);
    return all.length === 0 ? undefined : all.reduce((sum, c) => sum + c.instructions, 0) / all.length;
  };
  // † a count during which V8 still optimized or deoptimized something: not a settled figure;
  // ‡ one during which a major GC ran (Express, Nest: one every few thousand requests, ~100k a request of 1000);
  // with several processes, the spread (max ÷ min − 1) follows the mean
  const mark = (p: Point | undefined): string => {
    const all = counts(p);
    const spread = all.length > 1 ? ` ±${((Math.max(...all.map((c) => c.instructions)) / Math.min(...all.map((c) => c.instructions)) - 1) * 50).toFixed(1)} %` : '';
    return `${all.some((c) => c.tiering > 0) ? '†' : ''}${all.some((c) => c.majorGc) ? '‡' : ''}${spread}`;
  };
  console.log('\n## instructions a request (sequential keep-alive, once V8 has stopped optimizing)\n');
  const before = list.some((row) => row.before);
  console.log(`| figure | framework alone | + its own no-op middleware |${before ? ' + shipshape before |' : ''} + shipshape (or the peer) | goal | met? |${syscalls ? ' syscalls a request (alone → candidate) |' : ''}`);
  console.log(`| --- | --- | --- |${before ? ' --- |' : ''} --- | --- | --- |${syscalls ? ' --- |' : ''}`);
  for (const row of list) {
    const alone = get(row.alone)!;
    const noop = get(row.noop);
    const candidate = get(row.candidate)!;
    const relative = (value: number): string => (row.show === 'pct' ? `${value >= alone ? '+' : ''}${((value / alone - 1) * 100).toFixed(1)} %` : `${(value / alone).toFixed(3)}×`);
    const floor = noop ?? alone;
    const over = `${((candidate / floor - 1) * 100).toFixed(1)} % over ${noop ? 'the no-op' : 'it'}`;
    const met = row.goal === undefined ? '' : candidate <= row.goal.factor * floor ? `✅ (${noop ? over : relative(candidate)})` : `✗ (${over})`;
    const cells = [
      row.figure,
      `${format(alone)}${mark(row.alone)}`,
      noop === undefined ? '—' : `${format(noop)}${mark(row.noop)} (${relative(noop)})`,
      ...(before ? [row.before ? `${format(get(row.before)!)}${mark(row.before)} (${relative(get(row.before)!)})` : '—'] : []),
      `${format(candidate)}${mark(row.candidate)} (${relative(candidate)})`,
      row.goal?.text ?? '—',
      met,
    ];
    if (syscalls) cells.push(`${syscalls.get(keyOf(row.alone))?.toFixed(2)} → ${syscalls.get(keyOf(row.candidate))?.toFixed(2)}`);
    console.log(`| ${cells.join(' | ')} |`);
  }
}

function format(count: number): string {
  return `${(count / 1000).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}k`;
}
