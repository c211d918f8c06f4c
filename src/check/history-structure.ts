import { execFileSync } from 'node:child_process';
import { join, relative, resolve, sep } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import { resolveLintConfig } from '../lint/config.js';
import { runRules } from '../lint/engine.js';
import type { Finding, LintMigration, Rule } from '../lint/types.js';
import { buildGraph } from '../migrations/graph.js';
import { compareFileNames } from '../migrations/load.js';
import { migrationKindOf, parseMigration } from '../migrations/parse.js';
import type { MigrationFile } from '../migrations/types.js';

/** The lint rules that judge the shape of the history (headers and the revision graph), not the SQL. */
export const STRUCTURE_RULES = ['revision-header', 'revision-unique', 'revision-chain', 'single-head'] as const;

function git(cwd: string, args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { cwd, input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (cause) {
    const stderr = String((cause as { stderr?: unknown }).stderr ?? '').trim();
    throw new PgwardenError('USAGE', `--staged needs a git repository: git ${args[0]} failed${stderr ? ` (${stderr.split('\n')[0]})` : ''}.`, { cause });
  }
}

/**
 * The migrations folder as the next commit will hold it: every migration file in git's index, with
 * its staged content (not the working tree, and without untracked files). Two git calls, whatever
 * the number of files.
 */
export function indexedMigrations(migrationsDir: string): MigrationFile[] {
  const top = git(migrationsDir, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const dir = relative(top, resolve(migrationsDir)).split(sep).join('/');
  const listing = git(top, ['ls-files', '--stage', '-z', '--', dir || '.']).toString('utf8');
  const entries: Array<{ sha: string; path: string }> = [];
  for (const record of listing.split('\0')) {
    const match = /^\d+ ([0-9a-f]+) \d+\t(.+)$/.exec(record);
    if (!match) continue;
    const path = match[2]!;
    const name = path.slice(path.lastIndexOf('/') + 1);
    // Only the folder itself, as the runner reads it (no subfolders, no dot or underscore files).
    if (path.slice(0, path.length - name.length - 1) !== dir) continue;
    if (name.startsWith('.') || name.startsWith('_') || migrationKindOf(name) === undefined) continue;
    entries.push({ sha: match[1]!, path });
  }
  if (entries.length === 0) return [];
  const blobs = git(top, ['cat-file', '--batch'], `${entries.map((e) => e.sha).join('\n')}\n`);
  const files: MigrationFile[] = [];
  let at = 0;
  for (const entry of entries) {
    const headerEnd = blobs.indexOf(10, at);
    const size = Number(/ (\d+)$/.exec(blobs.subarray(at, headerEnd).toString('utf8'))?.[1] ?? 0);
    const text = blobs.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8');
    at = headerEnd + 1 + size + 1;
    files.push(parseMigration(join(top, entry.path), text));
  }
  files.sort((a, b) => compareFileNames(a.fileName, b.fileName));
  files.forEach((file, i) => {
    if (file.kind === 'js' && file.implicitParent) file.revises = i > 0 ? files[i - 1]!.revision : undefined;
  });
  return files;
}

/**
 * The structural findings of a whole history: malformed headers, duplicate revisions, a broken
 * chain, more than one head. The same rules, messages and configuration as `pgwarden lint`, without
 * parsing any SQL, so it costs milliseconds on any history.
 */
export async function structureFindings(config: PgwardenConfig, files: MigrationFile[]): Promise<Finding[]> {
  const { rules } = await import('../lint/registry.js');
  const chosen: Rule[] = rules.filter((r) => (STRUCTURE_RULES as readonly string[]).includes(r.id));
  const graph = buildGraph(files);
  const placed = new Set(graph.ordered);
  const ordered = [...graph.ordered, ...files.filter((f) => !placed.has(f))];
  const migrations: LintMigration[] = ordered.map((file, order) => ({
    file,
    relPath: relative(config.root, file.path).split(sep).join('/'),
    order,
    up: [],
    down: [],
    syntaxErrors: [],
    createdTables: new Set(),
  }));
  return runRules(migrations, graph, chosen, resolveLintConfig(config));
}
