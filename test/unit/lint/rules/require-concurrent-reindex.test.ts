import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'require-concurrent-reindex';

describe(ID, () => {
  it('flags REINDEX INDEX and TABLE without CONCURRENTLY, naming the locks, with a fix that adds it', async () => {
    const index = await lintRule(ID, 'REINDEX INDEX idx_orders_customer;');
    expect(index.map((f) => f.message)).toEqual([
      'Reindexing index "idx_orders_customer" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index and a SHARE lock on its table: writes wait until the rebuild ends, and so do the queries that use those indexes (the planner locks every index of a table it reads).',
    ]);
    expect(index[0]!.fix).toEqual(expect.objectContaining({ replacement: 'REINDEX INDEX CONCURRENTLY idx_orders_customer', description: 'Reindex CONCURRENTLY (and mark the migration `--! Transaction: none`)' }));
    expect(index[0]!.help).toContain('give it its own migration marked `--! Transaction: none`');
    const table = await lintRule(ID, 'REINDEX (VERBOSE) TABLE public.orders;');
    expect(table.map((f) => f.message)).toEqual([
      'Reindexing table "public.orders" without CONCURRENTLY takes a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each of its indexes: writes wait until the rebuild ends, and so do the queries that use those indexes (the planner locks every index of a table it reads).',
    ]);
    expect(table[0]!.fix?.replacement).toBe('REINDEX (VERBOSE) TABLE CONCURRENTLY public.orders');
  });

  it('flags REINDEX SCHEMA and DATABASE, which cannot run in the runner\'s transaction either', async () => {
    const schema = await lintRule(ID, 'REINDEX SCHEMA app;');
    expect(schema.map((f) => f.message)).toEqual([
      'Reindexing every index of schema "app" without CONCURRENTLY takes, table by table, a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each of its indexes: writes wait until the rebuild ends, and so do the queries that use those indexes (the planner locks every index of a table it reads).',
    ]);
    expect(schema[0]!.help).toContain('(REINDEX SCHEMA cannot run in one even without CONCURRENTLY)');
    expect(schema[0]!.fix?.replacement).toBe('REINDEX SCHEMA CONCURRENTLY app');
    const database = await lintRule(ID, 'REINDEX DATABASE shop;', { assumeInTransaction: false });
    expect(database[0]!.fix?.replacement).toBe('REINDEX DATABASE CONCURRENTLY shop');
    expect(database[0]!.help).toContain('which `--! Transaction: none` already gives it');
  });

  it('accepts CONCURRENTLY in every spelling, but not CONCURRENTLY false (and offers no conflicting fix for it)', async () => {
    const sql = 'REINDEX INDEX CONCURRENTLY i;\nREINDEX TABLE CONCURRENTLY t;\nREINDEX (CONCURRENTLY) TABLE t;\nREINDEX (CONCURRENTLY on) SCHEMA s;';
    expect(await messages(ID, sql, { assumeInTransaction: false })).toEqual([]);
    const off = await lintRule(ID, 'REINDEX (CONCURRENTLY false) TABLE t;', { assumeInTransaction: false });
    expect(off).toHaveLength(1);
    expect(off[0]!.fix).toBeUndefined();
  });

  it('leaves REINDEX SYSTEM alone, and PostgreSQL 11, which has no CONCURRENTLY', async () => {
    expect(await messages(ID, 'REINDEX SYSTEM shop;')).toEqual([]);
    expect(await messages(ID, 'REINDEX TABLE t;', { postgresVersion: 11 })).toEqual([]);
    expect(await messages(ID, 'REINDEX TABLE t;', { postgresVersion: 12 })).toHaveLength(1);
  });

  it('stays quiet about tables and indexes the migration created', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE old (a bigint);\nCREATE INDEX old_a ON old (a);' },
      { revision: '20260102000000', up: 'CREATE TABLE fresh (a bigint);\nCREATE INDEX fresh_a ON fresh (a);\nREINDEX TABLE fresh;\nREINDEX INDEX fresh_a;\nREINDEX INDEX old_a;\nREINDEX TABLE old;' },
    ];
    expect((await lintHistory(ID, history)).map((f) => [f.line, f.message.split(' without')[0]])).toEqual([
      [10, 'Reindexing index "old_a"'],
      [11, 'Reindexing table "old"'],
    ]);
  });

  it('looks at up sections only', async () => {
    const history = [{ revision: '20260101000000', up: 'SELECT 1;', down: 'REINDEX TABLE t;' }];
    expect(await lintHistory(ID, history)).toEqual([]);
  });
});
