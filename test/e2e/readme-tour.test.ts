import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { adminUrl } from '../support/db.js';
import { REFERENCE_MIGRATIONS, REPO_ROOT, tempProject } from '../support/project.js';

/**
 * README.md's "A 60-second tour": the migration it shows, and what `pgwarden lint` and
 * `pgwarden verify` print for it, are run for real, so that the README cannot drift from the tool.
 */
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const tour = readme.slice(readme.indexOf('## A 60-second tour'), readme.indexOf('\n## ', readme.indexOf('## A 60-second tour') + 1));

/** The code block that follows `marker` in the tour. */
function blockAfter(marker: string): string {
  const at = tour.indexOf(marker);
  if (at < 0) throw new Error(`README.md's tour has no "${marker}"`);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(tour.slice(at));
  if (!match) throw new Error(`README.md's tour has no code block after "${marker}"`);
  return match[1]!;
}

/** Durations, the server's address and the database's name vary between runs. */
function steady(text: string): string {
  return text
    .replace(/\d+(\.\d+)? (ms|s)\b/g, '<time>')
    .replace(/postgresql:\/\/\S+/g, '<server>')
    .trimEnd();
}

describe("README.md's 60-second tour", () => {
  const path = /^`(migrations\/[^`]+\.sql)`/m.exec(tour)?.[1];
  const migration = blockAfter('```sql');
  const project = tempProject();
  afterAll(() => project.cleanup());

  // The tour's migration, after the reference migrations it revises (its chain of Revises).
  const reference = new Map(readdirSync(REFERENCE_MIGRATIONS).map((name) => [name.slice(0, 14), name]));
  let parent = /^--! Revises: (\d+)$/m.exec(migration)?.[1];
  while (parent !== undefined) {
    const name = reference.get(parent)!;
    const text = readFileSync(join(REFERENCE_MIGRATIONS, name), 'utf8');
    project.write(name, text);
    parent = /^--! Revises: (\d+)$/m.exec(text)?.[1];
  }

  if (path) writeFileSync(join(project.root, path), migration);

  it('shows a migration file named by its path, whose lines the findings point to', () => {
    expect(path).toBe('migrations/20261123090000_index_users_by_email.sql');
    const lines = migration.split('\n');
    expect(lines[5]).toBe('CREATE INDEX idx_users_email_lower ON users (lower(email));');
    expect(lines[8]).toBe('-- Down Migration');
  });

  it('prints what pgwarden lint prints for it', async () => {
    const r = await runCli(['lint'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(1);
    expect(steady(r.stdout)).toBe(steady(blockAfter('`pgwarden lint` sees it')));
  });

  it('prints what pgwarden verify prints for it', async () => {
    const r = await runCli(['verify'], { cwd: project.root, env: { DATABASE_URL: adminUrl() } });
    expect(r.code, r.stderr).toBe(1);
    expect(steady(r.stdout)).toBe(steady(blockAfter('`pgwarden verify` proves it')));
  });
});
