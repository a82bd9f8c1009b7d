/**
 * The probe endpoints' paths: defaults, validation, and matching a request path to a probe
 * (`/readyz`), one of its checks (`/readyz/db`), or nothing (the app's own route).
 */
import { InvalidOptionError } from './errors.js';
import { describe, expectKnownKeys } from './options.js';
import type { ProbeName } from './report.js';
import { pathSlash, safeDecode } from './internal/url.js';

/** Where each probe is served: a path, a list of paths, or `[]` to turn it off. */
export interface ProbePaths {
  readonly live?: string | readonly string[];
  readonly ready?: string | readonly string[];
  readonly startup?: string | readonly string[];
}

/** The endpoints of the Kubernetes API server, which the kubelet and people already know. */
export const DEFAULT_PATHS = {
  live: ['/livez', '/healthz'],
  ready: ['/readyz'],
  startup: ['/startupz'],
} as const;

const PROBE_OF = { live: 'liveness', ready: 'readiness', startup: 'startup' } as const satisfies Record<keyof ProbePaths, ProbeName>;

/** A matched probe endpoint. */
export interface Route {
  readonly probe: ProbeName;
  /** The path's last segment, the word of the closing line (`readyz check failed`). */
  readonly word: string;
  /** The check named after the path (`/readyz/db` → `db`), if any. */
  readonly check?: string;
}

/** Matches request paths to probe endpoints. Built once; `match` is on every request's path. */
export class RouteTable {
  readonly #exact = new Map<string, Route>();
  readonly #below: { readonly path: string; readonly route: Route }[] = [];
  /** The character after each path's leading "/" (`l` of `/livez`), for {@link mayMatch}. */
  readonly #seconds: number[] = [];

  constructor(paths: ProbePaths | undefined, basePath: string) {
    expectKnownKeys('paths', paths, Object.keys(PROBE_OF));
    if (basePath !== '' && (!basePath.startsWith('/') || basePath.endsWith('/'))) {
      throw new InvalidOptionError(`Expected \`basePath\` to be "" or a path starting with "/" and not ending with "/", got ${describe(basePath)}`);
    }
    for (const key of Object.keys(PROBE_OF) as (keyof ProbePaths)[]) {
      // only `undefined` means the default: `null` is a mistake, not a wish for the default
      const given = paths?.[key];
      for (const path of toList(`paths.${key}`, given === undefined ? DEFAULT_PATHS[key] : given)) {
        const full = basePath + path;
        if (this.#exact.has(full)) throw new InvalidOptionError(`The probe path ${describe(full)} is given twice in \`paths\``);
        const route = { probe: PROBE_OF[key], word: path.slice(path.lastIndexOf('/') + 1) };
        this.#exact.set(full, route);
        this.#below.push({ path: full, route });
        this.#seconds.push(full.charCodeAt(1));
      }
    }
  }

  /**
   * Whether a request target (origin or absolute form, query and all) may be a probe's:
   * its path begins with a probe path. Read in place, nothing sliced or hashed, so the app's
   * own requests get their "no" at the cost of a few character compares; {@link match}
   * decides for the rest.
   */
  mayMatch(target: string): boolean {
    const start = pathSlash(target);
    if (start === -1) return false;
    const second = target.charCodeAt(start + 1);
    const seconds = this.#seconds;
    for (let i = 0; i < seconds.length; i += 1) {
      if (seconds[i] === second && target.startsWith(this.#below[i]!.path, start)) return true;
    }
    return false;
  }

  /** The route for a request path (without its query), or `undefined` for the app's own paths. */
  match(pathname: string): Route | undefined {
    const exact = this.#exact.get(pathname);
    if (exact) return exact;
    // /readyz/NAME: no allocation unless the path is below a probe path (this runs on
    // every request the app serves, so it must cost next to nothing)
    for (const { path, route } of this.#below) {
      if (pathname.length > path.length && pathname.charCodeAt(path.length) === 47 /* / */ && pathname.startsWith(path)) {
        const check = safeDecode(pathname.slice(path.length + 1));
        return check ? { ...route, check } : route;
      }
    }
    return undefined;
  }

  /** Every served path, for the README of a running app and for tests. */
  paths(): string[] {
    return [...this.#exact.keys()];
  }
}

// --- internal ---

function toList(name: string, value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    throw new InvalidOptionError(`Expected \`${name}\` to be a path or an array of paths, got ${describe(value)}`);
  }
  for (const path of list) {
    if (typeof path !== 'string' || !/^\/[^?#\s]*[^/?#\s]$/.test(path)) {
      throw new InvalidOptionError(`Expected \`${name}\` paths to start with "/" (no query, no trailing "/"), got ${describe(path)}`);
    }
  }
  return list as readonly string[];
}
