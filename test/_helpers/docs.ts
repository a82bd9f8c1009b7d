/**
 * The project's Markdown documentation, for the tests in test/docs/: README.md and every `.md`
 * page below docs/, found afresh on each run so that a page added later is checked too, with
 * their fenced code blocks and the line each one starts on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './build.js';

/** One Markdown file: its path from the repository root (with `/`) and its text. */
export interface DocFile {
  readonly file: string;
  readonly text: string;
}

/** A fenced code block: its info string (`ts runnable`, `sh`, …), its code and the line of its opening fence. */
export interface CodeBlock {
  readonly file: string;
  readonly info: string;
  readonly code: string;
  readonly line: number;
}

/** README.md, then every `.md` file below docs/, sorted. */
export function docFiles(): DocFile[] {
  const pages = readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name.split(path.sep).join('/')}`)
    .sort();
  return ['README.md', ...pages].map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
}

/**
 * The code blocks of `files` whose fences start a line (a fence indented inside a list item
 * is prose's, and not one of these).
 */
export function codeBlocks(files: readonly DocFile[] = docFiles()): CodeBlock[] {
  return files.flatMap(({ file, text }) =>
    [...text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((match) => ({
      file,
      info: match[1]!.trim(),
      code: match[2]!,
      line: text.slice(0, match.index).split('\n').length,
    })),
  );
}
