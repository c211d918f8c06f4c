import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'prefer-repack';

describe(ID, () => {
  it('flags VACUUM FULL and CLUSTER of existing tables, naming the lock', async () => {
    expect(await messages(ID, 'VACUUM FULL orders;\nVACUUM (FULL, ANALYZE) orders, items;\nCLUSTER orders USING orders_pkey;', { assumeInTransaction: false })).toEqual([
      'VACUUM FULL rewrites table "orders" under an ACCESS EXCLUSIVE lock held until the rewrite ends: every read and write of the table waits meanwhile, minutes or hours for a large table.',
      'VACUUM FULL rewrites tables "orders", "items" under an ACCESS EXCLUSIVE lock held until the rewrite ends: every read and write of them waits meanwhile, minutes or hours for a large table.',
      'CLUSTER rewrites table "orders" under an ACCESS EXCLUSIVE lock held until the rewrite ends: every read and write of the table waits meanwhile, minutes or hours for a large table.',
    ]);
    expect(await messages(ID, 'VACUUM FULL;\nCLUSTER;', { assumeInTransaction: false })).toEqual([
      'VACUUM FULL rewrites every table of the database under an ACCESS EXCLUSIVE lock held until the rewrite ends: every read and write of them waits meanwhile, minutes or hours for a large table.',
      'CLUSTER rewrites every table with a clustered index under an ACCESS EXCLUSIVE lock held until the rewrite ends: every read and write of them waits meanwhile, minutes or hours for a large table.',
    ]);
  });

  it('leaves other VACUUMs alone, and VACUUM (FULL false)', async () => {
    expect(await messages(ID, 'VACUUM orders;\nVACUUM ANALYZE orders;\nVACUUM FREEZE orders;\nVACUUM (FULL false) orders;\nVACUUM (FULL off) orders;\nANALYZE orders;', { assumeInTransaction: false })).toEqual([]);
  });

  it('below PostgreSQL 19, points to pg_repack outside the migrations', async () => {
    const [finding] = await lintRule(ID, 'VACUUM FULL orders;', { postgresVersion: 17 });
    expect(finding!.help).toBe(
      'PostgreSQL 17 has no online rewrite built in (REPACK (CONCURRENTLY) comes with 19, see lint.postgresVersion). The pg_repack extension rewrites a table online, holding ACCESS EXCLUSIVE only briefly at the start and the end; it runs from its own client (`pg_repack --table=...`), outside the migrations, and needs a primary key or a unique index on NOT NULL columns. A table rewrite is maintenance, not a schema change: keep it out of the migrations (and VACUUM cannot run inside the transaction pgwarden runs this migration in).',
    );
    expect(finding!.fix).toEqual({ description: 'Remove the statement and run pg_repack (or the rewrite, when the table is quiet) outside the migrations' });
    const [cluster] = await lintRule(ID, 'CLUSTER orders;', { postgresVersion: 17 });
    expect(cluster!.help).not.toContain('cannot run inside');
  });

  it('at PostgreSQL 19, names the REPACK (CONCURRENTLY) statement to run instead, one per table, without writing it into the migration', async () => {
    const findings = await lintRule(ID, 'VACUUM FULL orders, app."Items";\nCLUSTER verbose orders_created_idx ON orders;\nCLUSTER orders;\nVACUUM FULL;', { postgresVersion: 19, assumeInTransaction: false });
    expect(findings.map((f) => f.fix)).toEqual([
      { description: 'Run `REPACK (CONCURRENTLY) orders; REPACK (CONCURRENTLY) app."Items"` outside the migrations instead' },
      { description: 'Run `REPACK (CONCURRENTLY) orders USING INDEX orders_created_idx` outside the migrations instead' },
      { description: 'Run `REPACK (CONCURRENTLY) orders USING INDEX` outside the migrations instead' },
      { description: 'Run REPACK (CONCURRENTLY) on each table outside the migrations instead' },
    ]);
    expect(findings[0]!.help).toMatch(/^PostgreSQL 19's REPACK \(CONCURRENTLY\) does the same rewrite under a SHARE UPDATE EXCLUSIVE lock/);
    expect(findings[0]!.help).toContain('does not know REPACK yet');
    expect(findings[3]!.help).toContain('name each table (REPACK (CONCURRENTLY) does not take the whole database at once)');
  });

  it('stays quiet about tables the migration created, and about down sections', async () => {
    expect(await messages(ID, 'CREATE TABLE scratch (a int);\nCLUSTER scratch USING scratch_pkey;\nVACUUM FULL scratch;', { assumeInTransaction: false })).toEqual([]);
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE orders (id bigint PRIMARY KEY);' },
      { revision: '20260102000000', up: 'CREATE TABLE scratch (a int);\nVACUUM FULL scratch, orders;', down: 'VACUUM FULL orders;', header: ['--! Transaction: none'] },
    ];
    expect((await lintHistory(ID, history)).map((f) => [f.line, f.message.split(' under')[0]])).toEqual([[8, 'VACUUM FULL rewrites table "orders"']]);
  });
});
