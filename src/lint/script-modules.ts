/**
 * The local modules that JS/TS migrations import (`require('./lib/ddl')`, `import { x } from
 * '../shared/ddl.js'`), and the modules those import: a migration's SQL depends on them, so they are
 * inputs of lint's cache (cache.ts), and `--staged` checks that the commit holds them as lint reads
 * them (staged.ts). Found in the text, without running anything, and resolved as jiti (node-pg-migrate's
 * loader) resolves them. Packages (`node-pg-migrate`, `lodash`) are not followed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { lineColumnAt } from '../sql/parse.js';
import { relativePosix } from './paths.js';

export interface ScriptModules {
  /** Each local module imported (absolute path), and the first migration (absolute path) that imports it, directly or not. */
  modules: Map<string, string>;
  /**
   * Imports whose module is computed when the script runs (`require(name)`, `import(path)`): lint
   * cannot tell which file they load. Where they are, by file and line.
   */
  dynamic: Array<{ file: string; line: number }>;
  /** A hash of the modules' paths and contents, and of the imports that resolve to no file. */
  digest: string;
}

/** The extensions jiti tries after a specifier, in its order, and JSON, which it loads too. */
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.json'];
/** Files whose imports are followed in turn. */
const SCRIPT = /\.[cm]?[jt]sx?$/;

/**
 * The local modules that `migrations` (JS/TS migrations: absolute path and text) import, followed
 * through the modules they import. Paths in the digest are relative to `root`.
 */
export function scriptModules(migrations: ReadonlyArray<readonly [path: string, text: string]>, root: string): ScriptModules {
  const modules = new Map<string, string>();
  const contents = new Map<string, string>();
  const unresolved = new Set<string>();
  const dynamic: ScriptModules['dynamic'] = [];
  const follow = (importer: string, text: string, migration: string) => {
    const found = importsOf(text);
    for (const line of found.dynamic) dynamic.push({ file: importer, line });
    for (const specifier of found.specifiers) {
      if (!isLocal(specifier)) continue;
      const path = resolveModule(importer, specifier);
      if (path === undefined) {
        unresolved.add(`${relativePosix(root, importer)}\0${specifier}`);
        continue;
      }
      if (path.includes(`${sep}node_modules${sep}`) || modules.has(path)) continue;
      modules.set(path, migration);
      const content = readIfAny(path);
      contents.set(path, content ?? '\0unreadable');
      if (content !== undefined && SCRIPT.test(path) && !path.endsWith('.d.ts')) follow(path, content, migration);
    }
  };
  for (const [path, text] of migrations) follow(path, text, path);
  if (modules.size === 0 && unresolved.size === 0) return { modules, dynamic, digest: '' };
  const hash = createHash('sha256');
  for (const path of [...modules.keys()].sort()) hash.update(`module\0${relativePosix(root, path)}\0`).update(contents.get(path)!).update('\0');
  for (const entry of [...unresolved].sort()) hash.update(`unresolved\0${entry}\0`);
  return { modules, dynamic, digest: hash.digest('hex') };
}

/** A specifier that names a file: relative, or absolute. */
function isLocal(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier === '.' || specifier === '..';
}

function readIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * The file a local specifier loads from `importer`, as jiti finds it: the path itself, then with
 * each extension, then a folder's `package.json` main or index file, and TypeScript's convention
 * that `./ddl.js` names `./ddl.ts` when there is no `ddl.js`. Undefined when none exists.
 */
export function resolveModule(importer: string, specifier: string): string | undefined {
  const base = resolve(dirname(importer), specifier);
  if (isFile(base)) return base;
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  if (statSync(base, { throwIfNoEntry: false })?.isDirectory()) {
    const main = (() => {
      try {
        return (JSON.parse(readFileSync(join(base, 'package.json'), 'utf8')) as { main?: unknown }).main;
      } catch {
        return undefined;
      }
    })();
    if (typeof main === 'string') {
      const found = resolveModule(join(base, 'package.json'), `./${main}`);
      if (found !== undefined) return found;
    }
    for (const ext of EXTENSIONS) if (isFile(join(base, `index${ext}`))) return join(base, `index${ext}`);
  }
  const script = /\.([cm]?)js(x?)$/.exec(base);
  if (script) {
    const typescript = `${base.slice(0, script.index)}.${script[1]}ts${script[2]}`;
    if (isFile(typescript)) return typescript;
  }
  return undefined;
}

/** `import ... from '<x>'` and `export ... from '<x>'` (also across lines, and `import type`). */
const FROM = /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"\n]*)\1/g;
/** `import '<x>'`, for its side effects. */
const BARE_IMPORT = /\bimport\s*(['"])([^'"\n]*)\1/g;
/** `require(` and `import(`, not as a method (`jiti.import(`) or in another name (`createRequire(`). */
const CALL = /(?<![\w$.])(?:require|import)\s*\(\s*/g;
/** A string literal as the whole argument of such a call (a template without `${}` too). */
const LITERAL_ARGUMENT = /^(?:'([^'\n]*)'|"([^"\n]*)"|`([^`$]*)`)\s*[),]/;

/**
 * The specifiers a script's text imports, and the lines of the imports it computes. Comments are
 * blanked first, so that a commented-out import is not one.
 */
export function importsOf(text: string): { specifiers: string[]; dynamic: number[] } {
  const code = blankComments(text);
  const specifiers: string[] = [];
  const dynamic: number[] = [];
  for (const m of code.matchAll(FROM)) specifiers.push(m[2]!);
  for (const m of code.matchAll(BARE_IMPORT)) specifiers.push(m[2]!);
  for (const m of code.matchAll(CALL)) {
    const after = m.index + m[0].length;
    const literal = LITERAL_ARGUMENT.exec(code.slice(after, after + 1024));
    if (literal) specifiers.push(literal[1] ?? literal[2] ?? literal[3]!);
    else dynamic.push(lineColumnAt(code, m.index).line);
  }
  return { specifiers, dynamic };
}

/**
 * The text with its comments replaced by spaces (line breaks kept, so offsets and lines stay) and
 * its strings as they are. A quote opens a string that ends at the closing quote or, for ' and ",
 * at the end of the line: a quote in a regular expression literal then costs only its line.
 */
function blankComments(text: string): string {
  let out = '';
  let copied = 0;
  const blank = (from: number, to: number) => {
    out += text.slice(copied, from) + text.slice(from, to).replace(/[^\n]/g, ' ');
    copied = to;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop - 1;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && (c === '`' || text[j] !== '\n')) j += text[j] === '\\' ? 2 : 1;
      i = j;
    }
  }
  return out + text.slice(copied);
}
