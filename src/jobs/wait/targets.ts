/**
 * The targets of `waitFor` (and `wait4`, `wait4db`): a URL turned into the label every
 * line names it by and the checks each attempt runs, by the table of `kinds.ts`.
 *
 * Parsing is strict and happens before the first attempt, so that a typo fails at once
 * rather than after minutes of retries. No message ever echoes a target: it may hold a
 * password, and a malformed one may hold it where redaction cannot find it. Messages name
 * the target by where it came from (`targets[1]`, `target 2`, `--database`) and its scheme.
 */
import { InvalidOptionError } from '../../core/errors.js';
import { schemeOf } from '../../core/internal/sql/url.js';
import { registerUrlSecrets } from '../../core/redact.js';
import { formsOf, kindOf, TARGET_KINDS } from './kinds.js';

export type { TargetAddress, WaitTarget } from './target-shapes.js';
import type { WaitTarget } from './target-shapes.js';

/** What `waitFor` accepts, for messages. */
export const TARGET_FORMS = formsOf(TARGET_KINDS);

/** What a database-only wait (`wait4db`) accepts, for messages. */
export const DATABASE_FORMS = formsOf(TARGET_KINDS.filter((kind) => kind.database));

/**
 * Parses one target. `where` names it in messages. With `databaseOnly` (`wait4db`), only
 * database URLs are accepted.
 *
 * @throws InvalidOptionError for a string that is not a URL, an unknown scheme, a
 *   non-database URL where only databases go, or a malformed target.
 */
export function parseTarget(input: string, where: string, databaseOnly = false): WaitTarget {
  if (typeof input !== 'string') throw new InvalidOptionError(`${where} is not a string: expected ${TARGET_FORMS}`);
  const text = input.trim();
  // first of all, so that even a message about this target could not show its password
  registerUrlSecrets(text);
  const scheme = schemeOf(text);
  const expected = databaseOnly ? DATABASE_FORMS : TARGET_FORMS;
  // `db:5432` parses as a URL of scheme `db:`
  if (/^[a-z0-9.-]+:\d+\/?$/i.test(text)) throw new InvalidOptionError(`${where} is host:port, not a URL: write tcp://host:port (or the service's own URL)`);
  if (!scheme) throw new InvalidOptionError(`${where} is not a URL: expected ${expected}`);
  const kind = kindOf(scheme);
  if (!kind) throw new InvalidOptionError(`${where} has an unknown scheme (${scheme}//): expected ${expected}`);
  if (databaseOnly && !kind.database) throw new InvalidOptionError(`${where} is not a database URL (${scheme}//): expected ${expected}`);
  return kind.parse(text, scheme, where);
}
