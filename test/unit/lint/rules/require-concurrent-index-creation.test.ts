import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'require-concurrent-index-creation';

describe(ID, () => {
  it('flags CREATE INDEX without CONCURRENTLY on an existing table, with a fix', async () => {
    const findings = await lintRule(ID, 'CREATE UNIQUE INDEX "field_name_idx" ON "table_name" ("field_name");');
    expect(findings.map((f) => f.message)).toEqual([
      'Creating index "field_name_idx" on "table_name" without CONCURRENTLY blocks writes to the table (SHARE lock) until the index is built.',
    ]);
    expect(findings[0]!.fix?.replacement).toBe('CREATE UNIQUE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name")');
    expect(await messages(ID, 'CREATE INDEX ON t (a);')).toEqual(['Creating an index on "t" without CONCURRENTLY blocks writes to the table (SHARE lock) until the index is built.']);
  });

  it('accepts CONCURRENTLY, ON ONLY, and indexes of new tables', async () => {
    const sql = [
      'CREATE INDEX CONCURRENTLY field_name_idx ON table_name (field_name);',
      'CREATE INDEX parent_idx ON ONLY measurements (logdate);',
      'CREATE TABLE core_foo (id bigint, tenant_id bigint);',
      'CREATE INDEX core_foo_tenant_id ON core_foo (tenant_id);',
    ].join('\n');
    expect(await messages(ID, sql, { assumeInTransaction: false })).toEqual([]);
  });

  it('accepts an index on a materialized view created earlier in the same migration, not on an older one', async () => {
    // Lemmy's 2020-02-06 change_post_title_length drops and recreates post_aggregates_mview, then indexes it.
    const sql = [
      'DROP MATERIALIZED VIEW post_aggregates_mview;',
      'CREATE MATERIALIZED VIEW post_aggregates_mview AS SELECT * FROM post_aggregates_view;',
      'CREATE UNIQUE INDEX idx_post_aggregates_mview_id ON post_aggregates_mview (id);',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
    expect(await messages(ID, 'CREATE UNIQUE INDEX idx_mv_id ON older_mview (id);')).toEqual([
      'Creating index "idx_mv_id" on "older_mview" without CONCURRENTLY blocks writes to the table (SHARE lock) until the index is built.',
    ]);
  });
});
