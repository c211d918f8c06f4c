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
});
