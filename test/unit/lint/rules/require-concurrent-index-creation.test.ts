import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

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

  it('does not suggest CONCURRENTLY on a partitioned table, which Postgres refuses, but says how to build it', async () => {
    // xmtpd's 00024_shard_indexes indexes gateway_envelopes_meta_v2, PARTITION BY LIST since 00021.
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE meta (node_id int NOT NULL, seq bigint NOT NULL, expiry bigint, PRIMARY KEY (node_id, seq)) PARTITION BY LIST (node_id);\nCREATE TABLE meta_o1 PARTITION OF meta FOR VALUES IN (1);' },
      { revision: '20260102000000', up: 'CREATE INDEX gem_expiry_idx ON meta (expiry);\nCREATE INDEX meta_o1_expiry_idx ON meta_o1 (expiry);' },
    ];
    const findings = await lintHistory(ID, history);
    expect(findings.map((f) => [f.line, f.message, f.fix?.replacement])).toEqual([
      [6, 'Creating index "gem_expiry_idx" on partitioned table "meta" without CONCURRENTLY builds it on every partition, blocking writes to them (SHARE lock) until the last one is built.', undefined],
      [7, 'Creating index "meta_o1_expiry_idx" on "meta_o1" without CONCURRENTLY blocks writes to the table (SHARE lock) until the index is built.', 'CREATE INDEX CONCURRENTLY meta_o1_expiry_idx ON meta_o1 (expiry)'],
    ]);
    expect(findings[0]!.help).toContain('CREATE INDEX CONCURRENTLY does not work on a partitioned table. Create the index ON ONLY');
    expect(findings[0]!.fix).toBeUndefined();
  });
});
