/**
 * Reading doctor's input: files, directories (their `.yaml`, `.yml` and `.json` files, not
 * recursively, as `kubectl apply -f DIR` does), and `-` for standard input
 * (`helm template . | shipshape doctor -`).
 */
import type { CliIO } from '../_io.js';
import { ManifestError, type Source } from '../../jobs/doctor/manifests.js';

/** The name standard input is reported under. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads every argument, in order.
 *
 * @throws ManifestError naming the file that cannot be read (missing, unreadable, a
 *   directory without manifests).
 */
export async function readSources(args: readonly string[], io: CliIO): Promise<Source[]> {
  const fs = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  const sources: Source[] = [];
  for (const arg of args) {
    if (arg === '-') {
      sources.push({ file: STDIN_NAME, text: await readStdin(io) });
      continue;
    }
    const absolute = path.resolve(io.cwd, arg);
    try {
      if (fs.statSync(absolute).isDirectory()) {
        const names = fs.readdirSync(absolute).filter((name) => MANIFEST_FILE.test(name)).sort();
        if (names.length === 0) throw new ManifestError(arg, undefined, 'no .yaml, .yml or .json file in this directory');
        for (const name of names) sources.push({ file: path.join(arg, name), text: fs.readFileSync(path.join(absolute, name), 'utf8') });
      } else {
        sources.push({ file: arg, text: fs.readFileSync(absolute, 'utf8') });
      }
    } catch (error) {
      if (error instanceof ManifestError) throw error;
      throw new ManifestError(arg, undefined, `cannot read it: ${readProblem(error)}`);
    }
  }
  return sources;
}

// --- internal ---

async function readStdin(io: CliIO): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function readProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  }
}
