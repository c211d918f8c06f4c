import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'require-concurrent-index-deletion';

describe(ID, () => {
  it('flags DROP INDEX without CONCURRENTLY, with a fix for a single index', async () => {
    const findings = await lintRule(ID, 'DROP INDEX IF EXISTS "field_name_idx";');
    expect(findings.map((f) => f.message)).toEqual([
      'Dropping index "field_name_idx" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes while it waits and drops.',
    ]);
    expect(findings[0]!.fix?.replacement).toBe('DROP INDEX CONCURRENTLY IF EXISTS "field_name_idx"');
    const two = await lintRule(ID, 'DROP INDEX idx1, idx2;');
    expect(two.map((f) => f.message)).toEqual([
      'Dropping indexes "idx1", "idx2" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes while it waits and drops.',
    ]);
    expect(two[0]!.fix).toBeUndefined();
  });

  it('accepts CONCURRENTLY, other drops, and indexes created in the same migration', async () => {
    expect(await messages(ID, 'DROP INDEX CONCURRENTLY IF EXISTS i;\nDROP TABLE IF EXISTS t;\nDROP TRIGGER IF EXISTS trg ON foo;', { assumeInTransaction: false })).toEqual([]);
    expect(await messages(ID, 'CREATE INDEX tmp_idx ON t (a);\nDROP INDEX tmp_idx;')).toEqual([]);
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE t (a bigint);' },
      { revision: '20260102000000', up: 'CREATE TABLE u (a bigint);\nCREATE INDEX u_a ON u (a);\nDROP INDEX u_a;\nDROP INDEX t_a;' },
    ];
    expect((await lintHistory(ID, history)).map((f) => f.message)).toEqual([
      'Dropping index "t_a" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes while it waits and drops.',
    ]);
  });

  it('does not suggest CONCURRENTLY for a partitioned index, which Postgres refuses', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE meta (node_id int NOT NULL, expiry bigint) PARTITION BY LIST (node_id);\nCREATE TABLE meta_o1 PARTITION OF meta FOR VALUES IN (1);\nCREATE INDEX meta_expiry_idx ON meta (expiry);\nCREATE TABLE plain (id bigint);\nCREATE INDEX plain_id_idx ON plain (id);' },
      { revision: '20260102000000', up: 'DROP INDEX meta_expiry_idx;\nDROP INDEX plain_id_idx;' },
    ];
    const findings = await lintHistory(ID, history);
    expect(findings.map((f) => [f.line, f.message, f.fix?.replacement])).toEqual([
      [6, 'Dropping index "meta_expiry_idx" takes an ACCESS EXCLUSIVE lock on the partitioned table and every partition, blocking reads and writes while it waits and drops.', undefined],
      [7, 'Dropping index "plain_id_idx" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes while it waits and drops.', 'DROP INDEX CONCURRENTLY plain_id_idx'],
    ]);
    expect(findings[0]!.help).toBe(
      'DROP INDEX CONCURRENTLY does not work on a partitioned index ("meta_expiry_idx"), and a partition\'s index cannot be dropped while attached: keep the lock wait short with a low `--! Lock-Timeout:` and run it when the tables are quiet.',
    );
  });
});
