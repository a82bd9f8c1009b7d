/**
 * Runs code in a child Node process in which some packages cannot be found, as in an app
 * that never installed them: a module `resolve` hook (node:module `register`) answers
 * their import with Node's own ERR_MODULE_NOT_FOUND, while everything else resolves from
 * this checkout as usual. This is how the tests see a URL check name the driver to install.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs `script` (an ES module, top-level await allowed, `.ts` imports through tsx) with
 * `packages` hidden, and resolves with what it printed.
 */
export async function runWithoutPackages(packages: readonly string[], script: string): Promise<string> {
  const hook = `
    const hidden = new Set(${JSON.stringify(packages)});
    export async function resolve(specifier, context, next) {
      if (hidden.has(specifier)) {
        const error = new Error(\`Cannot find package '\${specifier}' imported from \${context.parentURL}\`);
        error.code = 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return next(specifier, context);
    }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return stdout;
}

/** The `file:` URL of a source file of this checkout, for `import()` in a script. */
export function sourceUrl(path: string): string {
  return new URL(`../../${path}`, import.meta.url).href;
}
