/**
 * The password rules of `ensureadmin`, Django's four default validators
 * (django.contrib.auth.password_validation) so that an admin created here would also pass
 * Django's own `createsuperuser`:
 *
 * - MinimumLengthValidator: at least 8 characters (code points, as Python's `len`);
 * - NumericPasswordValidator: not entirely digits;
 * - UserAttributeSimilarityValidator: not too similar (difflib's `quick_ratio` ≥ 0.7) to
 *   the username or the email, nor to any of their parts split at non-word characters;
 * - CommonPasswordValidator: not in Django's list of 20,000 common passwords (lowercased
 *   and deduplicated, compiled by Royce Williams), shipped beside this file as
 *   `common-passwords.txt.gz` under Django's BSD licence (`common-passwords.LICENSE`).
 *
 * Reasons never contain the password.
 */

/** The rules' thresholds, Django's defaults. */
export const PASSWORD_POLICY = { minLength: 8, maxSimilarity: 0.7 } as const;

/** What the password is compared with. */
export interface PasswordContext {
  readonly username: string;
  readonly email?: string | undefined;
}

/**
 * Every rule `password` breaks, as short reasons ("it is too common"); empty when it is
 * acceptable. Reads the common-password list on each call (a few milliseconds: a command
 * calls it once).
 */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_POLICY.minLength) problems.push(`it is too short: ${length} characters, at least ${PASSWORD_POLICY.minLength} are needed`);
  if (/^\d+$/u.test(password)) problems.push('it is entirely numeric');
  for (const [name, value] of [['username', context.username], ['email', context.email]] as const) {
    if (value && isTooSimilar(password, value)) problems.push(`it is too similar to the ${name}`);
  }
  if (isCommon(password)) problems.push('it is too common');
  return problems;
}

/**
 * Django's UserAttributeSimilarityValidator for one attribute: the whole value and each of
 * its parts (split at runs of non-word characters, so `jane.doe@example.com` gives `jane`,
 * `doe`, `example`, `com`) are compared, case-insensitively, by difflib's `quick_ratio`.
 */
export function isTooSimilar(password: string, value: string, maxSimilarity: number = PASSWORD_POLICY.maxSimilarity): boolean {
  const lowerPassword = [...password.toLowerCase()];
  const lowerValue = value.toLowerCase();
  for (const part of [...lowerValue.split(/[^\p{L}\p{N}_]+/u), lowerValue]) {
    const chars = [...part];
    if (exceedsMaximumLengthRatio(lowerPassword.length, chars.length, maxSimilarity)) continue;
    if (quickRatio(lowerPassword, chars) >= maxSimilarity) return true;
  }
  return false;
}

/** Whether the password (lowercased and trimmed, as Django compares it) is in the list. */
export function isCommon(password: string): boolean {
  return commonPasswords().has(password.toLowerCase().trim());
}

// --- internal ---

const LIST = 'common-passwords.txt.gz';

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (common) return common;
  const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');
  const { gunzipSync } = process.getBuiltinModule('node:zlib');
  // Beside this file in the sources (src/jobs/admin/); in the package, where this code is
  // bundled into dist/chunks/, dist/jobs/ or dist/cli/, scripts/build.mjs ships the list in
  // dist/cli/, which `../cli/` reaches from each of them.
  const beside = new URL(`./${LIST}`, import.meta.url);
  const file = existsSync(beside) ? beside : new URL(`../cli/${LIST}`, import.meta.url);
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  common = new Set(text.split('\n').map((line) => line.trim()));
  common.delete('');
  return common;
}

/**
 * difflib.SequenceMatcher(a, b).quick_ratio(): 2·M / (|a| + |b|), M the size of the
 * multiset intersection of their characters. An upper bound of `ratio()`, and what Django
 * compares.
 */
function quickRatio(a: readonly string[], b: readonly string[]): number {
  if (a.length + b.length === 0) return 1;
  const available = new Map<string, number>();
  for (const char of b) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of a) {
    const left = available.get(char) ?? 0;
    if (left > 0) {
      available.set(char, left - 1);
      matches += 1;
    }
  }
  return (2 * matches) / (a.length + b.length);
}

/** Django's `exceeds_maximum_length_ratio`: a password ten times longer than a short value cannot be similar to it. */
function exceedsMaximumLengthRatio(passwordLength: number, valueLength: number, maxSimilarity: number): boolean {
  return passwordLength >= 10 * valueLength && valueLength < (maxSimilarity / 2) * passwordLength;
}
