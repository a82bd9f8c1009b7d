/**
 * Where a request's instructions go, function by function, and what changed between two
 * counts: `node --import tsx bench/callgrind-diff.ts BEFORE.callgrind [AFTER.callgrind]`.
 *
 * The dumps are those `BENCH_CALLGRIND_DIR=DIR npm run bench -- icount` keeps: each is named
 * with the requests it holds (`….n4000.callgrind`) and sits beside its process's V8 perf map
 * (`….perf.map`, from `--perf-basic-prof`), which names the JIT code that callgrind knows only
 * by address (`0x000000000d0e0bc0 [???]` becomes `JS:*mayMatch …/routes.js:46:13`; `*` is
 * optimized code). Prints the exclusive instructions a request of each function (the
 * largest differences first with two dumps). Needs `callgrind_annotate` (Debian's valgrind).
 *
 * This is how Koa's `/livez` gap was found (BENCHMARKS.md): two rows of V8 builtins, the
 * object rest copy of the headers and a setter run from V8's runtime, that no wall clock shows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Exclusive instructions a request, by function name. */
type Profile = Map<string, number>;

const [before, after] = process.argv.slice(2);
if (!before) {
  console.error('usage: node --import tsx bench/callgrind-diff.ts BEFORE.callgrind [AFTER.callgrind] (dumps of BENCH_CALLGRIND_DIR)');
  process.exit(2);
}
const a = profile(before);
const b = after ? profile(after) : undefined;
const total = (p: Profile): number => [...p.values()].reduce((sum, n) => sum + n, 0);
const rows = [...new Set([...a.keys(), ...(b?.keys() ?? [])])]
  .map((name) => ({ name, a: a.get(name) ?? 0, b: b?.get(name) ?? 0 }))
  .sort((x, y) => (b ? Math.abs(y.b - y.a) - Math.abs(x.b - x.a) : y.a - x.a))
  .slice(0, Number(process.env.ROWS ?? 40));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(8);
console.log(b ? `${fmt(total(a))} ${fmt(total(b))} ${fmt(total(b) - total(a))}  instructions a request, in functions above the threshold` : `${fmt(total(a))}  instructions a request`);
for (const row of rows) console.log(b ? `${fmt(row.a)} ${fmt(row.b)} ${fmt(row.b - row.a)}  ${row.name}` : `${fmt(row.a)}  ${row.name}`);

/** A dump's functions, per request, JIT addresses named through the perf map beside it. */
function profile(dump: string): Profile {
  const requests = Number(/\.n(\d+)\.callgrind$/.exec(dump)?.[1]);
  if (!requests) throw new Error(`${dump}: not a BENCH_CALLGRIND_DIR dump (its name ends in .nREQUESTS.callgrind)`);
  const map = dump.replace(/\.callgrind$/, '.perf.map');
  const names = existsSync(map) ? perfMap(map) : [];
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', dump], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const result: Profile = new Map();
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (!match || match[2]!.includes('PROGRAM TOTALS')) continue;
    const name = jitName(match[2]!, names) ?? match[2]!.replace(/^\?\?\?:/, '').slice(0, 120);
    result.set(name, (result.get(name) ?? 0) + Number(match[1]!.replaceAll(',', '')) / requests);
  }
  return result;
}

interface MapEntry {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

function perfMap(file: string): MapEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      return { start: parseInt(start!, 16), end: parseInt(start!, 16) + parseInt(size!, 16), name: name.join(' ') };
    });
}

/** `0x… [???]`: the latest code V8 put at that address (code space is reused as functions are recompiled). */
function jitName(fn: string, entries: readonly MapEntry[]): string | undefined {
  const address = /^(?:\?\?\?:)?0x([0-9a-f]+)/.exec(fn);
  if (!address) return undefined;
  const at = parseInt(address[1]!, 16);
  for (let i = entries.length - 1; i >= 0; i -= 1) if (entries[i]!.start <= at && at < entries[i]!.end) return entries[i]!.name;
  return 'JIT code not in the perf map';
}
