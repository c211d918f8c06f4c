/**
 * Loads a CommonJS bundle of a fast command (dist/bundle/lint-fast.cjs, built by checks/bundle)
 * with V8's code cache: the bytecode of every function the command ran, saved from an earlier run,
 * so that a new process does not parse and compile them again. This is pgwarden's own code, the
 * same for every project, as a compiled linter's machine code is; it holds nothing of the user's
 * files. npm run build writes it (one lint of this repository's migrations), and a run that finds it
 * missing or rejected (another Node version, other V8 flags, another build of the file) writes it
 * again when it exits.
 *
 * PGWARDEN_CODE_CACHE=off neither reads nor writes it. PGWARDEN_TRACE=1 prints what happened.
 *
 * V8 drops a script's dynamic-import callback when it compiles the script from a cache, so the
 * bundle calls `__pgwardenImport(specifier)` (checks/bundle rewrites its `import()`s), which this
 * module provides.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { trace } from '../trace.js';

/** The cache file: this tag, the sha256 of the source, then V8's data. */
const MAGIC = Buffer.from('pgwarden-code-cache-1\n');
const HEADER = MAGIC.length + 32;

/** What happened to the code cache: loaded, or why not. */
export type CodeCacheState = 'accepted' | 'rejected' | 'missing' | 'off';

export interface CachedModule<T> {
  exports: T;
  state: CodeCacheState;
}

/** The code cache of a bundle file: next to it, `<file>.cache`. */
export const codeCachePath = (file: string): string => `${file}.cache`;

/**
 * Compiles and runs the CommonJS bundle `file` (with its code cache when there is a valid one) and
 * returns its exports. When the cache was missing or rejected, it is written when the process exits,
 * from every function compiled by then; a cache that cannot be written only costs time.
 */
export function loadWithCodeCache<T>(file: string, env: NodeJS.ProcessEnv = process.env): CachedModule<T> {
  const off = env.PGWARDEN_CODE_CACHE === 'off' || env.PGWARDEN_CODE_CACHE === '0';
  const cachePath = codeCachePath(file);
  const source = readFileSync(file, 'utf8');
  // V8 checks only the source's length: the cache file starts with a hash of the text it was made
  // from, so that bytecode of another build of the same length is never run.
  const digest = off ? undefined : createHash('sha256').update(source).digest();
  let cachedData: Buffer | undefined;
  let stale = false;
  if (digest && existsSync(cachePath)) {
    try {
      const data = readFileSync(cachePath);
      if (data.subarray(0, MAGIC.length).equals(MAGIC) && data.subarray(MAGIC.length, HEADER).equals(digest)) cachedData = data.subarray(HEADER);
      else stale = true;
    } catch {
      cachedData = undefined;
    }
  }
  // The wrapper Node gives a CommonJS module, and the import hook as a sixth parameter.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __pgwardenImport) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const state: CodeCacheState = off ? 'off' : stale ? 'rejected' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const require = createRequire(file);
  // Built-ins by name, packages resolved from the bundle's directory (as import() in it would).
  const importHook = (specifier: string) => import(specifier.startsWith('node:') ? specifier : pathToFileURL(require.resolve(specifier)).href);
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, dirname(file), importHook);
  if (state === 'missing' || state === 'rejected') {
    process.once('exit', () => {
      const temp = `${cachePath}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, Buffer.concat([MAGIC, digest!, script.createCachedData()]));
        renameSync(temp, cachePath);
      } catch {
        // A read-only installation: every run compiles, as without a cache.
        try {
          rmSync(temp, { force: true });
        } catch {
          // Nothing was written.
        }
      }
    });
  }
  trace(`code cache ${state}: ${file}`);
  return { exports: module.exports, state };
}
