/**
 * A generated migration history for the lint benchmark: realistic statements (tables, columns,
 * concurrent indexes in `Transaction: none` migrations, foreign keys added NOT VALID then
 * validated, comments), each migration reversible.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function revision(i: number): string {
  const base = Date.UTC(2025, 0, 1, 0, 0, 0) + i * 60_000;
  return new Date(base).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function migration(i: number, tables: number): { name: string; text: string } {
  const rev = revision(i);
  const header = [`--! Revision: ${rev}`, ...(i > 0 ? [`--! Revises: ${revision(i - 1)}`] : [])];
  const t = (n: number) => `table_${n}`;
  const target = i === 0 ? 0 : (i * 7) % Math.max(1, tables);
  let description: string;
  let up: string;
  let down: string;
  let extra: string[] = [];
  switch (i % 5) {
    case 0: {
      const n = tables;
      description = `Create ${t(n)} for the records of feature ${n}`;
      up = [
        `CREATE TABLE ${t(n)} (`,
        `  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,`,
        `  name text NOT NULL,`,
        `  status text NOT NULL DEFAULT 'new',`,
        `  created_at timestamptz NOT NULL DEFAULT now()`,
        `);`,
        `COMMENT ON TABLE ${t(n)} IS 'Records of feature ${n}.';`,
      ].join('\n');
      down = `DROP TABLE ${t(n)};`;
      break;
    }
    case 1:
      description = `Add a note column to ${t(target)}`;
      up = `ALTER TABLE ${t(target)} ADD COLUMN note_${i} text;\nCOMMENT ON COLUMN ${t(target)}.note_${i} IS 'Free text note.';`;
      down = `ALTER TABLE ${t(target)} DROP COLUMN note_${i};`;
      break;
    case 2:
      description = `Index ${t(target)} by name for lookups`;
      extra = ['--! Transaction: none'];
      up = `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t(target)}_name_${i}_idx ON ${t(target)} (name);`;
      down = `DROP INDEX CONCURRENTLY IF EXISTS ${t(target)}_name_${i}_idx;`;
      break;
    case 3: {
      const parent = (target + 1) % Math.max(1, tables);
      description = `Link ${t(target)} to ${t(parent)}`;
      up = [
        `ALTER TABLE ${t(target)} ADD COLUMN parent_${i}_id bigint;`,
        `ALTER TABLE ${t(target)} ADD CONSTRAINT ${t(target)}_parent_${i}_fkey FOREIGN KEY (parent_${i}_id) REFERENCES ${t(parent)} (id) NOT VALID;`,
      ].join('\n');
      down = `ALTER TABLE ${t(target)} DROP CONSTRAINT ${t(target)}_parent_${i}_fkey;\nALTER TABLE ${t(target)} DROP COLUMN parent_${i}_id;`;
      break;
    }
    default: {
      // Validate the foreign key the previous migration added, in its own transaction.
      const linked = ((i - 1) * 7) % Math.max(1, tables);
      description = `Validate the parent link of ${t(linked)} and document its status`;
      up = `ALTER TABLE ${t(linked)} VALIDATE CONSTRAINT ${t(linked)}_parent_${i - 1}_fkey;\nCOMMENT ON COLUMN ${t(target)}.status IS 'Lifecycle state, revision ${i}.';`;
      down = `COMMENT ON COLUMN ${t(target)}.status IS NULL;`;
    }
  }
  const text = [...header, `--! Description: ${description}`, ...extra, '--', `-- Generated for the lint benchmark.`, '', '-- Up Migration', up, '', '-- Down Migration', down, ''].join('\n');
  return { name: `${rev}_migration_${i}.sql`, text };
}

/** Writes `count` migrations into `dir`; returns the file paths. */
export function writeHistory(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  let tables = 0;
  for (let i = 0; i < count; i++) {
    const m = migration(i, tables);
    if (i % 5 === 0) tables++;
    const path = join(dir, m.name);
    writeFileSync(path, m.text);
    paths.push(path);
  }
  return paths;
}

/** The text of one more migration after a history of `count`, for the staged-file measurement. */
export function nextMigration(count: number): { name: string; text: string } {
  return migration(count, Math.ceil(count / 5));
}
