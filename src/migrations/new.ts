import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgwardenError } from '../errors.js';
import { buildGraph } from './graph.js';
import { loadMigrations } from './load.js';

/** A UTC timestamp revision, YYYYMMDDHHMMSS. */
export function revisionAt(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function nextSecond(revision: string): string {
  const d = new Date(Date.UTC(+revision.slice(0, 4), +revision.slice(4, 6) - 1, +revision.slice(6, 8), +revision.slice(8, 10), +revision.slice(10, 12), +revision.slice(12, 14)));
  return revisionAt(new Date(d.getTime() + 1000));
}

export function slugOf(description: string): string {
  return (
    description
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'migration'
  );
}

export interface NewMigrationResult {
  path: string;
  revision: string;
  revises: string | undefined;
}

/** Writes a new SQL migration whose parent is the current head, with both sections. */
export function newMigration(migrationsDir: string, description: string, options: { now?: Date; transaction?: 'none' } = {}): NewMigrationResult {
  if (!description.trim()) throw new PgwardenError('USAGE', 'pgwarden new needs a description: pgwarden new "Add an index on jobs.status"');
  mkdirSync(migrationsDir, { recursive: true });
  const files = loadMigrations(migrationsDir);
  const graph = buildGraph(files);
  if (graph.heads.length > 1) {
    throw new PgwardenError('MIGRATION_GRAPH', `The history has ${graph.heads.length} heads (${graph.heads.map((h) => h.fileName).join(', ')}): re-parent one of them before adding a migration (pgwarden lint explains how).`);
  }
  const head = graph.heads[0];
  let revision = revisionAt(options.now ?? new Date());
  const newest = files.map((f) => f.revision).sort().pop();
  if (newest && revision <= newest && /^\d{14}$/.test(newest)) revision = nextSecond(newest);
  const path = join(migrationsDir, `${revision}_${slugOf(description)}.sql`);
  if (existsSync(path)) throw new PgwardenError('USAGE', `${path} already exists.`);
  const lines = [
    `--! Revision: ${revision}`,
    ...(head ? [`--! Revises: ${head.revision}`] : []),
    `--! Description: ${description.trim()}`,
    ...(options.transaction === 'none' ? ['--! Transaction: none'] : []),
    '--',
    '-- Why this change, and anything a reviewer must know.',
    '',
    '-- Up Migration',
    '',
    '',
    '-- Down Migration',
    '',
  ];
  writeFileSync(path, lines.join('\n'), { flag: 'wx' });
  return { path, revision, revises: head?.revision };
}
