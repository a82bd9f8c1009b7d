/**
 * Every relative link of README.md and of the pages below docs/ leads somewhere: to a file or
 * directory of this repository and, with a `#anchor`, to a heading of that Markdown file (by
 * GitHub's anchor rules). Links inside code are not links; `https:` and other schemes are left
 * to the reader.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../_helpers/build.js';
import { type DocFile, docFiles } from '../_helpers/docs.js';

/**
 * A heading's anchor as GitHub makes it (github-slugger): the text as shown (no backticks,
 * link targets or emphasis marks), lower-cased, every character but letters, digits, marks,
 * `-`, `_` and spaces removed, and spaces turned into `-`.
 */
function slug(heading: string): string {
  const shown = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '').replace(/[`*]/g, '');
  return shown.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replaceAll(' ', '-');
}

/** The text with fenced code blocks (indented ones too) blanked out, and their inline code spans when `spans`. */
function prose(text: string, spans: boolean): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker !== undefined) fence = marker;
      else if (fence !== undefined && marker !== undefined && marker.startsWith(fence)) fence = undefined;
      else if (fence === undefined) return spans ? line.replace(/(`+)[\s\S]*?\1/g, '') : line;
      return '';
    })
    .join('\n');
}

/** The anchors of a Markdown text: one per heading (a repeated one gets `-1`, `-2`, …), and HTML `id`/`name`s. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading] of prose(text, false).matchAll(/^#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const base = slug(heading!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id!);
  return found;
}

/** What is wrong with each relative link of `doc`, as `file:line: (target) reason`. */
function brokenLinks(doc: DocFile): string[] {
  const lines = prose(doc.text, true).split('\n');
  return lines.flatMap((line, index) =>
    [...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].flatMap(([, target]) => {
      const problem = linkProblem(doc, target!);
      return problem === undefined ? [] : [`${doc.file}:${index + 1}: (${target}) ${problem}`];
    }),
  );
}

function linkProblem(doc: DocFile, target: string): string | undefined {
  if (/^[a-z][a-z\d+.-]*:/i.test(target)) return undefined; // https:, mailto:, …
  const [pathPart = '', anchor] = target.split('#', 2);
  const file = pathPart === '' ? doc.file : path.posix.normalize(path.posix.join(path.posix.dirname(doc.file), decodeURIComponent(pathPart)));
  if (file.startsWith('../') || path.posix.isAbsolute(file)) return 'leads out of the repository';
  const absolute = path.join(ROOT, file);
  if (file !== doc.file && !existsSync(absolute)) return `${file} does not exist`;
  if (anchor === undefined || !file.endsWith('.md') || (file !== doc.file && statSync(absolute).isDirectory())) return undefined;
  const text = file === doc.file ? doc.text : readFileSync(absolute, 'utf8');
  return anchors(text).has(anchor) ? undefined : `${file} has no heading #${anchor}`;
}

describe('links of README.md and docs/', () => {
  const files = docFiles();

  it('lead to files that exist and headings they have', () => {
    assert.deepEqual(files.flatMap(brokenLinks), []);
  });

  it('make anchors as GitHub does', () => {
    assert.equal(slug('Quick start (30 seconds)'), 'quick-start-30-seconds');
    assert.equal(slug('`shipshape wait4db` and `shipshape wait4`'), 'shipshape-wait4db-and-shipshape-wait4');
    assert.equal(slug('`createProbes(options)`'), 'createprobesoptions');
    assert.equal(slug('Coming from @godaddy/terminus'), 'coming-from-godaddyterminus');
    assert.equal(slug('2026-12-02 — peers: shipshape beside @godaddy/terminus and lightship (issue 13)'), '2026-12-02--peers-shipshape-beside-godaddyterminus-and-lightship-issue-13');
    assert.equal(slug('[Links](x.md) and `code_name`'), 'links-and-code_name');
    assert.deepEqual([...anchors('# A\n## A\n```\n# not a heading\n```\n## A\n')], ['a', 'a-1', 'a-2']);
  });

  it('find a missing file, a missing heading and a link out of the repository (the check can fail)', () => {
    const doc = {
      file: 'docs/x.md',
      text: '# X\n\n[ok](../README.md) [ok](#x) [ok](../README.md#shipshape) [ok](https://example.com/nope)\n' +
        '[gone](nope.md) [gone](#nope) [gone](../README.md#nope) [out](../../etc/passwd)\n`[code](nope.md)`\n```\n[code](nope.md)\n```\n',
    };
    assert.deepEqual(brokenLinks(doc), [
      'docs/x.md:4: (nope.md) docs/nope.md does not exist',
      'docs/x.md:4: (#nope) docs/x.md has no heading #nope',
      'docs/x.md:4: (../README.md#nope) README.md has no heading #nope',
      'docs/x.md:4: (../../etc/passwd) leads out of the repository',
    ]);
  });
});
