import { relative } from 'node:path';
import { PgwardenError, type Problem } from '../errors.js';
import type { MigrationFile } from './types.js';

export type GraphProblemKind = 'duplicate-revision' | 'missing-parent' | 'cycle' | 'multiple-roots' | 'multiple-heads' | 'no-root';

/** A structural problem of the history. Lint reports these under its governance rules. */
export interface GraphProblem {
  kind: GraphProblemKind;
  message: string;
  /** The files involved, first the one the finding is reported on. */
  files: MigrationFile[];
  /** 1-based line in the first file (the header line at fault, where known). */
  line: number;
}

/**
 * The revision graph: the one source of order for every command. Built from the headers, it
 * knows each migration's parent and children, the roots and the heads, and a topological order.
 */
export interface RevisionGraph {
  /** Every migration in apply order: parents before children, siblings by revision. */
  readonly ordered: readonly MigrationFile[];
  readonly byRevision: ReadonlyMap<string, MigrationFile>;
  readonly children: ReadonlyMap<string, readonly MigrationFile[]>;
  readonly roots: readonly MigrationFile[];
  readonly heads: readonly MigrationFile[];
  readonly problems: readonly GraphProblem[];
}

function headerLine(file: MigrationFile, key: string): number {
  return file.header.find((h) => h.key === key)?.line ?? 1;
}

export interface GraphOptions {
  /**
   * Files new to the history (staged, named, or not yet committed): when two migrations revise the
   * same parent, a new one is the one to re-parent, not one that is already merged. Without it, or
   * between two new (or two old) ones, the later revision is.
   */
  isNew?: (file: MigrationFile) => boolean;
}

export function buildGraph(files: readonly MigrationFile[], options: GraphOptions = {}): RevisionGraph {
  const problems: GraphProblem[] = [];
  const byRevision = new Map<string, MigrationFile>();
  for (const file of files) {
    const existing = byRevision.get(file.revision);
    if (existing) {
      problems.push({
        kind: 'duplicate-revision',
        message: `revision ${file.revision} is used by both ${file.fileName} and ${existing.fileName}: give one of them a new revision (pgwarden new writes a fresh one)`,
        files: [file, existing],
        line: headerLine(file, 'Revision'),
      });
      continue;
    }
    byRevision.set(file.revision, file);
  }
  const unique = [...byRevision.values()];
  const children = new Map<string, MigrationFile[]>();
  const roots: MigrationFile[] = [];
  for (const file of unique) {
    if (file.revises === undefined) {
      roots.push(file);
      continue;
    }
    if (!byRevision.has(file.revises)) {
      problems.push({
        kind: 'missing-parent',
        message: `${file.fileName} revises ${file.revises}, which no migration has: fix "Revises:" to name an existing revision`,
        files: [file],
        line: headerLine(file, 'Revises'),
      });
      continue;
    }
    const list = children.get(file.revises) ?? [];
    list.push(file);
    children.set(file.revises, list);
  }
  const byRev = (a: MigrationFile, b: MigrationFile) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0);
  for (const list of children.values()) list.sort(byRev);
  roots.sort(byRev);

  if (roots.length > 1) {
    problems.push({
      kind: 'multiple-roots',
      message: `${roots.length} migrations have no "Revises:" (${roots.map((r) => r.fileName).join(', ')}): only the first migration may; add "--! Revises: <parent>" to the others`,
      files: roots.slice(1),
      line: 1,
    });
  }

  // Topological order from the roots, depth-first so that a branch stays together.
  const ordered: MigrationFile[] = [];
  const seen = new Set<string>();
  const visit = (file: MigrationFile) => {
    const stack: MigrationFile[] = [file];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (seen.has(current.revision)) continue;
      seen.add(current.revision);
      ordered.push(current);
      const kids = children.get(current.revision) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  };
  roots.forEach(visit);

  // What hangs from a migration whose parent is missing was not reached either; that problem is
  // reported on that migration.
  const orphaned = new Set<string>();
  const orphans = unique.filter((f) => f.revises !== undefined && !byRevision.has(f.revises));
  while (orphans.length > 0) {
    const current = orphans.pop()!;
    if (orphaned.has(current.revision)) continue;
    orphaned.add(current.revision);
    orphans.push(...(children.get(current.revision) ?? []));
  }
  // Whatever else was not reached from a root sits on a cycle (or hangs from one).
  const unreached = unique.filter((f) => !seen.has(f.revision) && !orphaned.has(f.revision) && f.revises !== undefined && byRevision.has(f.revises));
  if (unreached.length > 0) {
    const cycleFiles = unreached.sort(byRev);
    problems.push({
      kind: 'cycle',
      message: `the revisions ${cycleFiles.map((f) => f.revision).join(' -> ')} form a cycle (or hang from one): each "Revises:" must name an older migration`,
      files: cycleFiles,
      line: headerLine(cycleFiles[0]!, 'Revises'),
    });
  }
  if (unique.length > 0 && roots.length === 0) {
    problems.push({ kind: 'no-root', message: 'no migration is the first one (every migration has "Revises:"): remove "Revises:" from the first migration', files: [unique[0]!], line: 1 });
  }

  const heads = ordered.filter((f) => (children.get(f.revision) ?? []).length === 0);
  for (const [parent, kids] of children) {
    if (kids.length < 2) continue;
    // The sibling that stays: the first (by revision) that is not new, else the first.
    const first = kids.find((k) => !options.isNew?.(k)) ?? kids[0]!;
    for (const other of kids) {
      if (other === first) continue;
      problems.push({
        kind: 'multiple-heads',
        message: `${other.fileName} and ${first.fileName} both revise ${parent}: the history branched (two changes were merged in parallel). Re-parent the newer one: set "--! Revises: ${lastDescendant(first, children).revision}" in ${other.fileName}`,
        files: [other, first],
        line: headerLine(other, 'Revises'),
      });
    }
  }
  return { ordered, byRevision, children, roots, heads, problems };
}

function lastDescendant(file: MigrationFile, children: Map<string, MigrationFile[]>): MigrationFile {
  let current = file;
  for (;;) {
    const kids = children.get(current.revision);
    if (!kids || kids.length === 0) return current;
    current = kids[kids.length - 1]!;
  }
}

/**
 * The linear history the runner applies. Throws (exit 2) when the files are malformed or the graph
 * is not a single chain, naming every problem.
 */
export function linearHistory(files: readonly MigrationFile[], root: string): MigrationFile[] {
  const problems: Problem[] = [];
  for (const file of files) {
    for (const p of file.problems.filter((p) => p.rule === 'revision-header')) {
      problems.push({ file: relative(root, file.path), line: p.line, column: p.column, message: p.message });
    }
  }
  const graph = buildGraph(files);
  for (const p of graph.problems) problems.push({ file: relative(root, p.files[0]!.path), line: p.line, message: p.message });
  if (problems.length > 0) {
    throw new PgwardenError(
      'MIGRATION_GRAPH',
      `The migration history has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was run. Fix each one (pgwarden lint shows them too).`,
      { problems },
    );
  }
  return [...graph.ordered];
}
