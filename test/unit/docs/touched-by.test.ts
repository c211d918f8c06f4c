import { describe, expect, it } from 'vitest';
import { parseMigration } from '../../../src/migrations/parse.js';
import { touchedBy } from '../../../src/docs/touched-by.js';
import { index, snapshot, table } from './fixtures.js';

function migration(revision: string, up: string) {
  const text = [`--! Revision: ${revision}`, `--! Description: Migration ${revision}`, '', '-- Up Migration', up, '', '-- Down Migration', 'SELECT 1;', ''].join('\n');
  return parseMigration(`/project/migrations/${revision}_m.sql`, text);
}

const revisions = (map: Map<string, Array<{ revision: string }>>, name: string) => map.get(name)?.map((m) => m.revision);

describe('touchedBy', () => {
  it('collects the relations each up section creates, alters, indexes, comments on, grants on or writes to', async () => {
    const map = await touchedBy([
      migration('1', 'CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE app.events (id int); COMMENT ON TABLE users IS $$x$$;'),
      migration('2', 'CREATE INDEX idx_users_id ON users (id); COMMENT ON COLUMN app.events.id IS $$y$$;'),
      migration('3', 'GRANT SELECT ON users TO PUBLIC; INSERT INTO app.events VALUES (1);'),
      migration('4', 'CREATE VIEW v AS SELECT 1; CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();'),
    ]);
    expect(revisions(map, 'public.users')).toEqual(['1', '2', '3', '4']);
    expect(revisions(map, 'app.events')).toEqual(['1', '2', '3']);
    expect(revisions(map, 'public.v')).toEqual(['4']);
    expect(map.get('public.users')![0]).toMatchObject({ description: 'Migration 1', path: '/project/migrations/1_m.sql' });
  });

  it('follows renames and schema moves, so the final name lists the migrations under earlier names', async () => {
    const map = await touchedBy([
      migration('1', 'CREATE TABLE old_name (id int);'),
      migration('2', 'ALTER TABLE old_name RENAME TO new_name;'),
      migration('3', 'ALTER TABLE new_name SET SCHEMA archive;'),
      migration('4', 'ALTER TABLE archive.new_name ADD COLUMN x int;'),
    ]);
    expect(revisions(map, 'archive.new_name')).toEqual(['1', '2', '3', '4']);
    expect(map.has('public.old_name')).toBe(false);
    expect(map.has('public.new_name')).toBe(false);
  });

  it('attributes index statements to the index table, from the history or from the final snapshot', async () => {
    const map = await touchedBy(
      [
        migration('1', 'CREATE TABLE a (id int CONSTRAINT uq_a_id UNIQUE); CREATE TABLE b (id int);'),
        migration('2', 'CREATE INDEX idx_b ON b (id);'),
        migration('3', 'ALTER INDEX idx_b RENAME TO idx_b2; COMMENT ON INDEX uq_a_id IS $$z$$;'),
        migration('4', 'DROP INDEX idx_b2; COMMENT ON INDEX idx_elsewhere IS $$w$$;'),
      ],
      snapshot([table('c', { indexes: [index('idx_elsewhere', ['id'])] })]),
    );
    expect(revisions(map, 'public.a')).toEqual(['1', '3']);
    expect(revisions(map, 'public.b')).toEqual(['1', '2', '3', '4']);
    expect(revisions(map, 'public.c')).toEqual(['4']);
  });

  it('treats a table dropped and created again as a new table', async () => {
    const map = await touchedBy([migration('1', 'CREATE TABLE t (id int);'), migration('2', 'DROP TABLE t;'), migration('3', 'CREATE TABLE t (id bigint);')]);
    expect(revisions(map, 'public.t')).toEqual(['3']);
  });

  it('skips a migration the parser cannot read instead of failing', async () => {
    const map = await touchedBy([migration('1', 'CREATE TABLE t (id int);'), migration('2', 'THIS IS NOT SQL;')]);
    expect(revisions(map, 'public.t')).toEqual(['1']);
  });
});
